/**
 * mtserver's worker thread: a REP socket on inproc://workers answering "Hello" with
 * "World" (and its id, so the demo can count who did what). Stops on "STOP" from its
 * parent pipe.
 */
import { workerData } from "node:worker_threads";
import { Context } from "threadmq";

const ctx = Context.attach();
const { id } = workerData as { id: number };
const work = ctx.socket("REP", { linger: 0 });
work.connect("inproc://workers");

const serving = (async () => {
  for await (const [request] of work) {
    await work.send([`World`, String(id), request ?? ""]);
  }
})();

await ctx.pipe.receive();
work.close();
await serving;
ctx.pipe.close();
await ctx.term();
