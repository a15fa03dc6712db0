/**
 * rrclient — request-reply client through a broker (guide chapter 2).
 * Connects REQ to the broker's frontend, tcp://localhost:5559; sends "Hello", expects
 * "World" — it neither knows nor cares which worker answers.
 * Run: `pnpm example rrclient [--connect tcp://localhost:5559] [--requests 10]`
 */
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import type { Log } from "./lib/zhelpers.js";

export async function rrclient(ctx: Context, options: { connect?: string; requests?: number; log?: Log } = {}): Promise<string[]> {
  const { connect = "tcp://localhost:5559", requests = 10, log = console.log } = options;
  const requester = ctx.socket("REQ");
  requester.connect(connect);
  const replies: string[] = [];
  try {
    for (let n = 0; n < requests; n++) {
      await requester.send("Hello");
      const [reply] = await requester.receive();
      log(`Received reply ${n} [${reply}]`);
      replies.push(String(reply));
    }
  } finally {
    requester.close();
  }
  return replies;
}

const usage = "usage: rrclient [--connect tcp://localhost:5559] [--requests 10]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, requests: { type: "string" } });
  const ctx = new Context();
  await rrclient(ctx, { connect: values.connect, requests: count(usage, "requests", values.requests, 10) });
  await ctx.term();
});
