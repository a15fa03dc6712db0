/**
 * spworker — Simple Pirate worker (guide chapter 4).
 * REQ to the queue's backend, tcp://localhost:5556, with a printable random identity;
 * says READY (0x01), then echoes requests. After a few cycles it randomly simulates a
 * crash or an overload.
 * Run: `pnpm example spworker [--connect tcp://localhost:5556] [--work-ms 1000] [--no-chaos]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { randomIdentity, untilShutdown } from "./lib/zhelpers.js";
import type { ChaosOptions } from "./lpserver.js";
import { WORKER_READY } from "./spqueue.js";

/** Works until it simulates a crash ("crash") or the context terminates ("term"). */
export async function spworker(ctx: Context, options: ChaosOptions & { connect?: string } = {}): Promise<"crash" | "term"> {
  const { connect = "tcp://localhost:5556", random = Math.random, workMs = 1000, overloadMs = 3000, log = console.log } = options;
  // Set random identity to make tracing easier
  const identity = randomIdentity();
  const worker = ctx.socket("REQ", { routingId: identity, linger: 0 });
  worker.connect(connect);
  // Tell broker we're ready for work
  log(`I: (${identity}) worker ready`);
  let crashed = false;
  await untilShutdown(async () => {
    await worker.send(WORKER_READY);
    for (let cycles = 1; ; cycles++) {
      const msg = await worker.receive(); // [client | "" | request]
      // Simulate various problems, after a few cycles
      if (cycles > 3 && Math.floor(random() * 5) === 0) {
        log(`I: (${identity}) simulating a crash`);
        crashed = true;
        return;
      } else if (cycles > 3 && Math.floor(random() * 5) === 0) {
        log(`I: (${identity}) simulating CPU overload`);
        await sleep(overloadMs);
      }
      log(`I: (${identity}) normal reply`);
      await sleep(workMs); // Do some heavy work
      await worker.send(msg);
    }
  });
  worker.close();
  return crashed ? "crash" : "term";
}

const usage = "usage: spworker [--connect tcp://localhost:5556] [--work-ms 1000] [--no-chaos]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, "work-ms": { type: "string" }, "no-chaos": { type: "boolean" } });
  const ctx = new Context();
  await spworker(ctx, { connect: values.connect, workMs: count(usage, "work-ms", values["work-ms"], 1000), random: values["no-chaos"] ? () => 1 : Math.random });
  await ctx.term();
});
