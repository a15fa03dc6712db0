/**
 * Promotion, shown: one broker, one worker module, two ways to run it at once.
 *
 * The broker binds a ROUTER frontend for clients and a DEALER backend on two endpoints,
 * inproc://workers and a tcp (or ipc) one, and joins them with `proxy`. The same worker module
 * (./worker.ts) is started once as a thread on inproc://workers and once as a child process on
 * the tcp/ipc endpoint; only the endpoint string differs. Clients' requests are load-balanced
 * over both, and the summary shows who served what. Then everything shuts down: the process
 * worker on SIGTERM, the thread worker when the context terminates.
 *
 *   node examples/build/promotion/main.js [--ipc] [--requests N]
 *
 * The last line of output is `RESULT {json}` for tests.
 */
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Context, proxy } from "threadmq";
import { startWorker } from "./runtime.js";

const useIpc = process.argv.includes("--ipc");
const requestsArg = process.argv.indexOf("--requests");
const requests = requestsArg > 0 ? Number(process.argv[requestsArg + 1]) : 20;

const ctx = new Context();

// The broker.
const frontend = ctx.socket("ROUTER", { linger: 0 });
await frontend.bind("tcp://127.0.0.1:0");
const backend = ctx.socket("DEALER", { linger: 0 });
await backend.bind("inproc://workers");
await backend.bind(useIpc ? `ipc://${join(tmpdir(), `threadmq-promotion-${process.pid}.ipc`)}` : "tcp://127.0.0.1:0");
const remoteEndpoint = backend.lastEndpoint!;
const proxying = proxy(frontend, backend).catch((error: unknown) => error);

// One worker module, started twice: only the endpoint differs.
const workerModule = new URL("./worker.js", import.meta.url);
const workers = [startWorker(ctx, workerModule, "inproc://workers"), startWorker(ctx, workerModule, remoteEndpoint)];
console.log(`broker: frontend ${frontend.lastEndpoint}, backend inproc://workers + ${remoteEndpoint}`);
console.log(`workers: ${workers.map((w) => `${w.kind} on ${w.endpoint}`).join(", ")}`);

// A client: until both kinds of worker have answered (the process takes a moment to start),
// then `requests` more.
const client = ctx.socket("REQ", { linger: 0, receiveTimeout: 10_000 });
client.connect(frontend.lastEndpoint!);
const servedBy = new Map<string, number>();
const kinds = new Set<string>();
let sent = 0;
let extra = 0;
const deadline = Date.now() + 20_000;
while ((kinds.size < 2 || extra < requests) && Date.now() < deadline) {
  await client.send(`request ${++sent}`);
  const [body, who, via] = await client.receive();
  if (`${body}` !== `request ${sent}`) throw new Error(`reply mismatch: ${body} for request ${sent}`);
  const key = `${who} via ${via}`;
  servedBy.set(key, (servedBy.get(key) ?? 0) + 1);
  kinds.add(`${via}`.startsWith("inproc://") ? "thread" : "process");
  if (kinds.size === 2) extra++;
}
for (const [who, n] of servedBy) console.log(`  ${String(n).padStart(4)} served by ${who}`);

// Shut down: the process worker first (SIGTERM → ETERM in it), then our context, which ends the
// thread worker (ETERM in it too), the proxy and every socket.
const processWorker = workers.find((w) => w.kind === "process")!;
processWorker.stop();
const processExit = await processWorker.exited;
ctx.shutdown();
for (const socket of [...ctx.sockets]) socket.close();
await ctx.term();
await proxying;
const threadExit = await workers.find((w) => w.kind === "thread")!.exited;

const summary = {
  sent,
  thread: [...servedBy].filter(([k]) => k.includes("via inproc://")).reduce((n, [, v]) => n + v, 0),
  process: [...servedBy].filter(([k]) => !k.includes("via inproc://")).reduce((n, [, v]) => n + v, 0),
  remoteEndpoint,
  threadExit,
  processExit,
};
console.log(`RESULT ${JSON.stringify(summary)}`);
