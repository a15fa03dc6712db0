import test from "ava";
import { AbortError, PoolError } from "@threadmq/pool";
import { poolWith } from "./helpers.js";

test("a thrown error keeps its class name, message, code and cause", async (t) => {
  const pool = poolWith({ threads: 1 });
  const error = await t.throwsAsync(pool.run({ op: "throw", message: "age must be positive", code: "E_AGE", cause: "got -3" }));
  t.is(error.constructor.name, "ValidationError");
  t.is(error.name, "ValidationError");
  t.true(error instanceof Error);
  t.is(error.message, "age must be positive");
  t.is((error as Error & { code?: string }).code, "E_AGE");
  t.true(error.cause instanceof RangeError);
  t.is((error.cause as Error).message, "got -3");
  t.regex(error.stack ?? "", /ValidationError: age must be positive/);
  t.regex(error.stack ?? "", /pool-worker\.(js|ts)/, "the stack is the worker's");
  t.false(Object.keys(error).includes("cause"), "cause stays non-enumerable, as with new Error(m, { cause })");
  await pool.close();
});

test("built-in error classes come back as themselves", async (t) => {
  const pool = poolWith({ threads: 1 });
  const typeError = await t.throwsAsync(pool.run({ op: "throwType" }), { instanceOf: TypeError, message: "not a number" });
  t.is(typeError.constructor, TypeError);
  const aggregate = await t.throwsAsync(pool.run({ op: "throwAggregate" }), { instanceOf: AggregateError, message: "several" });
  const errors = (aggregate as AggregateError).errors as Error[];
  t.is(errors.length, 2);
  t.true(errors[1] instanceof TypeError);
  t.is(errors[1]!.message, "two");
  await pool.close();
});

test("a thrown non-error value is rejected as is", async (t) => {
  const pool = poolWith({ threads: 1 });
  await t.throwsAsync(pool.run({ op: "throwValue", value: "plain string" }).catch((value: unknown) => {
    t.is(value, "plain string");
    throw new Error("caught");
  }));
  const rejected = await pool.run({ op: "throwValue", value: { reason: 7 } }).then(
    () => undefined,
    (value: unknown) => value,
  );
  t.deepEqual(rejected, { reason: 7 });
  await pool.close();
});

test("an async handler's rejection is reported the same way", async (t) => {
  const pool = poolWith({ threads: 1 });
  // Fails inside the worker's promise chain: still a ValidationError with its code.
  const results = await Promise.allSettled([pool.run({ op: "throw", message: "sync", code: "E1" }), pool.run({ op: "async", a: 1, b: 2 })]);
  t.is(results[0].status, "rejected");
  t.is(((results[0] as PromiseRejectedResult).reason as { code?: string }).code, "E1");
  t.deepEqual(results[1], { status: "fulfilled", value: 3 });
  await pool.close();
});

test("a result that cannot be cloned rejects that task only", async (t) => {
  const pool = poolWith({ threads: 1 });
  const [bad, good] = await Promise.allSettled([pool.run({ op: "unclonable" }), pool.run({ op: "add", a: 1, b: 1 })]);
  t.is(bad.status, "rejected");
  t.regex(String((bad as PromiseRejectedResult).reason.message), /could not be cloned/);
  t.deepEqual(good, { status: "fulfilled", value: 2 });
  await pool.close();
});

test("a task that cannot be cloned rejects with ERR_POOL_CLONE, its batch mates still run", async (t) => {
  const pool = poolWith({ threads: 1 });
  const [bad, good] = await Promise.allSettled([pool.run({ op: "echo", value: () => 1 }), pool.run({ op: "add", a: 2, b: 2 })]);
  t.is(bad.status, "rejected");
  const reason = (bad as PromiseRejectedResult).reason;
  t.true(reason instanceof PoolError);
  t.is(reason.code, "ERR_POOL_CLONE");
  t.deepEqual(good, { status: "fulfilled", value: 4 });
  t.is(pool.stats.running, 0);
  await pool.close();
});

test("PoolError and AbortError are real classes with codes", (t) => {
  const error = new PoolError("ERR_POOL_CLOSED", "closed");
  t.true(error instanceof Error);
  t.is(error.code, "ERR_POOL_CLOSED");
  const abort = new AbortError("why");
  t.is(abort.name, "AbortError");
  t.is(abort.code, "ABORT_ERR");
  t.is(abort.cause, "why");
});
