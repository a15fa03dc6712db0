import test from "ava";
import { Context, ZmqError, type Socket } from "threadmq";
import { watchReadable } from "threadmq/internal/readable-watch";

test("watchReadable calls back once at the start and after messages arrive; stop() ends it", async (t) => {
  const context = new Context();
  const a = context.socket("PAIR");
  const b = context.socket("PAIR");
  try {
    await a.bind("inproc://readable-watch");
    b.connect("inproc://readable-watch");
    const got: string[] = [];
    let calls = 0;
    let arrived: () => void = () => {};
    const stop = watchReadable(a, () => {
      calls++;
      for (let msg = a.tryReceive(); msg; msg = a.tryReceive()) got.push(msg[0]!.toString());
      if (got.length === 2) arrived();
    });
    await new Promise<void>((resolve) => setImmediate(resolve));
    t.is(calls, 1, "one call at the start, nothing queued yet");
    const both = new Promise<void>((resolve) => (arrived = resolve));
    await b.send("one");
    await b.send("two");
    await both;
    t.deepEqual(got, ["one", "two"]);
    stop();
    const before = calls;
    await b.send("three");
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
    t.is(calls, before, "no calls after stop()");
    t.deepEqual(a.tryReceive()?.map(String), ["three"], "what arrived after stop() is still there");
  } finally {
    a.close();
    b.close();
    await context.term();
  }
});

test("watchReadable calls back when the socket closes, so the reader sees ENOTSOCK", async (t) => {
  const context = new Context();
  const a = context.socket("PAIR");
  try {
    let seen: unknown;
    let done: () => void = () => {};
    const closed = new Promise<void>((resolve) => (done = resolve));
    const stop = watchReadable(a, () => {
      try {
        a.tryReceive();
      } catch (error) {
        seen = error;
        stop();
        done();
      }
    });
    a.close();
    await closed;
    t.true(seen instanceof ZmqError);
    t.is((seen as ZmqError).code, "ENOTSOCK");
  } finally {
    await context.term();
  }
});

test("watchReadable refuses what is not a socket or not a function, with EINVAL", (t) => {
  const context = new Context();
  const a = context.socket("PAIR");
  try {
    const notSocket = t.throws(() => watchReadable({} as Socket, () => {}), { instanceOf: ZmqError });
    t.is(notSocket.code, "EINVAL");
    t.regex(notSocket.message, /threadmq socket/);
    const notFunction = t.throws(() => watchReadable(a, 42 as unknown as () => void), { instanceOf: ZmqError });
    t.is(notFunction.code, "EINVAL");
  } finally {
    a.close();
  }
  return context.term();
});
