/**
 * lpserver — Lazy Pirate server (guide chapter 4).
 * A REP echo server on tcp://*:5555 that, after a few good cycles, randomly simulates a
 * crash (it stops) or CPU overload (it stalls 2 s), so lpclient has something to survive.
 * Run: `pnpm example lpserver [--bind tcp://*:5555] [--work-ms 1000] [--no-chaos]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown, type Log } from "./lib/zhelpers.js";

export interface ChaosOptions {
  /** Draws in [0, 1) for the simulated failures; `() => 1` never fails. */
  random?: () => number;
  workMs?: number;
  overloadMs?: number;
  log?: Log;
}

/** Serves until it simulates a crash (resolves "crash") or the context terminates ("term"). */
export async function lpserver(ctx: Context, options: ChaosOptions & { bind?: string; listening?: (endpoint: string) => void } = {}): Promise<"crash" | "term"> {
  const { bind = "tcp://*:5555", random = Math.random, workMs = 1000, overloadMs = 2000, log = console.log } = options;
  const server = ctx.socket("REP", { linger: 0 });
  await server.bind(bind);
  options.listening?.(server.lastEndpoint!);
  let crashed = false;
  await untilShutdown(async () => {
    for (let cycles = 1; ; cycles++) {
      const [request] = await server.receive();
      // Simulate various problems, after a few cycles
      if (cycles > 3 && Math.floor(random() * 3) === 0) {
        log("I: simulating a crash");
        crashed = true;
        return;
      } else if (cycles > 3 && Math.floor(random() * 3) === 0) {
        log("I: simulating CPU overload");
        await sleep(overloadMs);
      }
      log(`I: normal request (${request})`);
      await sleep(workMs); // Do some heavy work
      await server.send(request!);
    }
  });
  server.close();
  return crashed ? "crash" : "term";
}

const usage = "usage: lpserver [--bind tcp://*:5555] [--work-ms 1000] [--no-chaos]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string" }, "work-ms": { type: "string" }, "no-chaos": { type: "boolean" } });
  const ctx = new Context();
  await lpserver(ctx, { bind: values.bind, workMs: count(usage, "work-ms", values["work-ms"], 1000), random: values["no-chaos"] ? () => 1 : Math.random });
  await ctx.term();
});
