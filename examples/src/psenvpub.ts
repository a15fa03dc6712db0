/**
 * psenvpub — pub-sub envelope publisher (guide chapter 2).
 * PUB on tcp://*:5563 sends two-frame messages, [key | content], with keys "A" and
 * "B", once a second; subscribers filter on the key frame alone.
 * Run: `pnpm example psenvpub [--bind tcp://*:5563] [--interval-ms 1000]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown } from "./lib/zhelpers.js";

export async function psenvpub(ctx: Context, options: { bind?: string; intervalMs?: number } = {}): Promise<{ endpoint: string; done: Promise<void> }> {
  const publisher = ctx.socket("PUB", { linger: 0 });
  await publisher.bind(options.bind ?? "tcp://*:5563");
  const done = untilShutdown(async () => {
    for (;;) {
      // Write two messages, each with an envelope and content
      await publisher.send(["A", "We don't want to see this"]);
      await publisher.send(["B", "We would like to see this"]);
      await sleep(options.intervalMs ?? 1000);
    }
  }).then(() => publisher.close());
  return { endpoint: publisher.lastEndpoint!, done };
}

const usage = "usage: psenvpub [--bind tcp://*:5563] [--interval-ms 1000]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string" }, "interval-ms": { type: "string" } });
  await (await psenvpub(new Context(), { bind: values.bind, intervalMs: count(usage, "interval-ms", values["interval-ms"], 1000) })).done;
});
