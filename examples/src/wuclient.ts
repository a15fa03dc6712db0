/**
 * wuclient — weather update client (guide chapter 1).
 * Connects SUB to tcp://localhost:5556, subscribes to one zip code (default NYC, 10001),
 * collects updates and reports the average temperature.
 * Run: `pnpm example wuclient [zipcode] [--connect tcp://localhost:5556] [--updates 100]`
 */
import { Context } from "threadmq";
import { count, fail, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import type { Log } from "./lib/zhelpers.js";

export interface WuClientOptions {
  zipcode?: string;
  connect?: string;
  updates?: number;
  log?: Log;
}

export interface WuClientResult {
  /** The temperatures received, in order. */
  temperatures: number[];
  average: number;
}

/** Collects `updates` updates for the zip code and averages their temperature. */
export async function wuclient(ctx: Context, options: WuClientOptions = {}): Promise<WuClientResult> {
  const { zipcode = "10001", connect = "tcp://localhost:5556", updates = 100, log = console.log } = options;
  log("Collecting updates from weather server...");
  const subscriber = ctx.socket("SUB");
  subscriber.connect(connect);
  // The trailing space keeps "10001" from also matching "100011..." style prefixes.
  subscriber.subscribe(`${zipcode} `);

  const temperatures: number[] = [];
  try {
    while (temperatures.length < updates) {
      const [update] = await subscriber.receive();
      const [, temperature] = String(update).split(" ");
      temperatures.push(Number(temperature));
    }
  } finally {
    subscriber.close();
  }
  const average = temperatures.reduce((sum, t) => sum + t, 0) / temperatures.length;
  log(`Average temperature for zipcode '${zipcode}' was ${Math.trunc(average)}F`);
  return { temperatures, average };
}

const usage = "usage: wuclient [zipcode] [--connect tcp://localhost:5556] [--updates 100]";

main(import.meta.url, async () => {
  const { values, positionals } = parse(usage, { connect: { type: "string" }, updates: { type: "string" } }, 1);
  const zipcode = positionals[0] ?? "10001";
  if (!/^\d{1,5}$/.test(zipcode)) fail(usage, `zipcode must be digits, got "${zipcode}"`);
  const ctx = new Context();
  await wuclient(ctx, { zipcode, connect: values.connect, updates: count(usage, "updates", values.updates, 100) });
  await ctx.term();
});
