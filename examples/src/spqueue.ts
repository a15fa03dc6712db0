/**
 * spqueue — Simple Pirate queue (guide chapter 4).
 * lbbroker's load-balancing broker as a stand-alone queue: ROUTER frontend
 * tcp://*:5555 for (Lazy Pirate) clients, ROUTER backend tcp://*:5556 for workers,
 * which announce themselves with READY (0x01). It knows nothing of failures: the
 * clients' retries take care of them.
 * Run: `pnpm example spqueue [--frontend tcp://*:5555] [--backend tcp://*:5556]`
 */
import { Context, Poller, POLLIN } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { stopPipe } from "./lib/stop.js";
import { untilShutdown } from "./lib/zhelpers.js";

/** Signals worker is ready */
export const WORKER_READY = "\x01";

export interface QueueOptions {
  frontend?: string;
  backend?: string;
  signal?: AbortSignal;
}

export interface RunningQueue {
  frontend: string;
  backend: string;
  /** Resolves when the queue stopped, with the requests each worker got, by routing id. */
  done: Promise<Map<string, number>>;
}

export async function spqueue(ctx: Context, options: QueueOptions = {}): Promise<RunningQueue> {
  const frontend = ctx.socket("ROUTER");
  const backend = ctx.socket("ROUTER");
  await frontend.bind(options.frontend ?? "tcp://*:5555"); // For clients
  await backend.bind(options.backend ?? "tcp://*:5556"); // For workers

  // Queue of available workers
  const workers: Buffer[] = [];
  const served = new Map<string, number>();
  const poller = new Poller();
  poller.register(backend, POLLIN);
  const stop = await stopPipe(ctx, poller, options.signal);
  const done = untilShutdown(async () => {
    for (;;) {
      // Poll frontend only if we have available workers
      if (workers.length > 0) poller.register(frontend, POLLIN);
      else poller.unregister(frontend);
      const ready = await poller.poll();
      if (stop.stopped) return;
      // Handle worker activity on backend
      if (ready.has(backend)) {
        // Use worker identity for load-balancing
        const [identity, , ...rest] = await backend.receive();
        workers.push(identity!);
        // Forward message to client if it's not a READY
        if (!(rest.length === 1 && rest[0]!.toString() === WORKER_READY)) await frontend.send(rest);
      }
      if (ready.has(frontend) && workers.length > 0) {
        // Get client request, route to first available worker
        const request = await frontend.receive();
        const worker = workers.shift()!;
        served.set(worker.toString(), (served.get(worker.toString()) ?? 0) + 1);
        await backend.send([worker, "", ...request]);
      }
    }
  }).then(() => {
    stop.close();
    frontend.close();
    backend.close();
    return served;
  });
  return { frontend: frontend.lastEndpoint!, backend: backend.lastEndpoint!, done };
}

const usage = "usage: spqueue [--frontend tcp://*:5555] [--backend tcp://*:5556]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { frontend: { type: "string" }, backend: { type: "string" } });
  await (await spqueue(new Context(), values)).done;
});
