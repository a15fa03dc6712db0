/**
 * Endpoints: bind / connect order, unbind and disconnect (libzmq test_term_endpoint.cpp and
 * test_inproc_connect.cpp, reference §4 and §7.6), EADDRINUSE, and context termination
 * with pending connects.
 */
import test from "ava";
import { failsZmq, harness, recv, rejectsZmq, strs, withDeadline } from "../helpers/harness.js";
import { Context } from "threadmq";
import { DEADLINE_MS, bindEndpoint, connectPeers, expectEvent, freshEndpoint, networkTransports, settle, transports, uniqueName } from "../helpers/transports.js";

for (const transport of transports) {
  test(`term_endpoint: after unbind, a DONTWAIT send fails (no peer left) (${transport})`, async (t) => {
    const h = harness(t);
    const push = h.socket("PUSH");
    const ep = await bindEndpoint(push, transport);
    const pull = h.socket("PULL");
    await connectPeers(transport, push, ep, [pull]);
    await push.send("ABC");
    t.deepEqual(await recv(pull), ["ABC"]);

    const gone = expectEvent(push, "disconnect");
    await push.unbind(ep);
    await gone();
    t.false(push.trySend("ABC"), "sending would block: there is no connection");
  });

  test(`term_endpoint: after disconnect, a DONTWAIT send fails (no peer left) (${transport})`, async (t) => {
    const h = harness(t);
    const pull = h.socket("PULL");
    const ep = await bindEndpoint(pull, transport);
    const push = h.socket("PUSH");
    await connectPeers(transport, pull, ep, [push]);
    await push.send("ABC");
    t.deepEqual(await recv(pull), ["ABC"]);

    const gone = expectEvent(push, "disconnect");
    push.disconnect(ep);
    await gone();
    t.false(push.trySend("ABC"));
  });

  test(`unbind ends the connections of that endpoint only (${transport})`, async (t) => {
    const h = harness(t);
    const pull = h.socket("PULL");
    const ep1 = await bindEndpoint(pull, transport);
    const ep2 = await bindEndpoint(pull, transport);
    const [p1, p2] = [h.socket("PUSH"), h.socket("PUSH")];
    await connectPeers(transport, pull, ep1, [p1]);
    await connectPeers(transport, pull, ep2, [p2]);

    const gone = expectEvent(p1, "disconnect");
    await pull.unbind(ep1);
    await gone();
    await settle(transport);
    // Over inproc the connector's pipe ends with the bind; a tcp/ipc connector keeps its pipe
    // and reconnects (libzmq), so there the message would wait in it.
    if (transport === "inproc") t.false(p1.trySend("to the unbound endpoint"));
    await p2.send("still bound");
    t.deepEqual(await recv(pull), ["still bound"]);
  });

  test(`unbind and disconnect of an endpoint that is not bound/connected: ENOENT (${transport})`, async (t) => {
    const h = harness(t);
    const sock = h.socket("DEALER");
    const ep = await bindEndpoint(sock, transport);
    await failsZmq(t, () => sock.disconnect(ep), "ENOENT", /not connected/);
    await sock.unbind(ep);
    await failsZmq(t, () => sock.unbind(ep), "ENOENT", /not bound/);
  });

  test(`connect before bind works: messages queued by the connector arrive (${transport})`, async (t) => {
    const h = harness(t);
    const ep = await freshEndpoint(transport);
    const connector = h.socket("PAIR");
    connector.connect(ep);
    await connector.send("foobar");
    const binder = h.socket("PAIR");
    await binder.bind(ep);
    t.deepEqual(await recv(binder), ["foobar"]);
    await binder.send("back");
    t.deepEqual(await recv(connector), ["back"]);
  });

  test(`connect before bind: 10 PUSH connectors, then a PULL binds and gets all 10 (${transport})`, async (t) => {
    const h = harness(t);
    const ep = await freshEndpoint(transport);
    const pushes = Array.from({ length: 10 }, () => h.socket("PUSH"));
    for (const [i, push] of pushes.entries()) {
      push.connect(ep);
      await push.send(`foobar${i}`);
    }
    const pull = h.socket("PULL");
    await pull.bind(ep);
    const got: string[] = [];
    for (let i = 0; i < pushes.length; i++) got.push((await recv(pull))[0]!);
    t.deepEqual(got.sort(), pushes.map((_, i) => `foobar${i}`).sort());
  });

  test(`connect before bind: PUB messages sent before the SUB binds are dropped, later ones delivered (${transport})`, async (t) => {
    const h = harness(t);
    const ep = await freshEndpoint(transport);
    const pub = h.socket("PUB");
    pub.connect(ep);
    await pub.send("before");
    const sub = h.socket("SUB");
    sub.subscribe("");
    await sub.bind(ep);
    await settle(transport); // libzmq waits SETTLE_TIME here too: the subscription must reach the PUB
    await pub.send("after");
    t.deepEqual(await recv(sub), ["after"]);
    await settle(transport);
    t.is(sub.tryReceive(), undefined);
  });

  test(`connect before bind: DEALER -> ROUTER, the ROUTER gets [id, "A", "B"] (${transport})`, async (t) => {
    const h = harness(t);
    const ep = await freshEndpoint(transport);
    const dealer = h.socket("DEALER");
    dealer.connect(ep);
    const router = h.socket("ROUTER");
    await router.bind(ep);
    await dealer.send(["A", "B"]);
    const msg = await router.receive();
    t.is(msg.length, 3);
    t.true(msg[0]!.length > 0, "a routing id comes first");
    t.deepEqual(strs(msg.slice(1)), ["A", "B"]);
    await router.send([msg[0]!, "reply"]);
    t.deepEqual(await recv(dealer), ["reply"]);
  });

  test(`connect before bind: a DEALER's routing id reaches the ROUTER that binds later (${transport})`, async (t) => {
    const h = harness(t);
    const ep = await freshEndpoint(transport);
    const dealer = h.socket("DEALER", { routingId: "early" });
    dealer.connect(ep);
    await dealer.send("queued before the bind");
    const router = h.socket("ROUTER");
    await router.bind(ep);
    t.deepEqual(strs(await router.receive()), ["early", "queued before the bind"]);
  });

  test(`unbind frees the name for another socket (${transport})`, async (t) => {
    const h = harness(t);
    const first = h.socket("PAIR");
    const ep = await bindEndpoint(first, transport);
    await first.unbind(ep);
    const second = h.socket("PAIR");
    await second.bind(ep);
    const connector = h.socket("PAIR");
    await connectPeers(transport, second, ep, [connector]);
    await connector.send("foobar");
    t.deepEqual(await recv(second), ["foobar"]);
    t.is(first.tryReceive(), undefined);
  });

  test(`binding an endpoint that is already bound: EADDRINUSE, the first binder keeps working (${transport})`, async (t) => {
    const h = harness(t);
    const first = h.socket("PULL");
    const ep = await bindEndpoint(first, transport);
    const second = h.socket("PULL");
    await failsZmq(t, () => second.bind(ep), "EADDRINUSE");
    await failsZmq(t, () => first.bind(ep), "EADDRINUSE");
    // The failed binds changed nothing: the first binder still works.
    const push = h.socket("PUSH");
    await connectPeers(transport, first, ep, [push]);
    await push.send("x");
    t.deepEqual(await recv(first), ["x"]);
  });

  test(`lastEndpoint tells the endpoint of the last bind or connect (${transport})`, async (t) => {
    const h = harness(t);
    const sock = h.socket("DEALER");
    t.is(sock.lastEndpoint, undefined);
    const ep = await bindEndpoint(sock, transport);
    t.is(sock.lastEndpoint, ep);
    const other = h.socket("DEALER");
    other.connect(ep);
    t.is(other.lastEndpoint, ep);
  });
}

test("inproc: EADDRINUSE message names the endpoint", async (t) => {
  const h = harness(t);
  const ep = `inproc://${uniqueName()}`;
  await h.socket("PAIR").bind(ep);
  await rejectsZmq(t, h.socket("PAIR").bind(ep), "EADDRINUSE", new RegExp(ep.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
});

test("inproc: names are per context — the same name can be bound in two contexts", async (t) => {
  const h = harness(t);
  const other = new Context();
  const theirs = other.socket("PAIR", { linger: 0 });
  t.teardown(async () => {
    theirs.close();
    await withDeadline(other.term(), DEADLINE_MS, "second context term");
  });
  const ep = `inproc://${uniqueName()}`;
  await h.socket("PAIR").bind(ep);
  await theirs.bind(ep);
  const connector = h.socket("PAIR");
  connector.connect(ep);
  await connector.send("to my context's binder");
  await settle("inproc");
  t.is(theirs.tryReceive(), undefined, "a connect never meets a binder of another context");
});

test("inproc: connect to a name that is never bound, close, ctx.term() does not hang (default linger)", async (t) => {
  const ctx = new Context();
  const push = ctx.socket("PUSH");
  push.connect(`inproc://${uniqueName()}`);
  push.close();
  await withDeadline(ctx.term(), DEADLINE_MS, "ctx.term() with a closed connect-only socket");
  t.pass();
});

test("inproc: a pending connect with a queued message does not make ctx.term() hang", async (t) => {
  const ctx = new Context();
  const push = ctx.socket("PUSH");
  push.connect(`inproc://${uniqueName()}`);
  await push.send("never delivered");
  const term = ctx.term();
  push.close();
  await withDeadline(term, DEADLINE_MS, "ctx.term() with a pending inproc connect");
  t.pass();
});

test("inproc: a socket may connect to the same name twice, each connect adds a pipe", async (t) => {
  const h = harness(t);
  const ep = `inproc://${uniqueName()}`;
  const pull = h.socket("PULL", { receiveHighWaterMark: 1 });
  await pull.bind(ep);
  const push = h.socket("PUSH", { sendHighWaterMark: 1 });
  push.connect(ep);
  push.connect(ep);
  let sent = 0;
  while (sent < 100 && push.trySend("x")) sent++;
  t.is(sent, 4, "two pipes of capacity 2");
  t.is(receiveAllCount(pull), 4);
});

function receiveAllCount(sock: { tryReceive(): Buffer[] | undefined }): number {
  let n = 0;
  while (sock.tryReceive() !== undefined) n++;
  return n;
}

// Wildcard unbinding (test_term_endpoint.cpp test_wildcard_unbind_fails / unbind_via_last_endpoint):
// only meaningful for transports that resolve a wildcard, so these run once tcp/ipc exist.
for (const transport of networkTransports) {
  test(`unbinding the wildcard string fails ENOENT, unbinding lastEndpoint works (${transport})`, async (t) => {
    const h = harness(t);
    const sock = h.socket("PUSH");
    const wildcard = transport === "tcp" ? "tcp://127.0.0.1:*" : "ipc://*";
    await sock.bind(wildcard);
    const resolved = sock.lastEndpoint!;
    t.not(resolved, wildcard);
    await failsZmq(t, () => sock.unbind(wildcard), "ENOENT");
    await sock.unbind(resolved);
  });
}
