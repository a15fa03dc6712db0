/**
 * ppqueue — Paranoid Pirate queue (guide chapter 4).
 * As spqueue, plus heartbeats both ways: workers (DEALERs) send READY (0x01) and
 * HEARTBEAT (0x02); the queue sends HEARTBEAT to each idle worker every second and
 * forgets a worker it has not heard from for 3 heartbeats. Frontend tcp://*:5555,
 * backend tcp://*:5556.
 * Run: `pnpm example ppqueue [--frontend tcp://*:5555] [--backend tcp://*:5556] [--heartbeat-ms 1000]`
 */
import { Context, Poller, POLLIN } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown, type Log } from "./lib/zhelpers.js";

export const HEARTBEAT_LIVENESS = 3; // 3-5 is reasonable
export const PPP_READY = "\x01"; // Signals worker is ready
export const PPP_HEARTBEAT = "\x02"; // Signals worker heartbeat

export interface PpQueueOptions {
  frontend?: string;
  backend?: string;
  heartbeatMs?: number;
  signal?: AbortSignal;
  log?: Log;
}

/** An idle worker and when it expires. */
interface Worker {
  identity: Buffer;
  expiry: number;
}

/** The idle workers, least recently used first (the guide's workers_* functions). */
class WorkerQueue {
  readonly #workers: Worker[] = [];
  get size(): number {
    return this.#workers.length;
  }
  /** A worker is ready: (re)queue it at the end with a fresh expiry. */
  ready(identity: Buffer, expiry: number): void {
    this.remove(identity);
    this.#workers.push({ identity, expiry });
  }
  remove(identity: Buffer): void {
    const index = this.#workers.findIndex((w) => w.identity.equals(identity));
    if (index >= 0) this.#workers.splice(index, 1);
  }
  /** The least recently used worker, taken off the queue. */
  next(): Buffer {
    return this.#workers.shift()!.identity;
  }
  /** Forgets expired workers; returns their ids. */
  purge(now: number): Buffer[] {
    const expired = this.#workers.filter((w) => w.expiry <= now);
    for (const worker of expired) this.remove(worker.identity);
    return expired.map((w) => w.identity);
  }
  identities(): Buffer[] {
    return this.#workers.map((w) => w.identity);
  }
}

export async function ppqueue(ctx: Context, options: PpQueueOptions = {}): Promise<{ frontend: string; backend: string; done: Promise<void> }> {
  const { heartbeatMs = 1000, log = console.log } = options;
  const frontend = ctx.socket("ROUTER", { linger: 0 });
  const backend = ctx.socket("ROUTER", { linger: 0 });
  await frontend.bind(options.frontend ?? "tcp://*:5555"); // For clients
  await backend.bind(options.backend ?? "tcp://*:5556"); // For workers

  const workers = new WorkerQueue();
  // Send out heartbeats at regular intervals
  let heartbeatAt = Date.now() + heartbeatMs;
  const done = untilShutdown(async () => {
    while (!options.signal?.aborted) {
      const poller = new Poller();
      poller.register(backend, POLLIN);
      // Poll frontend only if we have available workers
      if (workers.size > 0) poller.register(frontend, POLLIN);
      const ready = await poller.poll(heartbeatMs);

      // Handle worker activity on backend
      if (ready.has(backend)) {
        const [identity, ...rest] = await backend.receive();
        // Any sign of life from worker means it's ready
        workers.ready(identity!, Date.now() + heartbeatMs * HEARTBEAT_LIVENESS);
        // Validate control message, or return reply to client
        if (rest.length === 1) {
          const control = rest[0]!.toString();
          if (control !== PPP_READY && control !== PPP_HEARTBEAT) log(`E: invalid message from worker: ${control}`);
        } else {
          await frontend.send(rest);
        }
      }
      if (ready.has(frontend) && workers.size > 0) {
        // Now get next client request, route to next worker
        const request = await frontend.receive();
        await backend.send([workers.next(), ...request]);
      }
      // Handle heartbeating after any socket activity
      if (Date.now() >= heartbeatAt) {
        for (const identity of workers.identities()) await backend.send([identity, PPP_HEARTBEAT]);
        heartbeatAt = Date.now() + heartbeatMs;
      }
      for (const identity of workers.purge(Date.now())) log(`W: worker ${identity} expired`);
    }
  }).then(() => {
    frontend.close();
    backend.close();
  });
  return { frontend: frontend.lastEndpoint!, backend: backend.lastEndpoint!, done };
}

const usage = "usage: ppqueue [--frontend tcp://*:5555] [--backend tcp://*:5556] [--heartbeat-ms 1000]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { frontend: { type: "string" }, backend: { type: "string" }, "heartbeat-ms": { type: "string" } });
  const ctx = new Context();
  await (await ppqueue(ctx, { frontend: values.frontend, backend: values.backend, heartbeatMs: count(usage, "heartbeat-ms", values["heartbeat-ms"], 1000) })).done;
});
