/**
 * asyncsrv — asynchronous client/server (guide chapter 3).
 * Three DEALER clients with random identities talk to a server: a ROUTER frontend on
 * tcp://*:5570, a DEALER backend on inproc://backend, and 5 DEALER worker threads
 * behind it, joined by `proxy`. Each client sends a request a second while polling
 * for replies; each worker answers a request with 0 to 4 replies at random intervals,
 * addressed by the client's identity. Nothing waits for anything: all of it is async.
 * Runs for 5 seconds.
 * Run: `pnpm example asyncsrv [--bind tcp://*:5570] [--seconds 5]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isMainThread, workerData } from "node:worker_threads";
import { Context, Poller, POLLIN, proxy } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { randomIdentity, randomInt, untilShutdown, type Log } from "./lib/zhelpers.js";

export interface AsyncSrvOptions {
  bind?: string;
  clients?: number;
  workers?: number;
  seconds?: number;
  /** How often a client sends a request, ms (the guide: 1000). */
  requestIntervalMs?: number;
  /** The longest a worker waits before a reply, ms (the guide: 1000). */
  maxReplyDelayMs?: number;
  log?: Log;
}

/** What each client sent and received. */
export interface ClientLog {
  identity: string;
  sent: string[];
  received: string[];
}

/**
 * A client: sends "request #N" every interval, and prints every reply as it comes
 * (polling in 10 ms ticks, as the guide). Runs until the context terminates.
 */
async function clientTask(ctx: Context, endpoint: string, intervalMs: number, log: Log): Promise<ClientLog> {
  const identity = randomIdentity();
  const client = ctx.socket("DEALER", { routingId: identity, linger: 0 });
  client.connect(endpoint);
  const poller = new Poller();
  poller.register(client, POLLIN);
  const record: ClientLog = { identity, sent: [], received: [] };
  await untilShutdown(async () => {
    for (let requestNbr = 1; ; requestNbr++) {
      // Tick until it is time for the next request, handling replies as they come
      const next = Date.now() + intervalMs;
      while (Date.now() < next) {
        if ((await poller.poll(10)).has(client)) {
          const [reply] = await client.receive();
          log(`[${identity}] ${reply}`);
          record.received.push(String(reply));
        }
      }
      await client.send(`request #${requestNbr}`);
      record.sent.push(`request #${requestNbr}`);
    }
  });
  client.close();
  return record;
}

/** A worker thread: 0 to 4 replies per request, each after a random delay. */
async function serverWorker(maxDelayMs: number): Promise<void> {
  const ctx = Context.attach();
  const worker = ctx.socket("DEALER", { linger: 0 });
  worker.connect("inproc://backend");
  await ctx.pipe.send("READY"); // so the run starts with the whole pool in place
  await untilShutdown(async () => {
    for (;;) {
      // The DEALER socket gives us the reply envelope and message
      const [identity, content] = await worker.receive();
      // Send 0..4 replies back
      const replies = randomInt(0, 5);
      for (let reply = 0; reply < replies; reply++) {
        await sleep(randomInt(1, maxDelayMs + 1)); // Sleep for some fraction of a second
        await worker.send([identity!, content!]);
      }
    }
  });
  worker.close();
  ctx.pipe.close();
  await ctx.term();
}

/** Runs server, workers and clients in a context of its own for `seconds`, then ends them all. */
export async function asyncsrv(options: AsyncSrvOptions = {}): Promise<ClientLog[]> {
  const { bind = "tcp://*:5570", clients = 3, workers = 5, seconds = 5, requestIntervalMs = 1000, maxReplyDelayMs = 1000, log = console.log } = options;
  const ctx = new Context();
  // Frontend socket talks to clients over TCP
  const frontend = ctx.socket("ROUTER", { linger: 0 });
  await frontend.bind(bind);
  // Backend socket talks to workers over inproc
  const backend = ctx.socket("DEALER", { linger: 0 });
  await backend.bind("inproc://backend");
  // Launch pool of worker threads, precise number is not critical
  const threads = Array.from({ length: workers }, () => ctx.spawn(new URL(import.meta.url), { workerData: { asyncsrvWorker: maxReplyDelayMs } }));
  const exits = Promise.all(threads.map((thread) => new Promise((resolve) => thread.once("exit", resolve))));
  for (const thread of threads) await thread.pipe.receive();
  // Connect backend to frontend via a proxy
  const proxying = untilShutdown(() => proxy(frontend, backend));

  const connect = frontend.lastEndpoint!.replace("//0.0.0.0:", "//localhost:");
  const clientRuns = Array.from({ length: clients }, () => clientTask(ctx, connect, requestIntervalMs, log));
  await sleep(seconds * 1000); // Run for a while, then quit
  ctx.shutdown();
  const records = await Promise.all(clientRuns);
  await proxying;
  frontend.close();
  backend.close();
  for (const thread of threads) thread.pipe.close();
  await ctx.term();
  await exits;
  return records;
}

const data = workerData as { asyncsrvWorker?: number } | undefined;
if (!isMainThread && data?.asyncsrvWorker !== undefined) await serverWorker(data.asyncsrvWorker);

const usage = "usage: asyncsrv [--bind tcp://*:5570] [--seconds 5] [--clients 3] [--workers 5]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string" }, seconds: { type: "string" }, clients: { type: "string" }, workers: { type: "string" } });
  await asyncsrv({
    bind: values.bind,
    seconds: count(usage, "seconds", values.seconds, 5),
    clients: count(usage, "clients", values.clients, 3),
    workers: count(usage, "workers", values.workers, 5),
  });
});
