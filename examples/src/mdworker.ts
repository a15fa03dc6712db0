/**
 * mdworker — Majordomo worker (guide chapter 4): an "echo" service on the worker API.
 * Run: `pnpm example mdworker [--connect tcp://localhost:5555] [--service echo] [--verbose]`
 */
import { Context, type Message } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown } from "./lib/zhelpers.js";
import { MdWrk, type MdWrkOptions } from "./mdwrkapi.js";

/** Echoes requests until stopped; resolves with the number of requests it got. */
export async function mdworker(ctx: Context, options: MdWrkOptions & { connect?: string; service?: string } = {}): Promise<number> {
  const session = new MdWrk(ctx, options.connect ?? "tcp://localhost:5555", options.service ?? "echo", options);
  let reply: Message | undefined;
  let requests = 0;
  await untilShutdown(async () => {
    for (;;) {
      const request = await session.recv(reply);
      if (request === undefined) break; // Worker was interrupted
      requests++;
      reply = request; // Echo is complex... :-)
    }
  });
  session.close();
  return requests;
}

const usage = "usage: mdworker [--connect tcp://localhost:5555] [--service echo] [--verbose]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, service: { type: "string" }, verbose: { type: "boolean", short: "v" } });
  const ctx = new Context();
  await mdworker(ctx, values);
  await ctx.term();
});
