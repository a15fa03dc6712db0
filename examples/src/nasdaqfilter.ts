/**
 * nasdaqfilter — a pub-sub filter (guide chapter 2's two-publisher snippet, from the
 * original brief): one SUB connected to two remote publishers, subscribed to "NASDAQ",
 * and a PUB on ipc://nasdaq-feed that republishes what it gets to local subscribers.
 * Run: `pnpm example nasdaqfilter [--connect tcp://localhost:5556 --connect tcp://localhost:7721] [--topic NASDAQ] [--bind ipc://nasdaq-feed]`
 * (the brief's publishers are 192.168.55.112:5556 and 192.168.55.201:7721)
 */
import { Context } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown } from "./lib/zhelpers.js";

export interface FilterOptions {
  connect?: string[];
  topic?: string;
  bind?: string;
}

/** Runs until the context terminates; `done` resolves with the messages republished. */
export async function nasdaqfilter(ctx: Context, options: FilterOptions = {}): Promise<{ endpoint: string; done: Promise<number> }> {
  const { connect = ["tcp://localhost:5556", "tcp://localhost:7721"], topic = "NASDAQ", bind = "ipc://nasdaq-feed" } = options;
  const subscriber = ctx.socket("SUB");
  for (const endpoint of connect) subscriber.connect(endpoint); // one socket, many publishers
  subscriber.subscribe(topic);
  const publisher = ctx.socket("PUB", { linger: 0 });
  await publisher.bind(bind);
  let forwarded = 0;
  const done = untilShutdown(async () => {
    for await (const message of subscriber) {
      await publisher.send(message); // all frames, as received
      forwarded++;
    }
  }).then(() => {
    subscriber.close();
    publisher.close();
    return forwarded;
  });
  return { endpoint: publisher.lastEndpoint!, done };
}

const usage = "usage: nasdaqfilter [--connect endpoint]... [--topic NASDAQ] [--bind ipc://nasdaq-feed]\n  default publishers: tcp://localhost:5556 and tcp://localhost:7721";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string", multiple: true }, topic: { type: "string" }, bind: { type: "string" } });
  await (await nasdaqfilter(new Context(), values)).done;
});
