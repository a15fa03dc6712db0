import test from "ava";
import { AbortError } from "@threadmq/pool";
import { flags, poolWith, release, until } from "./helpers.js";

test("aborting a queued task rejects it at once and it never runs", async (t) => {
  const pool = poolWith({ threads: 1, pipeline: 0 });
  const f = flags();
  const running = pool.run({ op: "block", flags: f.sab, index: 0 });
  await until(f.view, 0, 1);
  const controller = new AbortController();
  const queued = pool.run({ op: "count", flags: f.sab, index: 1 }, { signal: controller.signal });
  t.is(pool.stats.queued, 1);
  controller.abort("changed my mind");
  const error = await t.throwsAsync(queued, { instanceOf: AbortError });
  t.is(error.cause, "changed my mind");
  t.is(pool.stats.queued, 0);
  release(f.view, 0);
  await running;
  // The worker is free again, and the aborted task never ran.
  t.is(await pool.run({ op: "add", a: 1, b: 1 }), 2);
  t.is(Atomics.load(f.view, 1), 0);
  t.is(pool.stats.aborted, 1);
  await pool.close();
});

test("aborting a running task rejects it and the handler's signal fires", async (t) => {
  const pool = poolWith({ threads: 1 });
  const f = flags();
  const controller = new AbortController();
  const running = pool.run({ op: "untilAborted", flags: f.sab, index: 0 }, { signal: controller.signal });
  await until(f.view, 0, 1);
  controller.abort();
  await t.throwsAsync(running, { instanceOf: AbortError });
  await until(f.view, 0, 3); // the handler saw its signal abort
  t.pass();
  t.is(await pool.run({ op: "add", a: 2, b: 2 }), 4, "the worker's slot came back");
  t.is(pool.stats.running, 0);
  await pool.close();
});

test("a pre-aborted signal rejects without queueing", async (t) => {
  const pool = poolWith({ threads: 1 });
  await t.throwsAsync(pool.run({ op: "add", a: 1, b: 1 }, { signal: AbortSignal.abort() }), { instanceOf: AbortError });
  t.is(pool.stats.queued, 0);
  await t.throwsAsync(pool.run({ op: "add", a: 1, b: 1 }, { signal: {} as AbortSignal }), { instanceOf: TypeError });
  await pool.close();
});

test("a signal that never fires costs nothing and its listener is removed", async (t) => {
  const pool = poolWith({ threads: 1 });
  const controller = new AbortController();
  for (let i = 0; i < 20; i++) await pool.run({ op: "add", a: i, b: 0 }, { signal: controller.signal });
  controller.abort(); // after completion: no effect
  t.is(pool.stats.aborted, 0);
  t.is(pool.stats.completed, 20);
  await pool.close();
});
