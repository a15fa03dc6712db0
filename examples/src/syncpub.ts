/**
 * syncpub — synchronized publisher (guide chapter 2).
 * PUB on tcp://*:5561, REP on tcp://*:5562: waits until the expected number of
 * subscribers said they are there (over REQ/REP), then publishes 1,000,000 updates and
 * "END". No subscriber misses the start: the slow-joiner problem solved by a handshake.
 * Run: `pnpm example syncpub [--bind tcp://*:5561] [--sync tcp://*:5562] [--subscribers 10] [--updates 1000000]`
 */
import { setImmediate as yieldToIo } from "node:timers/promises";
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import type { Log } from "./lib/zhelpers.js";

export interface SyncPubOptions {
  bind?: string;
  sync?: string;
  subscribers?: number;
  updates?: number;
  log?: Log;
  /** Called once both sockets are bound, with their resolved endpoints. */
  listening?: (publish: string, sync: string) => void;
}

export async function syncpub(ctx: Context, options: SyncPubOptions = {}): Promise<void> {
  const { bind = "tcp://*:5561", sync = "tcp://*:5562", subscribers = 10, updates = 1000000, log = console.log } = options;
  // Socket to talk to clients; a high-water mark above the batch, so a PUB that
  // outruns a subscriber queues rather than drops.
  const publisher = ctx.socket("PUB", { sendHighWaterMark: Math.max(1100000, updates + 1) });
  // Socket to receive signals
  const syncservice = ctx.socket("REP");
  try {
    await publisher.bind(bind);
    await syncservice.bind(sync);
    options.listening?.(publisher.lastEndpoint!, syncservice.lastEndpoint!);

    // Get synchronization from subscribers
    log("Waiting for subscribers");
    for (let subscribed = 0; subscribed < subscribers; subscribed++) {
      await syncservice.receive(); // wait for synchronization request
      await syncservice.send(""); // send synchronization reply
    }
    // Now broadcast exactly the updates, followed by END
    log("Broadcasting messages");
    for (let n = 0; n < updates; n++) {
      await publisher.send("Rhubarb");
      // A PUB send never waits: let tcp write now and then.
      if (n % 1000 === 999) await yieldToIo();
    }
    await publisher.send("END");
  } finally {
    publisher.close(); // lingers until every subscriber has it all
    syncservice.close();
  }
}

const usage = "usage: syncpub [--bind tcp://*:5561] [--sync tcp://*:5562] [--subscribers 10] [--updates 1000000]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string" }, sync: { type: "string" }, subscribers: { type: "string" }, updates: { type: "string" } });
  const ctx = new Context();
  await syncpub(ctx, {
    bind: values.bind,
    sync: values.sync,
    subscribers: count(usage, "subscribers", values.subscribers, 10),
    updates: count(usage, "updates", values.updates, 1000000),
  });
  await ctx.term();
});
