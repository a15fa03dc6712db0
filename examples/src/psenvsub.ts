/**
 * psenvsub — pub-sub envelope subscriber (guide chapter 2).
 * SUB to tcp://localhost:5563, subscribed to "B": the filter matches the envelope
 * frame, and the whole message (key and content) arrives.
 * Run: `pnpm example psenvsub [--connect tcp://localhost:5563] [--count N]`
 */
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import type { Log } from "./lib/zhelpers.js";

/** Prints `[key] content` for each message; resolves after `count` messages. */
export async function psenvsub(ctx: Context, options: { connect?: string; count?: number; log?: Log } = {}): Promise<string[][]> {
  const { connect = "tcp://localhost:5563", count: limit = Infinity, log = console.log } = options;
  const subscriber = ctx.socket("SUB");
  subscriber.connect(connect);
  subscriber.subscribe("B");
  const received: string[][] = [];
  try {
    while (received.length < limit) {
      const [address, contents] = await subscriber.receive(); // envelope, then content
      log(`[${address}] ${contents}`);
      received.push([String(address), String(contents)]);
    }
  } finally {
    subscriber.close();
  }
  return received;
}

const usage = "usage: psenvsub [--connect tcp://localhost:5563] [--count N]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, count: { type: "string" } });
  const ctx = new Context();
  await psenvsub(ctx, { connect: values.connect, count: count(usage, "count", values.count, Infinity) });
  await ctx.term();
});
