import { Worker } from "node:worker_threads";
import { once } from "node:events";
import test from "ava";
import { ZmqError } from "threadmq";
import { exitCode, inprocName, spawnScenario, threadContext, workerFile } from "../helpers/threads.js";

test("spawn: workerData arrives as given and the pipe carries multipart both ways", async (t) => {
  const ctx = threadContext(t);
  const worker = spawnScenario(t, ctx, "workerdata", { nested: { a: [1, 2] }, text: "x" });
  const [report] = await worker.pipe.receive();
  t.deepEqual(JSON.parse(report!.toString()), { nested: { a: [1, 2] }, text: "x" });
  await worker.pipe.send("done");
  t.is(await exitCode(worker), 0);

  const echo = spawnScenario(t, ctx, "echo-pipe");
  await echo.pipe.send(["a", "", Buffer.from([0, 1, 2])]);
  const frames = await echo.pipe.receive();
  t.deepEqual(frames.map((f: Buffer) => [...f]), [[97], [], [0, 1, 2]]);
  await echo.pipe.send("bye");
  t.is(await exitCode(echo), 0);
});

test("ctx.handle(): a Worker the user starts attaches with the token", async (t) => {
  const ctx = threadContext(t);
  const handle = ctx.handle();
  const endpoint = inprocName("handle");
  const pull = ctx.socket("PULL");
  pull.connect(endpoint);
  const worker = new Worker(workerFile, {
    workerData: { scenario: "push-and-exit", handle, endpoint, count: 3 },
    transferList: [handle.port],
  });
  t.teardown(() => worker.terminate());
  const exited = once(worker, "exit");
  const got: string[] = [];
  for (let i = 0; i < 3; i++) got.push((await pull.receive())[0]!.toString());
  t.deepEqual(got, ["0", "1", "2"]);
  // It lingers until its messages are read, then closes and exits by itself.
  t.deepEqual(await exited, [0]);
});

test("main -> worker -> main pipeline of 100k messages: none lost, none duplicated, in order", async (t) => {
  const ctx = threadContext(t);
  const out = inprocName("out");
  const back = inprocName("back");
  const push = ctx.socket("PUSH");
  await push.bind(out);
  const pull = ctx.socket("PULL");
  await pull.bind(back);
  const worker = spawnScenario(t, ctx, "relay", { from: out, to: back });
  await worker.pipe.receive();
  const count = 100_000;
  const received = (async () => {
    for (let i = 0; i < count; i++) {
      const [frame] = await pull.receive();
      if (frame!.readUInt32BE(0) !== i) throw new Error(`expected ${i}, got ${frame!.readUInt32BE(0)}`);
    }
    return (await pull.receive())[0]!.length;
  })();
  for (let i = 0; i < count; i++) {
    const frame = Buffer.allocUnsafe(4);
    frame.writeUInt32BE(i);
    await push.send(frame);
  }
  await push.send("");
  t.is(await received, 0);
  await worker.pipe.send("done");
  t.is(await exitCode(worker), 0);
});

test("worker to worker: one binds, the other connects first; nothing is lost", async (t) => {
  const ctx = threadContext(t);
  const endpoint = inprocName("w2w");
  const consumer = spawnScenario(t, ctx, "connect-pull-count", { endpoint, count: 50 });
  t.is((await consumer.pipe.receive())[0]!.toString(), "connected");
  const producer = spawnScenario(t, ctx, "bind-push", { endpoint, count: 50 });
  t.is((await producer.pipe.receive())[0]!.toString(), "bound");
  const [seen] = await consumer.pipe.receive();
  t.is(seen!.toString(), Array.from({ length: 50 }, (_, i) => i).join(","));
  await consumer.pipe.send("done");
  await producer.pipe.send("done");
  t.is(await exitCode(consumer), 0);
  t.is(await exitCode(producer), 0);
});

test("connect before bind across threads: messages queued before the bind are delivered", async (t) => {
  const ctx = threadContext(t);
  const endpoint = inprocName("late-bind");
  const push = ctx.socket("PUSH");
  push.connect(endpoint);
  for (let i = 0; i < 10; i++) await push.send(String(i));
  const consumer = spawnScenario(t, ctx, "connect-pull-count", { endpoint: inprocName("other"), count: 0 });
  await consumer.pipe.receive();
  // Now a worker binds the name: the parked pipe reaches it.
  const pullWorker = spawnScenario(t, ctx, "idle-pull", { endpoint: inprocName("x"), receiveHwm: 1000 });
  await pullWorker.pipe.receive();
  const pull = ctx.socket("PULL");
  await pull.bind(endpoint);
  const got: string[] = [];
  for (let i = 0; i < 10; i++) got.push((await pull.receive())[0]!.toString());
  t.deepEqual(got, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  await consumer.pipe.send("done");
  await pullWorker.pipe.send("go");
  await pullWorker.pipe.receive();
  await pullWorker.pipe.send("done");
});

test("high-water marks hold across threads: capacity is SNDHWM + RCVHWM", async (t) => {
  const ctx = threadContext(t);
  const endpoint = inprocName("hwm");
  const push = ctx.socket("PUSH", { sendHighWaterMark: 2 });
  await push.bind(endpoint);
  const worker = spawnScenario(t, ctx, "idle-pull", { endpoint, receiveHwm: 3 });
  await worker.pipe.receive();
  let accepted = 0;
  // The connect reaches us asynchronously; wait until the pipe exists, then fill it.
  while (!push.writable) await new Promise((resolve) => setTimeout(resolve, 5));
  for (let i = 0; i < 20; i++) if (push.trySend(String(i))) accepted++;
  t.is(accepted, 5);
  await worker.pipe.send("read now");
  t.deepEqual(JSON.parse((await worker.pipe.receive())[0]!.toString()), [0, 1, 2, 3, 4]);
  await worker.pipe.send("done");
  t.is(await exitCode(worker), 0);
});

test("an 8 MiB message crosses threads intact and in order between small ones", async (t) => {
  const ctx = threadContext(t);
  const endpoint = inprocName("big");
  const pair = ctx.socket("PAIR");
  await pair.bind(endpoint);
  const worker = spawnScenario(t, ctx, "big", { endpoint });
  const big = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < big.length; i += 4096) big[i] = (i / 4096) & 0xff;
  await pair.send("small-1");
  await pair.send(["big", big]);
  await pair.send("small-2");
  await pair.send("end");
  t.is((await pair.receive())[0]!.toString(), "small-1");
  const [label, echoed] = await pair.receive();
  t.is(label!.toString(), "big");
  t.true(echoed!.equals(big));
  t.is((await pair.receive())[0]!.toString(), "small-2");
  t.is((await pair.receive())[0]!.toString(), "end");
  await worker.pipe.send("done");
  t.is(await exitCode(worker), 0);
});

test("errors cross the thread boundary as ZmqError with the same code", async (t) => {
  const ctx = threadContext(t);
  const endpoint = inprocName("taken");
  const mine = ctx.socket("PAIR");
  await mine.bind(endpoint);
  const worker = spawnScenario(t, ctx, "bind-taken", { endpoint });
  const [isZmqError, code, message] = await worker.pipe.receive();
  t.is(isZmqError!.toString(), "true");
  t.is(code!.toString(), "EADDRINUSE");
  t.regex(message!.toString(), /already bound/);
  await worker.pipe.send("done");
  t.is(await exitCode(worker), 0);
});

for (const how of ["throw", "exit", "terminate"] as const) {
  test(`a worker that dies (${how}) ends its pipes: peers see a disconnect and term completes`, async (t) => {
    const ctx = threadContext(t);
    const endpoint = inprocName(`crash-${how}`);
    const req = ctx.socket("REQ");
    await req.bind(endpoint);
    const events = req.events;
    const worker = spawnScenario(t, ctx, "rep-then-crash", { endpoint, how });
    worker.on("error", () => {});
    await req.send("hello");
    t.is((await req.receive())[0]!.toString(), "before crash");
    if (how === "terminate") await worker.terminate();
    await exitCode(worker).catch(() => undefined);
    for await (const event of events) {
      if (event.type === "disconnect") break;
    }
    t.pass();
  });
}

test("context term in the main thread rejects a worker-independent blocked receive with ETERM", async (t) => {
  const ctx = threadContext(t);
  const pull = ctx.socket("PULL");
  await pull.bind(inprocName("term"));
  const pending = pull.receive();
  const terminated = ctx.term();
  const error = await t.throwsAsync(pending);
  t.true(error instanceof ZmqError);
  t.is((error as ZmqError).code, "ETERM");
  pull.close();
  await terminated;
});
