/**
 * wuserver — weather update server (guide chapter 1).
 * Binds PUB to tcp://*:5556 and ipc://weather.ipc, publishes random weather updates
 * ("zipcode temperature relhumidity") as fast as it can, forever.
 * Run: `pnpm example wuserver [--bind tcp://*:5556]... [--zip-from 0 --zip-to 100000]`
 */
import { setImmediate as yieldToIo } from "node:timers/promises";
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { randomInt, untilShutdown } from "./lib/zhelpers.js";

export interface WuServerOptions {
  bind?: string[];
  /** Zip codes are drawn from [zipFrom, zipTo); a narrow range makes a client's zip frequent. */
  zipFrom?: number;
  zipTo?: number;
}

/** One random update, as the guide formats it. */
export function weatherUpdate(zipFrom = 0, zipTo = 100000): string {
  const zipcode = randomInt(zipFrom, zipTo);
  const temperature = randomInt(0, 215) - 80;
  const relhumidity = randomInt(0, 50) + 10;
  return `${String(zipcode).padStart(5, "0")} ${temperature} ${relhumidity}`;
}

/** Binds, then publishes until the context terminates; `done` resolves with the count sent. */
export async function wuserver(ctx: Context, options: WuServerOptions = {}): Promise<{ endpoints: string[]; done: Promise<number> }> {
  const { bind = ["tcp://*:5556", "ipc://weather.ipc"], zipFrom = 0, zipTo = 100000 } = options;
  const publisher = ctx.socket("PUB", { linger: 0 });
  const endpoints: string[] = [];
  for (const endpoint of bind) {
    await publisher.bind(endpoint);
    endpoints.push(publisher.lastEndpoint!);
  }
  let sent = 0;
  const done = untilShutdown(async () => {
    for (;;) {
      // A PUB never waits (it drops at the high-water mark), so its sends resolve at once:
      // give the event loop a turn now and then, or tcp would never get to write.
      for (let i = 0; i < 1000; i++) {
        await publisher.send(weatherUpdate(zipFrom, zipTo));
        sent++;
      }
      await yieldToIo();
    }
  }).then(() => {
    publisher.close();
    return sent;
  });
  return { endpoints, done };
}

const usage = "usage: wuserver [--bind endpoint]... [--zip-from 0] [--zip-to 100000]\n  default binds: tcp://*:5556 and ipc://weather.ipc";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string", multiple: true }, "zip-from": { type: "string" }, "zip-to": { type: "string" } });
  const ctx = new Context();
  const server = await wuserver(ctx, {
    bind: values.bind,
    zipFrom: count(usage, "zip-from", values["zip-from"], 0),
    zipTo: count(usage, "zip-to", values["zip-to"], 100000),
  });
  await server.done;
});
