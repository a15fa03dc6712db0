/**
 * The README's demo: the multithreaded hello-world server (ROUTER frontend, five REP
 * worker threads behind a DEALER on inproc://workers, proxy between them) and a burst
 * of REQ clients, with a live progress line and a summary.
 * Run: `pnpm demo [clients] [requests-per-client] [frontend-endpoint]`
 */
import { Context } from "threadmq";
import { startMtServer } from "./mtserver.js";

const clients = Number(process.argv[2] ?? 20);
const perClient = Number(process.argv[3] ?? 1000);
const endpoint = process.argv[4] ?? "tcp://127.0.0.1:0";

const ctx = new Context();
const server = await startMtServer(ctx, endpoint, 5);
console.log(`mtserver on ${server.endpoint}: 5 worker threads behind inproc://workers`);
console.log(`${clients} REQ clients x ${perClient} requests\n`);

const perWorker = new Map<string, number>();
let replies = 0;
const total = clients * perClient;
const started = performance.now();
const progress = setInterval(() => {
  const elapsed = (performance.now() - started) / 1000;
  process.stdout.write(`\r  ${replies}/${total} replies  ${Math.round(replies / elapsed)} req/s   `);
}, 100);

await Promise.all(
  Array.from({ length: clients }, async (_, c) => {
    const req = ctx.socket("REQ", { linger: 0 });
    req.connect(server.endpoint);
    for (let i = 0; i < perClient; i++) {
      await req.send(`Hello ${c}.${i}`);
      const [word, worker, echoed] = await req.receive();
      if (word?.toString() !== "World" || echoed?.toString() !== `Hello ${c}.${i}`) {
        throw new Error(`client ${c} got a wrong reply: ${String(word)} ${String(echoed)}`);
      }
      perWorker.set(worker!.toString(), (perWorker.get(worker!.toString()) ?? 0) + 1);
      replies++;
    }
    req.close();
  }),
);
clearInterval(progress);
const seconds = (performance.now() - started) / 1000;
process.stdout.write(`\r  ${replies}/${total} replies                         \n\n`);
console.log(`requests: ${total}  replies: ${replies}  time: ${seconds.toFixed(2)} s  rate: ${Math.round(replies / seconds)} req/s`);
console.log("per worker:", [...perWorker].sort().map(([id, n]) => `#${id}: ${n}`).join("  "));
await server.stop();
await ctx.term();
