import test from "ava";
import { Pool, PoolError } from "@threadmq/pool";
import { fixture, flags, poolWith, release, until } from "./helpers.js";

test("a thread that exits mid-task has its task rejected, is replaced, and the pool keeps serving", async (t) => {
  const pool = poolWith({ threads: 2 });
  await pool.ready();
  const before = new Set(pool.threads.map((w) => w.threadId));
  const error = await t.throwsAsync(pool.run({ op: "exit", code: 3 }), { instanceOf: PoolError });
  t.is((error as PoolError).code, "ERR_WORKER_EXITED");
  t.regex(error.message, /exited with code 3/);
  // Keeps serving, on a replacement thread.
  const results = await Promise.all(Array.from({ length: 100 }, (_, i) => pool.run({ op: "add", a: i, b: 0 })));
  t.is(results.length, 100);
  await pool.ready();
  t.is(pool.threads.length, 2);
  const after = new Set(pool.threads.map((w) => w.threadId));
  t.not([...after].filter((id) => !before.has(id)).length, 0, "a new thread replaced the dead one");
  await pool.close();
});

test("an uncaught exception in a worker rejects its in-flight tasks with the error as cause", async (t) => {
  const pool = poolWith({ threads: 1, concurrentTasksPerWorker: 4 });
  const f = flags();
  // Two tasks in flight on the same thread when it dies.
  const blocked = pool.run({ op: "untilAborted", flags: f.sab, index: 0 });
  await until(f.view, 0, 1);
  const crashing = pool.run({ op: "crashAsync", message: "boom in a timer" });
  const [a, b] = await Promise.allSettled([blocked, crashing]);
  for (const result of [a, b]) {
    t.is(result.status, "rejected");
    const reason = (result as PromiseRejectedResult).reason as PoolError;
    t.is(reason.code, "ERR_WORKER_EXITED");
    t.is((reason.cause as Error).message, "boom in a timer");
  }
  t.is(await pool.run({ op: "add", a: 1, b: 1 }), 2);
  await pool.close();
});

test("a module that fails to load rejects tasks with ERR_WORKER_INIT instead of hanging", async (t) => {
  const pool = new Pool({ filename: fixture("failing-init-worker"), threads: 2 });
  const error = await t.throwsAsync(pool.run({}), { instanceOf: PoolError });
  t.is((error as PoolError).code, "ERR_WORKER_INIT");
  t.regex(error.message, /missing configuration/);
  await t.throwsAsync(pool.ready(), { instanceOf: PoolError });
  await pool.destroy();
});

test("destroy() rejects queued and running tasks and resolves, even with a blocked worker", async (t) => {
  const pool = poolWith({ threads: 1, pipeline: 0 });
  const f = flags();
  const running = pool.run({ op: "block", flags: f.sab, index: 0 });
  await until(f.view, 0, 1);
  const queued = Array.from({ length: 5 }, () => pool.run({ op: "add", a: 1, b: 1 }));
  t.is(pool.stats.queued, 5);
  await pool.destroy();
  for (const result of await Promise.allSettled([running, ...queued])) {
    t.is(result.status, "rejected");
    t.is(((result as PromiseRejectedResult).reason as PoolError).code, "ERR_POOL_DESTROYED");
  }
  t.is(pool.threads.length, 0);
});

test("close() waits for a running task, then resolves", async (t) => {
  const pool = poolWith({ threads: 1 });
  const f = flags();
  const running = pool.run({ op: "block", flags: f.sab, index: 0 });
  await until(f.view, 0, 1);
  let closed = false;
  const closing = pool.close().then(() => (closed = true));
  await t.throwsAsync(pool.run({ op: "add", a: 1, b: 1 }), { code: "ERR_POOL_CLOSED" });
  t.false(closed);
  release(f.view, 0);
  t.is(typeof (await running), "number");
  await closing;
  t.true(closed);
});

test("close({ force: true }) rejects queued tasks but finishes running ones", async (t) => {
  const pool = poolWith({ threads: 1, pipeline: 0 });
  const f = flags();
  const running = pool.run({ op: "block", flags: f.sab, index: 0 });
  await until(f.view, 0, 1);
  const queued = pool.run({ op: "add", a: 1, b: 1 });
  const closing = pool.close({ force: true });
  await t.throwsAsync(queued, { code: "ERR_POOL_CLOSED" });
  release(f.view, 0);
  await running;
  await closing;
  t.pass();
});
