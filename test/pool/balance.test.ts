import test from "ava";
import { PoolError } from "@threadmq/pool";
import { flags, poolWith, release, until } from "./helpers.js";

test("a slow task does not hold back the free worker (least-loaded first)", async (t) => {
  const pool = poolWith({ threads: 2 });
  await pool.ready();
  const f = flags();
  const slow = pool.run({ op: "block", flags: f.sab, index: 0 });
  await until(f.view, 0, 1);
  const slowThread = pool.stats.workers.find((w) => w.running === 1)!;
  // 50 quick tasks, one after the other, while one worker is stuck: all go to the other.
  const seen = new Set<unknown>();
  for (let i = 0; i < 50; i++) seen.add(await pool.run({ op: "whoami" }));
  t.is(seen.size, 1);
  t.false(seen.has(slowThread.threadId), "no quick task waited behind the slow one");
  release(f.view, 0);
  t.is(await slow, slowThread.threadId);
  await pool.close();
});

test("with pipeline: 0 a busy worker never holds a queued task, even in bursts", async (t) => {
  const pool = poolWith({ threads: 2, pipeline: 0 });
  await pool.ready();
  const f = flags();
  const slow = pool.run({ op: "block", flags: f.sab, index: 0 });
  await until(f.view, 0, 1);
  const results = await Promise.all(Array.from({ length: 200 }, () => pool.run({ op: "whoami" })));
  t.is(new Set(results).size, 1);
  t.is(pool.stats.workers.find((w) => w.running === 1)?.completed, 0);
  release(f.view, 0);
  await slow;
  await pool.close();
});

test("maxQueue: a full queue rejects with ERR_POOL_QUEUE_FULL; needsDrain and 'drain' tell when to go on", async (t) => {
  const pool = poolWith({ threads: 1, pipeline: 0, maxQueue: 2 });
  await pool.ready();
  const f = flags();
  const running = pool.run({ op: "block", flags: f.sab, index: 0 });
  await until(f.view, 0, 1);
  const queued = [pool.run({ op: "add", a: 1, b: 1 }), pool.run({ op: "add", a: 2, b: 2 })];
  t.true(pool.needsDrain);
  const error = await t.throwsAsync(pool.run({ op: "add", a: 3, b: 3 }), { instanceOf: PoolError });
  t.is((error as PoolError).code, "ERR_POOL_QUEUE_FULL");
  const drained = new Promise<void>((resolve) => pool.once("drain", resolve));
  release(f.view, 0);
  await drained;
  t.false(pool.needsDrain);
  t.deepEqual(await Promise.all(queued), [2, 4]);
  await running;
  await pool.close();
});

test("maxQueue with onQueueFull: 'wait' holds run() calls until there is room", async (t) => {
  const pool = poolWith({ threads: 1, pipeline: 0, maxQueue: 1, onQueueFull: "wait" });
  await pool.ready();
  const f = flags();
  const running = pool.run({ op: "block", flags: f.sab, index: 0 });
  await until(f.view, 0, 1);
  const tasks = Array.from({ length: 5 }, (_, i) => pool.run({ op: "add", a: i, b: 10 }));
  t.is(pool.stats.queued, 1);
  t.is(pool.stats.waiting, 4);
  release(f.view, 0);
  t.deepEqual(await Promise.all(tasks), [10, 11, 12, 13, 14]);
  await running;
  t.is(pool.stats.waiting, 0);
  await pool.close();
});

test("pipelining: when all workers are busy, quick tasks queue at workers in batches", async (t) => {
  const pool = poolWith({ threads: 2, pipeline: 16 });
  await pool.ready();
  // Warm up the run-time estimate, then flood.
  await Promise.all(Array.from({ length: 100 }, (_, i) => pool.run({ op: "add", a: i, b: 0 })));
  const flood = Array.from({ length: 2000 }, (_, i) => pool.run({ op: "add", a: i, b: 0 }));
  const { running } = pool.stats;
  t.is(running, 0, "nothing leaves before the microtask that batches the tick's tasks");
  await Promise.resolve();
  t.true(pool.stats.running > 2, "more than one task per worker in flight");
  t.true(pool.stats.running <= 2 * (1 + 16), "bounded by concurrency + pipeline per worker");
  await Promise.all(flood);
  await pool.close();
});
