import test from "ava";
import { once } from "node:events";
import { serialize } from "node:v8";
import { Worker } from "node:worker_threads";
import { Pool, PoolError } from "@threadmq/pool";
import { fixture, flags, poolWith, until } from "./helpers.js";

/** Starts a thread the pool did not spawn; it serves on the pool's endpoint like a remote worker. */
function userThread(pool: Pool): Worker {
  const handle = pool.context.handle();
  return new Worker(fixture("user-thread-worker"), { workerData: { handle, endpoint: pool.endpoint }, transferList: [handle.port] });
}

test("a worker the pool did not spawn joins through the endpoint (threads: 0)", async (t) => {
  const pool = new Pool({ threads: 0 });
  const worker = userThread(pool);
  t.is(await pool.run({ op: "hello" }), "user-thread");
  const [w] = pool.stats.workers;
  t.is(w!.kind, "remote");
  t.true(w!.id.startsWith("remote-"));
  const exited = once(worker, "exit");
  await pool.close(); // tells it to stop; its serve() ends and the thread exits on its own
  await exited;
});

test("shared memory goes only to the pool's own threads: for others it is a clear clone error", async (t) => {
  const pool = new Pool({ threads: 0 });
  const worker = userThread(pool);
  const error = await t.throwsAsync(pool.run({ op: "hello", flags: new SharedArrayBuffer(8) }), { instanceOf: PoolError });
  t.is((error as PoolError).code, "ERR_POOL_CLONE");
  t.regex(error.message, /SharedArrayBuffer/);
  const exited = once(worker, "exit");
  await pool.close();
  await exited;
});

test("pool threads and other workers serve side by side", async (t) => {
  const pool = poolWith({ threads: 1 });
  const joined = new Promise((resolve) => pool.on("workerCreate", (id: string) => id.startsWith("remote-") && resolve(id)));
  const worker = userThread(pool);
  await Promise.all([pool.ready(), joined]);
  t.deepEqual(pool.stats.workers.map((w) => w.kind).sort(), ["remote", "thread"]);
  // Keep the pool thread busy: the other worker takes the next task.
  const f = flags();
  const blocked = pool.run({ op: "block", flags: f.sab, index: 0 });
  await until(f.view, 0, 1);
  t.is(await pool.run({ op: "hello" }), "user-thread");
  Atomics.store(f.view, 0, 2);
  Atomics.notify(f.view, 0);
  await blocked;
  const exited = once(worker, "exit");
  await pool.close();
  await exited;
});

test("a remote worker that dies mid-task is noticed through the disconnect (monitor) and its task rejected", async (t) => {
  const pool = new Pool({ threads: 0 });
  const worker = userThread(pool);
  const started = once(worker, "message");
  const running = pool.run({ op: "hang" });
  await started;
  await worker.terminate();
  const error = await t.throwsAsync(running, { instanceOf: PoolError });
  t.is((error as PoolError).code, "ERR_WORKER_EXITED");
  t.regex(error.message, /remote worker/);
  t.is(pool.stats.workers.length, 0);
  await pool.close();
});

test("close() of a pool with queued work and no worker to run it rejects that work and resolves", async (t) => {
  const pool = new Pool({ threads: 0 });
  const queued = pool.run({ op: "hello" });
  await pool.close();
  await t.throwsAsync(queued, { code: "ERR_POOL_CLOSED" });
});

test("a worker from another version of the pool protocol is sent away with STOP and gets no task", async (t) => {
  const pool = new Pool({ threads: 0 });
  const stranger = pool.context.socket("DEALER", { linger: 0, receiveTimeout: 5000 });
  try {
    stranger.connect(pool.endpoint);
    const info = { protocol: 1, concurrency: 4, busy: 0, pid: process.pid, threadId: 0, hostname: "elsewhere" };
    await stranger.send([Buffer.from("R"), serialize(info)]);
    const [command] = await stranger.receive();
    t.is(command!.toString(), "S", "told to stop");
    const task = pool.run({ op: "hello" });
    await new Promise((resolve) => setTimeout(resolve, 50));
    t.is(stranger.tryReceive(), undefined, "no task went to it");
    t.deepEqual(pool.stats.workers, []);
    t.is(pool.stats.queued, 1);
    const outcome = t.throwsAsync(task, { instanceOf: PoolError });
    stranger.close(); // before the pool terminates its context, which waits for every socket
    await pool.destroy();
    t.is((await outcome).code, "ERR_POOL_DESTROYED");
  } finally {
    stranger.close();
    await pool.destroy();
  }
});
