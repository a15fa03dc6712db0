/**
 * seqpub — counting publisher (from the original brief's pub-sub pair, Python 2).
 * PUB on tcp://*:5555 publishes 1, 2, 3, ... as fast as it can, forever. With seqsub
 * it shows what a PUB does with a subscriber that joins late or reads slowly: the
 * subscriber misses the start, and the high-water mark drops the rest.
 * Run: `pnpm example seqpub [--bind tcp://*:5555] [--count N]`
 */
import { setImmediate as yieldToIo } from "node:timers/promises";
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown, type Log } from "./lib/zhelpers.js";

export interface SeqPubOptions {
  bind?: string;
  /** Stop after this number (default: never). */
  count?: number;
  log?: Log;
}

export async function seqpub(ctx: Context, options: SeqPubOptions = {}): Promise<{ endpoint: string; done: Promise<number> }> {
  const { bind = "tcp://*:5555", count: last = Infinity, log = console.log } = options;
  const socket = ctx.socket("PUB", { linger: 0 });
  await socket.bind(bind);
  log(`server started on ${socket.lastEndpoint}`);
  let i = 0;
  const done = untilShutdown(async () => {
    while (i < last) {
      i++;
      await socket.send(String(i)); // at the high-water mark a PUB drops: that is the lesson
      if (i % 100000 === 0) log(String(i));
      if (i % 1000 === 0) await yieldToIo(); // a PUB send never waits: let tcp write
    }
  }).then(() => {
    socket.close();
    return i;
  });
  return { endpoint: socket.lastEndpoint!, done };
}

const usage = "usage: seqpub [--bind tcp://*:5555] [--count N]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string" }, count: { type: "string" } });
  await (await seqpub(new Context(), { bind: values.bind, count: count(usage, "count", values.count, Infinity) })).done;
});
