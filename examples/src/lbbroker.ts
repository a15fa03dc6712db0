/**
 * lbbroker — load-balancing broker (guide chapter 3).
 * ROUTER frontend (ipc://frontend.ipc) for 10 REQ client threads, ROUTER backend
 * (ipc://backend.ipc) for 3 REQ worker threads. Workers announce themselves with
 * "READY"; the broker keeps a queue of idle workers, reads the frontend only while one
 * is free, and sends each request to the least recently used worker, envelope intact.
 * It stops after serving every client, ending the workers by terminating the context.
 * Run: `pnpm example lbbroker [--frontend ipc://frontend.ipc] [--backend ipc://backend.ipc] [--clients 10] [--workers 3]`
 */
import { isMainThread, workerData } from "node:worker_threads";
import { Context, Poller, POLLIN } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { randomIdentity, untilShutdown, type Log } from "./lib/zhelpers.js";

export interface LbBrokerOptions {
  frontend?: string;
  backend?: string;
  clients?: number;
  workers?: number;
  log?: Log;
}

interface Role {
  lbRole: "client" | "worker";
  endpoint: string;
  quiet: boolean;
}

/** Basic request-reply client using REQ socket. */
async function clientTask(ctx: Context, { endpoint, quiet }: Role): Promise<void> {
  const client = ctx.socket("REQ", { routingId: randomIdentity() });
  client.connect(endpoint);
  // Send request, get reply
  await client.send("HELLO");
  const [reply] = await client.receive();
  if (!quiet) console.log(`Client: ${reply}`);
  client.close();
}

/** Worker using REQ socket to do load-balancing; works until the context terminates. */
async function workerTask(ctx: Context, { endpoint, quiet }: Role): Promise<void> {
  const worker = ctx.socket("REQ", { routingId: randomIdentity() });
  worker.connect(endpoint);
  await untilShutdown(async () => {
    // Tell broker we're ready for work
    await worker.send("READY");
    for (;;) {
      // Read and save all frames until we get an empty frame: here just the client id
      const [identity, , request] = await worker.receive();
      if (!quiet) console.log(`Worker: ${request}`);
      await worker.send([identity!, "", "OK"]);
    }
  });
  worker.close();
}

/**
 * Runs the whole example in its own context: binds, starts the threads, brokers until
 * every client got its reply. Resolves with the requests each worker served, by id.
 */
export async function lbbroker(options: LbBrokerOptions = {}): Promise<Map<string, number>> {
  const { frontend: frontendEndpoint = "ipc://frontend.ipc", backend: backendEndpoint = "ipc://backend.ipc", clients = 10, workers = 3, log = console.log } = options;
  const ctx = new Context();
  const frontend = ctx.socket("ROUTER");
  const backend = ctx.socket("ROUTER");
  await frontend.bind(frontendEndpoint);
  await backend.bind(backendEndpoint);
  const quiet = log !== console.log;
  const self = new URL(import.meta.url);
  const start = (lbRole: Role["lbRole"], endpoint: string) => ctx.spawn(self, { workerData: { lbRole, endpoint, quiet } satisfies Role });
  const exited = (thread: ReturnType<typeof start>) => new Promise((resolve) => thread.once("exit", resolve));
  const workerThreads = Array.from({ length: workers }, () => start("worker", backend.lastEndpoint!));
  const workersDone = Promise.all(workerThreads.map(exited));
  // The clients start once every worker has said READY (the guide starts all at once):
  // then each worker gets a share, however slowly its thread came up.
  let clientThreads: ReturnType<typeof start>[] = [];
  let clientsDone: Promise<unknown> = Promise.resolve();

  // Queue of available workers; what each served
  const idle: Buffer[] = [];
  const served = new Map<string, number>();
  const poller = new Poller();
  poller.register(backend, POLLIN);
  let clientsLeft = clients;
  while (clientsLeft > 0) {
    // Poll frontend only if we have available workers
    if (idle.length > 0) poller.register(frontend, POLLIN);
    else poller.unregister(frontend);
    const ready = await poller.poll();

    // Handle worker activity on backend
    if (ready.has(backend)) {
      // Queue worker identity for load-balancing
      const [workerId, , clientId, , reply] = await backend.receive();
      idle.push(workerId!);
      if (clientThreads.length === 0 && idle.length === workers) {
        clientThreads = Array.from({ length: clients }, () => start("client", frontend.lastEndpoint!));
        clientsDone = Promise.all(clientThreads.map(exited));
      }
      // Second frame is empty; third is READY or else a client reply identity
      if (clientId!.toString() !== "READY") {
        await frontend.send([clientId!, "", reply!]);
        clientsLeft--;
      }
    }
    // Get client request, route to first available worker
    if (ready.has(frontend) && idle.length > 0) {
      const [clientId, , request] = await frontend.receive();
      const workerId = idle.shift()!;
      served.set(workerId.toString(), (served.get(workerId.toString()) ?? 0) + 1);
      await backend.send([workerId, "", clientId!, "", request!]);
    }
  }
  // The clients end by themselves once their reply is in (the last may still be on its way).
  await clientsDone;
  frontend.close();
  backend.close();
  for (const thread of [...clientThreads, ...workerThreads]) thread.pipe.close();
  // Terminating the context ends the workers' receive with ETERM: their normal end.
  await ctx.term();
  await workersDone;
  return served;
}

const role = workerData as Role | undefined;
if (!isMainThread && role?.lbRole) {
  const ctx = Context.attach();
  await (role.lbRole === "client" ? clientTask(ctx, role) : workerTask(ctx, role));
  ctx.pipe.close();
  await ctx.term();
}

const usage = "usage: lbbroker [--frontend ipc://frontend.ipc] [--backend ipc://backend.ipc] [--clients 10] [--workers 3]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { frontend: { type: "string" }, backend: { type: "string" }, clients: { type: "string" }, workers: { type: "string" } });
  await lbbroker({
    frontend: values.frontend,
    backend: values.backend,
    clients: count(usage, "clients", values.clients, 10),
    workers: count(usage, "workers", values.workers, 3),
  });
});
