/**
 * rrworker — request-reply worker behind a broker (guide chapter 2).
 * Connects REP to the broker's backend, tcp://localhost:5560: workers connect to the
 * broker, never to clients, so they can come and go.
 * Run: `pnpm example rrworker [--connect tcp://localhost:5560] [--work-ms 1000]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown, type Log } from "./lib/zhelpers.js";

/** Serves until the context terminates; resolves with the number of requests answered. */
export async function rrworker(ctx: Context, options: { connect?: string; workMs?: number; log?: Log } = {}): Promise<number> {
  const { connect = "tcp://localhost:5560", workMs = 1000, log = console.log } = options;
  const responder = ctx.socket("REP");
  responder.connect(connect);
  let answered = 0;
  await untilShutdown(async () => {
    for await (const [request] of responder) {
      log(`Received request: [${request}]`);
      await sleep(workMs); // Do some 'work'
      await responder.send("World");
      answered++;
    }
  });
  responder.close();
  return answered;
}

const usage = "usage: rrworker [--connect tcp://localhost:5560] [--work-ms 1000]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, "work-ms": { type: "string" } });
  await rrworker(new Context(), { connect: values.connect, workMs: count(usage, "work-ms", values["work-ms"], 1000) });
});
