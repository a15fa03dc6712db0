/**
 * mtserver — the guide's multithreaded hello-world server (chapter 2).
 *
 * A ROUTER frontend takes requests from clients; a DEALER backend on inproc://workers
 * spreads them over worker threads, each running a REP socket; `proxy` joins the two.
 * Run: `pnpm example mtserver [frontend-endpoint] [workers]`
 * (default tcp://*:5555 once tcp lands; any endpoint works: inproc, tcp, ipc).
 */
import { Context, proxy } from "threadmq";

export interface MtServer {
  /** Resolves when the proxy stops (the context terminates or a socket closes). */
  done: Promise<void>;
  /** The frontend's resolved endpoint. */
  endpoint: string;
  /** Stops workers and sockets. */
  stop(): Promise<void>;
}

export async function startMtServer(ctx: Context, frontendEndpoint: string, workerCount = 5): Promise<MtServer> {
  const frontend = ctx.socket("ROUTER", { linger: 0 });
  await frontend.bind(frontendEndpoint);
  const backend = ctx.socket("DEALER", { linger: 0 });
  await backend.bind("inproc://workers");

  const workers = Array.from({ length: workerCount }, (_, id) =>
    ctx.spawn(new URL("./mtserver-worker.js", import.meta.url), { workerData: { id } }),
  );
  // Listen for the exits from the start: a worker told to stop may exit before the next one is told.
  const exited = Promise.all(workers.map((worker) => new Promise((resolve) => worker.once("exit", resolve))));
  const done = proxy(frontend, backend).catch(() => {});
  return {
    done,
    endpoint: frontend.lastEndpoint!,
    async stop() {
      for (const worker of workers) {
        await worker.pipe.send("STOP");
      }
      await exited;
      for (const worker of workers) worker.pipe.close();
      frontend.close();
      backend.close();
      await done;
    },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const ctx = new Context();
  const server = await startMtServer(ctx, process.argv[2] ?? "tcp://*:5555", Number(process.argv[3] ?? 5));
  console.log(`mtserver: listening on ${server.endpoint} with ${process.argv[3] ?? 5} worker threads (Ctrl-C to stop)`);
  process.once("SIGINT", async () => {
    await server.stop();
    await ctx.term();
  });
}
