/** mtserver (chapter 2), its demo, and the README's ten lines: worker threads behind a proxy. */
import test from "ava";
import { startMtServer } from "@threadmq/examples/mtserver";
import { within } from "../helpers/lines.js";
import { exampleContext, startExample } from "../helpers/programs.js";

test("mtserver: requests over tcp are answered by its worker threads, more than one of them", async (t) => {
  const ctx = exampleContext(t);
  const server = await startMtServer(ctx, "tcp://127.0.0.1:0", 3);
  const workers = new Set<string>();
  // Threads come up one by one and the DEALER deals only to those connected: go on until a
  // second thread has answered (at least 10 requests per client).
  await within(
    Promise.all(
      [1, 2, 3, 4].map(async (c) => {
        const req = ctx.socket("REQ", { linger: 0 });
        req.connect(server.endpoint);
        for (let i = 0; i < 10 || workers.size < 2; i++) {
          await req.send(`Hello ${c}.${i}`);
          const [word, worker, echoed] = (await req.receive()).map(String);
          t.is(word, "World");
          t.is(echoed, `Hello ${c}.${i}`);
          workers.add(worker!);
        }
        req.close();
      }),
    ),
    20000,
    "clients",
  );
  t.true([...workers].every((id) => ["0", "1", "2"].includes(id)), `answered by ${[...workers].join(", ")}`);
  await within(server.stop(), 10000, "stop");
});

test("mtserver-demo (the README demo) runs its clients to the end and prints the summary", async (t) => {
  const program = startExample(t, "mtserver-demo", ["4", "50"]);
  t.deepEqual(await within(program.exit, 30000, "demo"), { code: 0, signal: null });
  t.truthy(program.stdout.matching(/^requests: 200 {2}replies: 200 /).length);
  t.truthy(program.stdout.matching(/^per worker: #/).length);
});

test("the README's ten lines: a request answered from a worker thread", async (t) => {
  const program = startExample(t, "run", ["readme"]);
  t.deepEqual(await within(program.exit, 15000, "readme"), { code: 0, signal: null });
  t.deepEqual(program.stdout.all, ["Hello, from a thread"]);
});
