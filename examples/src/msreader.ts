/**
 * msreader — reading from multiple sockets, the naive way (guide chapter 2).
 * Connects PULL to the ventilator (tcp://localhost:5557) and SUB to the weather server
 * (tcp://localhost:5556, zip 10001); reads each without waiting, and sleeps 1 ms when
 * both are empty. It works, but it prioritises the first socket and adds latency:
 * mspoller shows the right way.
 * Run: `pnpm example msreader [--tasks ...:5557] [--weather ...:5556] [--limit N]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown } from "./lib/zhelpers.js";

export interface MultiSocketOptions {
  tasks?: string;
  weather?: string;
  zipcode?: string;
  /** Stop after this many messages in all (default: never). */
  limit?: number;
  log?: (line: string) => void;
  /** Ends the loop early. */
  signal?: AbortSignal;
}

export interface Received {
  tasks: string[];
  updates: string[];
}

/** Reads both sockets until `limit` messages arrived or the context terminates. */
export async function msreader(ctx: Context, options: MultiSocketOptions = {}): Promise<Received> {
  const { tasks = "tcp://localhost:5557", weather = "tcp://localhost:5556", zipcode = "10001", limit = Infinity, log = () => {} } = options;
  const receiver = ctx.socket("PULL");
  receiver.connect(tasks);
  const subscriber = ctx.socket("SUB");
  subscriber.connect(weather);
  subscriber.subscribe(`${zipcode} `);

  const received: Received = { tasks: [], updates: [] };
  const total = () => received.tasks.length + received.updates.length;
  await untilShutdown(async () => {
    // Process messages from both sockets; we prioritize traffic from the task ventilator
    while (total() < limit && !options.signal?.aborted) {
      for (let msg = receiver.tryReceive(); msg && total() < limit; msg = receiver.tryReceive()) {
        received.tasks.push(String(msg[0])); // Process task
        log(`task ${msg[0]}`);
      }
      for (let msg = subscriber.tryReceive(); msg && total() < limit; msg = subscriber.tryReceive()) {
        received.updates.push(String(msg[0])); // Process weather update
        log(`weather ${msg[0]}`);
      }
      if (total() < limit) await sleep(1); // No activity, so sleep for 1 msec
    }
  });
  receiver.close();
  subscriber.close();
  return received;
}

export const multiSocketUsage = (name: string) =>
  `usage: ${name} [--tasks tcp://localhost:5557] [--weather tcp://localhost:5556] [--zipcode 10001] [--limit N]`;

/** The shared main of msreader and mspoller. */
export async function multiSocketMain(name: string, run: typeof msreader): Promise<void> {
  const usage = multiSocketUsage(name);
  const { values } = parse(usage, { tasks: { type: "string" }, weather: { type: "string" }, zipcode: { type: "string" }, limit: { type: "string" } });
  const ctx = new Context();
  await run(ctx, { ...values, limit: count(usage, "limit", values.limit, Infinity), log: console.log });
  await ctx.term();
}

main(import.meta.url, () => multiSocketMain("msreader", msreader));
