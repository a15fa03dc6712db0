/**
 * ppworker — Paranoid Pirate worker (guide chapter 4).
 * A DEALER to the queue's backend, tcp://localhost:5556: says READY, sends a heartbeat
 * every second, and takes the queue for dead after 3 silent heartbeats; then it
 * reconnects with a new socket, waiting 1 s, 2 s, 4 s ... up to 32 s in between.
 * After a few cycles it randomly simulates a crash or an overload.
 * Run: `pnpm example ppworker [--connect tcp://localhost:5556] [--heartbeat-ms 1000] [--work-ms 1000] [--no-chaos]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Context, Poller, POLLIN, type Dealer } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { randomIdentity, untilShutdown } from "./lib/zhelpers.js";
import type { ChaosOptions } from "./lpserver.js";
import { HEARTBEAT_LIVENESS, PPP_HEARTBEAT, PPP_READY } from "./ppqueue.js";

export interface PpWorkerOptions extends ChaosOptions {
  connect?: string;
  heartbeatMs?: number;
  /** First and longest reconnect delay, ms (the guide: 1000 and 32000). */
  intervalInit?: number;
  intervalMax?: number;
  signal?: AbortSignal;
}

/** Works until it simulates a crash, `signal` aborts, or the context terminates. */
export async function ppworker(ctx: Context, options: PpWorkerOptions = {}): Promise<"crash" | "stopped"> {
  const {
    connect = "tcp://localhost:5556",
    heartbeatMs = 1000,
    intervalInit = 1000,
    intervalMax = 32000,
    random = Math.random,
    workMs = 1000,
    overloadMs = 3000,
    log = console.log,
  } = options;
  const identity = randomIdentity();
  // Helper function that returns a new configured socket connected to the Paranoid Pirate queue
  const workerSocket = async (): Promise<Dealer> => {
    const worker = ctx.socket("DEALER", { routingId: identity, linger: 0 });
    worker.connect(connect);
    // Tell queue we're ready for work
    log("I: worker ready");
    await worker.send(PPP_READY);
    return worker;
  };

  let worker: Dealer | undefined;
  let crashed = false;
  await untilShutdown(async () => {
    worker = await workerSocket();
    // If liveness hits zero, queue is considered disconnected
    let liveness = HEARTBEAT_LIVENESS;
    let interval = intervalInit;
    let heartbeatAt = Date.now() + heartbeatMs;
    for (let cycles = 0; !options.signal?.aborted; ) {
      const poller = new Poller();
      poller.register(worker, POLLIN);
      if ((await poller.poll(heartbeatMs)).has(worker)) {
        // Get message: 3 frames [client | "" | request] is a request, 1 frame a heartbeat
        const msg = await worker.receive();
        if (msg.length === 3) {
          // Simulate various problems, after a few cycles
          cycles++;
          if (cycles > 3 && Math.floor(random() * 5) === 0) {
            log("I: simulating a crash");
            crashed = true;
            return;
          } else if (cycles > 3 && Math.floor(random() * 5) === 0) {
            log("I: simulating CPU overload");
            await sleep(overloadMs);
          }
          log("I: normal reply");
          await worker.send(msg);
          liveness = HEARTBEAT_LIVENESS;
          await sleep(workMs); // Do some heavy work
        } else if (msg.length === 1 && msg[0]!.toString() === PPP_HEARTBEAT) {
          // When we get a heartbeat message from the queue, it means the queue was (recently) alive
          liveness = HEARTBEAT_LIVENESS;
        } else {
          log(`E: invalid message: ${msg.map(String).join(" | ")}`);
        }
        interval = intervalInit;
      } else if (--liveness === 0) {
        // The queue is silent: back off, then start over with a new socket
        log("W: heartbeat failure, can't reach queue");
        log(`W: reconnecting in ${interval} msec...`);
        await sleep(interval);
        if (interval < intervalMax) interval *= 2;
        worker.close();
        worker = await workerSocket();
        liveness = HEARTBEAT_LIVENESS;
      }
      // Send heartbeat to queue if it's time
      if (Date.now() > heartbeatAt) {
        heartbeatAt = Date.now() + heartbeatMs;
        await worker.send(PPP_HEARTBEAT);
      }
    }
  });
  worker?.close();
  return crashed ? "crash" : "stopped";
}

const usage = "usage: ppworker [--connect tcp://localhost:5556] [--heartbeat-ms 1000] [--work-ms 1000] [--no-chaos]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, "heartbeat-ms": { type: "string" }, "work-ms": { type: "string" }, "no-chaos": { type: "boolean" } });
  const ctx = new Context();
  await ppworker(ctx, {
    connect: values.connect,
    heartbeatMs: count(usage, "heartbeat-ms", values["heartbeat-ms"], 1000),
    workMs: count(usage, "work-ms", values["work-ms"], 1000),
    random: values["no-chaos"] ? () => 1 : Math.random,
  });
  await ctx.term();
});
