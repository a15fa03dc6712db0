/** The README's ten lines, runnable: `pnpm example readme`. */
import { Context } from "threadmq";

const ctx = new Context();
const requests = ctx.socket("REQ");
await requests.bind("inproc://echo");
const worker = ctx.spawn(new URL("./worker.js", import.meta.url));
await requests.send("Hello");
console.log((await requests.receive()).toString()); // "Hello, from a thread"

await worker.terminate();
for (const socket of [requests, worker.pipe]) socket.close();
await ctx.term();
