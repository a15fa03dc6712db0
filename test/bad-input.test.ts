/**
 * Bad input (design.md: "A bad endpoint, option or argument is a clear synchronous error"):
 * each case throws a ZmqError synchronously, with the libzmq code and a message naming the
 * problem, and leaves the socket as it was: nothing already queued is lost.
 */
import test from "ava";
import { harness, recv, rejectsZmq, throwsZmq, track } from "./helpers/harness.js";
import { bindEndpoint, connectPeers, settle, tick, transports, uniqueName } from "./helpers/transports.js";

/** Calls `fn` with type checks off: the point is what happens at run time with bad values. */
function loose<T>(value: T): any {
  return value;
}

const badEndpoints: Array<[string, unknown, "EINVAL" | "EPROTONOSUPPORT", RegExp]> = [
  ["an unknown transport", "foo://x", "EPROTONOSUPPORT", /foo/],
  ["tcp:// with nothing after it", "tcp://", "EINVAL", /tcp:\/\//],
  ["inproc:// with no name", "inproc://", "EINVAL", /inproc:\/\//],
  ["ipc:// with no path", "ipc://", "EINVAL", /ipc:\/\//],
  ["tcp without a port", "tcp://127.0.0.1", "EINVAL", /127\.0\.0\.1/],
  ["tcp with a port above 65535", "tcp://127.0.0.1:99999", "EINVAL", /99999/],
  ["tcp with a non-numeric port", "tcp://127.0.0.1:abc", "EINVAL", /abc/],
  ["no transport at all", "127.0.0.1:5555", "EINVAL", /127\.0\.0\.1:5555/],
  ["an inproc name longer than 256 characters", `inproc://${"n".repeat(257)}`, "EINVAL", /longer than/],
  ["a number instead of a string", 5555, "EINVAL", /string/],
  ["undefined", undefined, "EINVAL", /string/],
];

test("ctx.socket with an unknown type: EINVAL naming the type", (t) => {
  const h = harness(t);
  throwsZmq(t, () => h.ctx.socket(loose("FOO")), "EINVAL", /FOO/);
  throwsZmq(t, () => h.ctx.socket(loose("req")), "EINVAL", /req/);
  throwsZmq(t, () => h.ctx.socket(loose("STREAM")), "EINVAL", /STREAM/);
  throwsZmq(t, () => h.ctx.socket(loose(undefined)), "EINVAL");
  throwsZmq(t, () => h.ctx.socket(loose(3)), "EINVAL");
});

test("ctx.socket with options that are not an object: EINVAL", (t) => {
  const h = harness(t);
  throwsZmq(t, () => h.ctx.socket("PUSH", loose(5)), "EINVAL", /options/);
  throwsZmq(t, () => h.ctx.socket("PUSH", loose("linger=0")), "EINVAL", /options/);
});

test("an unknown option name: EINVAL naming the option", (t) => {
  const h = harness(t);
  throwsZmq(t, () => h.ctx.socket("PUSH", loose({ bogus: 1 })), "EINVAL", /bogus/);
  throwsZmq(t, () => h.ctx.socket("DEALER", loose({ identity: "A" })), "EINVAL", /identity/);
  throwsZmq(t, () => h.ctx.socket("PUSH", loose({ sndhwm: 5 })), "EINVAL", /sndhwm/);
});

// (The option types currently accept these names; see the note in types/socket-types.ts.)
test("read-only socket state given as a constructor option: EINVAL", (t) => {
  const h = harness(t);
  throwsZmq(t, () => h.ctx.socket("PUSH", loose({ closed: true })), "EINVAL", /closed/);
  throwsZmq(t, () => h.ctx.socket("PUSH", loose({ lastEndpoint: "inproc://x" })), "EINVAL", /lastEndpoint/);
});

test("an option that does not apply to the socket type: EINVAL, at construction and as a property", (t) => {
  const h = harness(t);
  throwsZmq(t, () => h.ctx.socket("PUSH", loose({ mandatory: true })), "EINVAL", /mandatory.*PUSH|PUSH.*mandatory/);
  throwsZmq(t, () => h.ctx.socket("DEALER", loose({ relaxed: true })), "EINVAL", /relaxed/);
  throwsZmq(t, () => h.ctx.socket("PUB", loose({ verbose: true })), "EINVAL", /verbose/);
  throwsZmq(t, () => h.ctx.socket("SUB", loose({ noDrop: true })), "EINVAL", /noDrop/);
  throwsZmq(t, () => h.ctx.socket("REP", loose({ probeRouter: true })), "EINVAL", /probeRouter/);
  const push = h.socket("PUSH");
  throwsZmq(t, () => (loose(push).mandatory = true), "EINVAL", /mandatory/);
  throwsZmq(t, () => (loose(push).correlate = true), "EINVAL", /correlate/);
});

test("a negative high-water mark: EINVAL, at construction and as a property, value unchanged", (t) => {
  const h = harness(t);
  throwsZmq(t, () => h.ctx.socket("PUSH", { sendHighWaterMark: -1 }), "EINVAL", /sendHighWaterMark/);
  throwsZmq(t, () => h.ctx.socket("PULL", { receiveHighWaterMark: -1 }), "EINVAL", /receiveHighWaterMark/);
  const push = h.socket("PUSH", { sendHighWaterMark: 7 });
  throwsZmq(t, () => (push.sendHighWaterMark = -1), "EINVAL", /sendHighWaterMark/);
  throwsZmq(t, () => (push.receiveHighWaterMark = -5), "EINVAL", /receiveHighWaterMark/);
  t.is(push.sendHighWaterMark, 7);
  t.is(push.receiveHighWaterMark, 1000);
});

test("an option value of the wrong type or out of range: EINVAL naming the option", (t) => {
  const h = harness(t);
  const cases: Array<[string, unknown]> = [
    ["linger", "5"],
    ["linger", -2],
    ["sendTimeout", 1.5],
    ["receiveTimeout", Number.NaN],
    ["receiveTimeout", -2],
    ["sendHighWaterMark", "1000"],
    ["immediate", 1],
    ["heartbeatTimeToLive", 6553600],
    ["reconnectInterval", null],
    ["busyPoll", -1],
    ["busyPoll", 1_000_001],
    ["busyPoll", 2.5],
    ["busyPoll", "100"],
  ];
  for (const [name, value] of cases) {
    throwsZmq(t, () => h.ctx.socket("DEALER", loose({ [name]: value })), "EINVAL", new RegExp(name));
  }
  throwsZmq(t, () => h.ctx.socket("REQ", loose({ relaxed: 1 })), "EINVAL", /relaxed/);
  throwsZmq(t, () => h.ctx.socket("ROUTER", loose({ mandatory: "yes" })), "EINVAL", /mandatory/);
  const dealer = h.socket("DEALER", { sendTimeout: 10 });
  throwsZmq(t, () => (loose(dealer).sendTimeout = "20"), "EINVAL", /sendTimeout/);
  t.is(dealer.sendTimeout, 10, "a rejected assignment leaves the option unchanged");
  const pair = h.socket("PAIR", { busyPoll: 50 });
  throwsZmq(t, () => (pair.busyPoll = -5), "EINVAL", /busyPoll/);
  t.is(pair.busyPoll, 50, "a rejected busyPoll leaves the window as it was");
  t.notThrows(() => h.ctx.socket("DEALER", { heartbeatTimeToLive: 6553599, linger: 0 }).close());
});

test("routingId: 1 to 255 bytes, not starting with a zero byte, else EINVAL", (t) => {
  const h = harness(t);
  throwsZmq(t, () => h.ctx.socket("DEALER", { routingId: "\0abc" }), "EINVAL", /routingId/);
  throwsZmq(t, () => h.ctx.socket("DEALER", { routingId: Buffer.from([0, 1, 2, 3, 4]) }), "EINVAL", /routingId/);
  throwsZmq(t, () => h.ctx.socket("DEALER", { routingId: "x".repeat(256) }), "EINVAL", /routingId/);
  throwsZmq(t, () => h.ctx.socket("DEALER", { routingId: "" }), "EINVAL", /routingId/);
  throwsZmq(t, () => h.ctx.socket("DEALER", loose({ routingId: 42 })), "EINVAL", /routingId/);
  const dealer = h.socket("DEALER", { routingId: "x".repeat(255) });
  t.is(dealer.routingId!.length, 255);
  throwsZmq(t, () => (dealer.routingId = "\0"), "EINVAL", /routingId/);
  t.is(dealer.routingId!.length, 255);
});

for (const [what, endpoint, code, message] of badEndpoints) {
  test(`connect to ${what} (${String(endpoint).slice(0, 40)}): ${code}, thrown synchronously`, (t) => {
    const h = harness(t);
    const sock = h.socket("DEALER");
    throwsZmq(t, () => sock.connect(loose(endpoint)), code, message);
    t.is(sock.lastEndpoint, undefined);
  });

  test(`bind to ${what} (${String(endpoint).slice(0, 40)}): fails with ${code}`, async (t) => {
    const h = harness(t);
    const sock = h.socket("DEALER");
    let result: unknown;
    try {
      result = sock.bind(loose(endpoint));
    } catch (error) {
      t.like(error, { code });
      return;
    }
    await rejectsZmq(t, result as Promise<unknown>, code, message);
  });
}

// LIBRARY DEVIATION (kept failing on purpose): design.md says "A bad endpoint, option or
// argument is a clear synchronous error", but bind() is an `async` method, so a bad
// endpoint rejects the returned promise instead of throwing. Expected: bind(bad) throws a
// ZmqError synchronously (as connect(bad) does); actual: it returns a rejected promise
// (ava: "Function returned a promise"). The first case, "foo://x", already fails.
test("bind to a bad endpoint: the ZmqError is thrown synchronously, as design.md requires", (t) => {
  const h = harness(t);
  const sock = h.socket("DEALER");
  for (const [, endpoint, code, message] of badEndpoints) throwsZmq(t, () => sock.bind(loose(endpoint)), code, message);
});

test("connect to a tcp wildcard port: EINVAL (a wildcard can only be bound)", (t) => {
  const h = harness(t);
  throwsZmq(t, () => h.socket("DEALER").connect("tcp://127.0.0.1:*"), "EINVAL", /wildcard/);
});

test("disconnect from an endpoint never connected: ENOENT, thrown synchronously", (t) => {
  const h = harness(t);
  const sock = h.socket("DEALER");
  throwsZmq(t, () => sock.disconnect(`inproc://${uniqueName()}`), "ENOENT", /not connected/);
  throwsZmq(t, () => sock.disconnect("foo://x"), "EPROTONOSUPPORT");
});

test("unbind of an endpoint never bound: fails with ENOENT naming the endpoint", async (t) => {
  const h = harness(t);
  const sock = h.socket("DEALER");
  const ep = `inproc://${uniqueName()}`;
  let result: unknown;
  try {
    result = sock.unbind(ep);
  } catch (error) {
    t.like(error, { code: "ENOENT" });
    return;
  }
  await rejectsZmq(t, result as Promise<unknown>, "ENOENT", /not bound/);
});

// LIBRARY DEVIATION (kept failing on purpose): unbind() is `async`, so unbinding a
// never-bound endpoint rejects the returned promise with ENOENT instead of throwing it
// synchronously as the brief asks for bad inputs (disconnect() does throw synchronously).
test("unbind of an endpoint never bound: ENOENT thrown synchronously", (t) => {
  const h = harness(t);
  throwsZmq(t, () => h.socket("DEALER").unbind(`inproc://${uniqueName()}`), "ENOENT", /not bound/);
});

test("send on SUB / PULL and receive on PUSH / PUB: ENOTSUP, thrown synchronously, naming the type", (t) => {
  const h = harness(t);
  throwsZmq(t, () => loose(h.socket("SUB")).send("x"), "ENOTSUP", /SUB/);
  throwsZmq(t, () => loose(h.socket("SUB")).trySend("x"), "ENOTSUP", /SUB/);
  throwsZmq(t, () => loose(h.socket("PULL")).send("x"), "ENOTSUP", /PULL/);
  throwsZmq(t, () => loose(h.socket("PUSH")).receive(), "ENOTSUP", /PUSH/);
  throwsZmq(t, () => loose(h.socket("PUSH")).tryReceive(), "ENOTSUP", /PUSH/);
  throwsZmq(t, () => loose(h.socket("PUB")).receive(), "ENOTSUP", /PUB/);
});

test("sending something that is not a message: EINVAL, thrown synchronously", (t) => {
  const h = harness(t);
  const push = h.socket("PUSH");
  const cases: Array<[unknown, RegExp]> = [
    [42, /number/],
    [{ a: 1 }, /Object/],
    [[], /no frames/],
    [["ok", 5], /frame 1/],
    [null, /null/],
    [undefined, /undefined/],
    [true, /boolean/],
    [[["nested"]], /frame 0/],
  ];
  for (const [value, message] of cases) {
    throwsZmq(t, () => push.send(loose(value)), "EINVAL", message);
    throwsZmq(t, () => push.trySend(loose(value)), "EINVAL", message);
  }
  throwsZmq(t, () => h.socket("SUB").subscribe(loose(5)), "EINVAL", /number/);
  throwsZmq(t, () => h.socket("ROUTER").send([]), "EINVAL");
});

for (const transport of transports) {
  // Exact capacities hold over inproc only: over tcp/ipc the engine and the kernel
  // buffer more (libzmq: "HWMs are approximate"); see the tcp bound test instead.
  if (transport === "inproc")
  test(`nothing already queued is lost after bad calls (${transport})`, async (t) => {
    const h = harness(t);
    const pull = h.socket("PULL", { receiveHighWaterMark: 1 });
    const ep = await bindEndpoint(pull, transport);
    const push = h.socket("PUSH", { sendHighWaterMark: 1 });
    await connectPeers(transport, pull, ep, [push]);

    await push.send("1");
    await push.send("2");
    const waiting = track(push.send("3")); // at the HWM: waits in line
    const bad: Array<() => unknown> = [
      () => push.send(loose(42)),
      () => push.send([]),
      () => push.trySend(loose({})),
      () => (push.sendHighWaterMark = -1),
      () => push.connect("foo://x"),
      () => push.connect("inproc://"),
      () => push.disconnect(`inproc://${uniqueName()}`),
      () => loose(push).receive(),
      () => loose(pull).send("x"),
      () => (pull.receiveTimeout = loose("soon")),
    ];
    for (const call of bad) t.throws(call);
    await settle(transport);
    t.false(waiting.settled, "the waiting send is still in line");

    t.deepEqual(await recv(pull), ["1"]);
    t.deepEqual(await recv(pull), ["2"]);
    await waiting.promise;
    t.deepEqual(await recv(pull), ["3"]);
    await push.send("4");
    t.deepEqual(await recv(pull), ["4"]);
    await settle(transport);
    t.is(pull.tryReceive(), undefined);
    t.is(push.stats.messagesSent, 4);
    t.is(push.sendHighWaterMark, 1);
  });

  test(`a bad send does not change REQ's state (${transport})`, async (t) => {
    const h = harness(t);
    const rep = h.socket("REP");
    const ep = await bindEndpoint(rep, transport);
    const req = h.socket("REQ");
    await connectPeers(transport, rep, ep, [req]);

    throwsZmq(t, () => req.send(loose(42)), "EINVAL");
    throwsZmq(t, () => rep.send(loose([])), "EINVAL");
    await req.send("hello");
    t.deepEqual(await recv(rep), ["hello"]);
    throwsZmq(t, () => rep.send(loose(null)), "EINVAL");
    await rep.send("world");
    t.deepEqual(await recv(req), ["world"]);
  });
}

test("failed ctx.socket calls leave nothing behind: the context still terminates", async (t) => {
  const h = harness(t);
  const attempts: Array<() => unknown> = [
    () => h.ctx.socket(loose("FOO")),
    () => h.ctx.socket("PUSH", loose({ bogus: 1 })),
    () => h.ctx.socket("PUSH", { sendHighWaterMark: -1 }),
    () => h.ctx.socket("DEALER", { routingId: "" }),
  ];
  for (const attempt of attempts) t.throws(attempt);
  await tick();
  // harness teardown awaits ctx.term() with a deadline
});
