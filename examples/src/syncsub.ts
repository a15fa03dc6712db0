/**
 * syncsub — synchronized subscriber (guide chapter 2).
 * SUB to tcp://localhost:5561 (everything), then tells the publisher over REQ
 * (tcp://localhost:5562) that it is there, and counts updates until "END".
 * The guide sleeps a second before the sync request, hoping the subscription has
 * arrived by then; here the SUB's handshake event is the signal: once it completed, the
 * subscription is on its way, ahead of the sync request, which needs its own
 * connection and handshake first.
 * Run: `pnpm example syncsub [--connect tcp://localhost:5561] [--sync tcp://localhost:5562]`
 */
import { Context } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { handshakes } from "./lib/peers.js";
import type { Log } from "./lib/zhelpers.js";

/** Subscribes, synchronizes, counts updates until END; resolves with the count. */
export async function syncsub(ctx: Context, options: { connect?: string; sync?: string; log?: Log } = {}): Promise<number> {
  const { connect = "tcp://localhost:5561", sync = "tcp://localhost:5562", log = console.log } = options;
  // First, connect our subscriber socket
  const subscriber = ctx.socket("SUB");
  const connected = handshakes(subscriber, 1);
  subscriber.connect(connect);
  subscriber.subscribe("");
  // Second, synchronize with publisher
  const syncclient = ctx.socket("REQ");
  try {
    await connected;
    syncclient.connect(sync);
    await syncclient.send(""); // send a synchronization request
    await syncclient.receive(); // wait for synchronization reply

    // Third, get our updates and report how many we got
    let updates = 0;
    for (;;) {
      const [update] = await subscriber.receive();
      if (String(update) === "END") break;
      updates++;
    }
    log(`Received ${updates} updates`);
    return updates;
  } finally {
    subscriber.close();
    syncclient.close();
  }
}

const usage = "usage: syncsub [--connect tcp://localhost:5561] [--sync tcp://localhost:5562]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, sync: { type: "string" } });
  const ctx = new Context();
  await syncsub(ctx, values);
  await ctx.term();
});
