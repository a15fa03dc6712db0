import test from "ava";
import { Pool, type PoolStats } from "@threadmq/pool";
import { fixture, poolWith } from "./helpers.js";

test("run() resolves with the handler's result; close() resolves", async (t) => {
  const pool = poolWith();
  t.is(await pool.run({ op: "add", a: 2, b: 3 }), 5);
  t.deepEqual(await pool.run({ op: "echo", value: { list: [1, "two", null], at: new Date(0), map: new Map([[1, 2]]) } }), {
    list: [1, "two", null],
    at: new Date(0),
    map: new Map([[1, 2]]),
  });
  await pool.close();
  t.is(pool.threads.length, 0);
});

test("values keep their structured-clone shape both ways, whether they travel as JSON or through v8", async (t) => {
  const pool = poolWith();
  t.teardown(() => pool.destroy()); // also when an assertion fails midway
  const echo = (value: unknown) => pool.run({ op: "echo", value });
  // Plain data (the JSON path), exactly as given.
  const plain = { a: [1, { b: "é😀\u0000\ud800" }], big: 2 ** 53, tiny: 5e-324, neg: -1.5, flags: [true, false, null] };
  t.deepEqual(await echo(plain), plain);
  // What JSON would change: each must come back as structured clone gives it.
  t.true(Object.is(await echo(-0), -0));
  t.true(Number.isNaN(await echo(Number.NaN)));
  t.is(await echo(Infinity), Infinity);
  t.is(await echo(undefined), undefined);
  const sparse = (await echo([1, , 3])) as unknown[];
  t.is(sparse.length, 3);
  t.false(1 in sparse, "a hole stays a hole");
  t.deepEqual(await echo({ list: [undefined, -0] }), { list: [undefined, -0] });
  const named = Object.assign([1, 2], { extra: "kept" });
  t.is(((await echo(named)) as { extra?: string }).extra, "kept");
  const shared = { n: 1 };
  const twice = (await echo({ first: shared, second: shared })) as { first: object; second: object };
  t.is(twice.first, twice.second, "a shared reference stays shared");
  const cyclic: { self?: unknown } = {};
  cyclic.self = cyclic;
  const back = (await echo(cyclic)) as { self: unknown };
  t.is(back.self, back);
  const bare = Object.assign(Object.create(null) as object, { k: "v" });
  t.deepEqual({ ...((await echo(bare)) as object) }, { k: "v" });
  // Several at once (one batch each way), mixed.
  t.deepEqual(await Promise.all([echo({ x: 1 }), echo(-0), echo([2, "y"]), echo(new Map([[1, 2]]))]), [{ x: 1 }, -0, [2, "y"], new Map([[1, 2]])]);
  await pool.close();
});

test("many tasks in flight all complete, on both threads", async (t) => {
  const pool = poolWith();
  await pool.ready();
  const results = await Promise.all(Array.from({ length: 5000 }, (_, i) => pool.run({ op: "add", a: i, b: 1 })));
  t.deepEqual(results, Array.from({ length: 5000 }, (_, i) => i + 1));
  const stats: PoolStats = pool.stats;
  t.is(stats.completed, 5000);
  t.is(stats.queued, 0);
  t.is(stats.running, 0);
  t.is(stats.workers.length, 2);
  t.is(stats.workers.reduce((sum, w) => sum + w.completed, 0), 5000);
  t.true(stats.workers.every((w) => w.completed > 0), "both workers got work");
  t.is(stats.runTime.count, 5000);
  t.true(stats.runTime.p99 >= stats.runTime.p50);
  t.is(stats.waitTime.count, 5000);
  await pool.close();
});

test("a piscina-shaped module (default export, no serve()) works unchanged; `name` picks another export", async (t) => {
  const pool = new Pool({ filename: fixture("piscina-shape-worker"), threads: 1 });
  const named = new Pool({ filename: fixture("piscina-shape-worker").href, threads: 1, name: "multiply" });
  t.is(await pool.run({ a: 4, b: 5 }), 9);
  t.is(await named.run({ a: 4, b: 5 }), 20);
  await Promise.all([pool.close(), named.close()]);
});

test("async handlers, and concurrentTasksPerWorker runs several at once per thread", async (t) => {
  const pool = poolWith({ threads: 1, concurrentTasksPerWorker: 4 });
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => pool.run({ op: "async", a: i, b: i })));
  t.deepEqual(results, Array.from({ length: 40 }, (_, i) => 2 * i));
  t.is(pool.stats.workers[0]!.concurrency, 4);
  await pool.close();
});

test("workerData reaches the threads", async (t) => {
  const pool = poolWith({ threads: 1, workerData: { answer: 42 } });
  t.deepEqual(await pool.run({ op: "workerData" }), { answer: 42 });
  await pool.close();
});

test("run() after close() rejects with ERR_POOL_CLOSED; close() and destroy() are idempotent", async (t) => {
  const pool = poolWith({ threads: 1 });
  await pool.close();
  await t.throwsAsync(pool.run({ op: "add", a: 1, b: 1 }), { code: "ERR_POOL_CLOSED" });
  await pool.close();
  await pool.destroy();
  t.pass();
});

test("close() finishes queued work before it resolves", async (t) => {
  const pool = poolWith({ threads: 2, pipeline: 0 });
  const tasks = Array.from({ length: 200 }, (_, i) => pool.run({ op: "async", a: i, b: 0 }));
  const closed = pool.close();
  t.deepEqual(await Promise.all(tasks), Array.from({ length: 200 }, (_, i) => i));
  await closed;
  t.is(pool.stats.completed, 200);
});

test("a context given by the caller is used and left alive", async (t) => {
  const { Context } = await import("threadmq");
  const context = new Context();
  const pool = poolWith({ threads: 1, context });
  t.is(pool.context, context);
  t.is(await pool.run({ op: "add", a: 1, b: 2 }), 3);
  await pool.close();
  const sock = context.socket("PAIR");
  sock.close();
  await context.term();
});

test("results are taken when the handler returns, even if it reuses the object", async (t) => {
  const pool = poolWith({ threads: 1 });
  const results = await Promise.all([1, 2, 3].map((n) => pool.run({ op: "reuse", n })));
  t.deepEqual(results, [{ n: 1 }, { n: 2 }, { n: 3 }]);
  await pool.close();
});

test("await using closes the pool", async (t) => {
  let pool: Pool | undefined;
  {
    await using p = poolWith({ threads: 1 });
    pool = p;
    t.is(await p.run({ op: "add", a: 1, b: 1 }), 2);
  }
  await t.throwsAsync(pool.run({ op: "add", a: 1, b: 1 }), { code: "ERR_POOL_CLOSED" });
});

test("bad options are TypeErrors", (t) => {
  t.throws(() => new Pool({ threads: 1 }), { instanceOf: TypeError, message: /filename/ });
  t.throws(() => new Pool({ filename: fixture("pool-worker"), threads: -1 }), { instanceOf: TypeError });
  t.throws(() => new Pool({ filename: fixture("pool-worker"), threads: 0, concurrentTasksPerWorker: 0 }), { instanceOf: TypeError });
  t.throws(() => new Pool({ filename: fixture("pool-worker"), threads: 0, maxQueue: -1 }), { instanceOf: TypeError });
});

test("SharedArrayBuffers and views over them are shared with pool threads, both ways", async (t) => {
  const pool = poolWith({ threads: 1 });
  const sab = new SharedArrayBuffer(16);
  const mine = new Int32Array(sab);
  const out = (await pool.run({ op: "echo", value: { sab, view: new Int32Array(sab, 4, 2), copy: new Uint8Array([1, 2]) } })) as {
    sab: SharedArrayBuffer;
    view: Int32Array;
    copy: Uint8Array;
  };
  t.true(out.sab instanceof SharedArrayBuffer);
  t.is(out.view.buffer, out.sab, "the view and the bare buffer stay the same memory");
  t.is(out.view.byteOffset, 4);
  t.is(out.view.length, 2);
  new Int32Array(out.sab)[0] = 7;
  out.view[1] = 9;
  t.is(mine[0], 7, "the same memory, not a copy");
  t.is(mine[2], 9);
  t.deepEqual([...out.copy], [1, 2]);
  await pool.close();
});

test("an endpoint that is taken makes run() and ready() reject instead of hanging", async (t) => {
  const { Context } = await import("threadmq");
  const context = new Context(); // one inproc namespace for both
  const first = poolWith({ threads: 0, context, endpoint: "inproc://pool-taken" });
  const second = poolWith({ threads: 0, context, endpoint: "inproc://pool-taken" });
  const error = await t.throwsAsync(second.run({ op: "add", a: 1, b: 1 }), { code: "ERR_POOL_INVALID" });
  t.regex(error.message, /pool-taken/);
  await t.throwsAsync(second.ready(), { code: "ERR_POOL_INVALID" });
  await Promise.all([first.close(), second.close()]);
  await context.term();
});
