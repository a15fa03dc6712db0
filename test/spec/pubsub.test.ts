/**
 * PUB / SUB / XPUB / XSUB (RFC 29, reference §1.3 and §1.7), with ports of libzmq
 * tests/test_xpub_verbose.cpp and test_hwm_pubsub.cpp (§7.6).
 */
import test from "ava";
import type { ExecutionContext } from "ava";
import type { XPublisher } from "threadmq";
import { harness, recv, rejectsZmq, throwsZmq, track } from "../helpers/harness.js";
import { bindEndpoint, connectPeers, settle, transports, type TransportName } from "../helpers/transports.js";

/** `[0x01 ‖ topic]` (subscribe) or `[0x00 ‖ topic]` (cancel). */
function subMsg(kind: 0 | 1, topic: string): Buffer[] {
  return [Buffer.concat([Buffer.from([kind]), Buffer.from(topic)])];
}

/** Asserts that the XPUB's next upstream message is exactly `expected`. */
async function expectUpstream(t: ExecutionContext, xpub: XPublisher, kind: 0 | 1, topic: string, note?: string): Promise<void> {
  t.deepEqual(await xpub.receive(), subMsg(kind, topic), note);
}

/** Asserts that the XPUB has nothing for the application (libzmq: recv DONTWAIT gives EAGAIN). */
async function expectNoUpstream(t: ExecutionContext, xpub: XPublisher, transport: TransportName, note?: string): Promise<void> {
  await settle(transport);
  const msg = xpub.tryReceive();
  t.is(msg, undefined, `${note ?? "nothing upstream"}${msg ? `; got ${JSON.stringify(msg.map((f) => [...f]))}` : ""}`);
}

for (const transport of transports) {
  test(`PUB fans out to 3 SUBs, each filtered by its prefix subscriptions (${transport})`, async (t) => {
    const h = harness(t);
    const pub = h.socket("PUB");
    const ep = await bindEndpoint(pub, transport);
    const [a, b, all] = [h.socket("SUB"), h.socket("SUB"), h.socket("SUB")];
    await connectPeers(transport, pub, ep, [a, b, all]);
    a.subscribe("A");
    b.subscribe("B", "C");
    all.subscribe("");
    await settle(transport);

    for (const topic of ["A1", "B1", "C1", "D1", "AB"]) await pub.send(topic);
    t.deepEqual(await recv(a), ["A1"]);
    t.deepEqual(await recv(a), ["AB"]);
    t.deepEqual(await recv(b), ["B1"]);
    t.deepEqual(await recv(b), ["C1"]);
    for (const topic of ["A1", "B1", "C1", "D1", "AB"]) t.deepEqual(await recv(all), [topic]);
    await settle(transport);
    for (const sub of [a, b, all]) t.is(sub.tryReceive(), undefined);
  });

  test(`SUB receives nothing until it subscribes, and nothing after it unsubscribes (${transport})`, async (t) => {
    const h = harness(t);
    const pub = h.socket("PUB");
    const ep = await bindEndpoint(pub, transport);
    const sub = h.socket("SUB");
    await connectPeers(transport, pub, ep, [sub]);
    await settle(transport);

    await pub.send("before");
    sub.subscribe();
    await settle(transport);
    await pub.send("during");
    t.deepEqual(await recv(sub), ["during"], "subscribe() with no argument subscribes to everything");
    sub.unsubscribe();
    await settle(transport);
    await pub.send("after");
    await settle(transport);
    t.is(sub.tryReceive(), undefined);
  });

  test(`subscriptions are counted: "A" twice needs two unsubscribes; "A" + "" behaves like "" (${transport})`, async (t) => {
    const h = harness(t);
    const pub = h.socket("PUB");
    const ep = await bindEndpoint(pub, transport);
    const sub = h.socket("SUB");
    await connectPeers(transport, pub, ep, [sub]);

    sub.subscribe("A");
    sub.subscribe("A");
    sub.unsubscribe("A");
    await settle(transport);
    await pub.send("A1");
    t.deepEqual(await recv(sub), ["A1"], "one reference to A is left");

    sub.unsubscribe("A");
    sub.subscribe("", "A");
    await settle(transport);
    await pub.send("B1");
    t.deepEqual(await recv(sub), ["B1"], '"" matches everything');
    sub.unsubscribe("");
    await settle(transport);
    await pub.send("B2");
    await pub.send("A2");
    t.deepEqual(await recv(sub), ["A2"], 'with "" gone only "A" is left');
    sub.unsubscribe("A");
    await settle(transport);
    await pub.send("A3");
    await settle(transport);
    t.is(sub.tryReceive(), undefined);
  });

  test(`filtering looks at the first frame only; the rest of a multipart message follows it (${transport})`, async (t) => {
    const h = harness(t);
    const pub = h.socket("PUB");
    const ep = await bindEndpoint(pub, transport);
    const sub = h.socket("SUB");
    await connectPeers(transport, pub, ep, [sub]);
    sub.subscribe(Buffer.from([0xff, 0x00]));
    await settle(transport);

    await pub.send([Buffer.from([0xff, 0x00, 0x01]), "body", ""]);
    await pub.send(["other", Buffer.from([0xff, 0x00])]);
    const msg = await sub.receive();
    t.deepEqual(msg, [Buffer.from([0xff, 0x00, 0x01]), Buffer.from("body"), Buffer.alloc(0)]);
    await settle(transport);
    t.is(sub.tryReceive(), undefined, "binary prefix match on the first frame only");
  });

  test(`XPUB receives [0x01] for subscribe(""), [0x01 A] / [0x00 A] for "A" (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB");
    const ep = await bindEndpoint(xpub, transport);
    const sub = h.socket("SUB");
    await connectPeers(transport, xpub, ep, [sub]);

    sub.subscribe("");
    t.deepEqual(await xpub.receive(), [Buffer.from([0x01])], "subscribing to everything is the 1-byte message 0x01");
    sub.subscribe("A");
    await expectUpstream(t, xpub, 1, "A");
    sub.unsubscribe("A");
    await expectUpstream(t, xpub, 0, "A");
    sub.unsubscribe("");
    t.deepEqual(await xpub.receive(), [Buffer.from([0x00])]);
    await expectNoUpstream(t, xpub, transport);
  });

  test(`XPUB gets synthesized [0x00 topic] when a SUB goes away, for topics nobody else holds (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB");
    const ep = await bindEndpoint(xpub, transport);
    const [s1, s2, s3] = [h.socket("SUB"), h.socket("SUB"), h.socket("SUB")];
    await connectPeers(transport, xpub, ep, [s1, s2, s3]);

    s1.subscribe("A", "B");
    await expectUpstream(t, xpub, 1, "A");
    await expectUpstream(t, xpub, 1, "B");
    s2.subscribe("A");
    s3.subscribe("");
    t.deepEqual(await xpub.receive(), [Buffer.from([0x01])]);
    await expectNoUpstream(t, xpub, transport, "the second A is not news");

    s1.close();
    await expectUpstream(t, xpub, 0, "B", "B had only s1");
    await expectNoUpstream(t, xpub, transport, "A is still held by s2");
    s2.close();
    await expectUpstream(t, xpub, 0, "A");
    s3.close();
    t.deepEqual(await xpub.receive(), [Buffer.from([0x00])]);
    await expectNoUpstream(t, xpub, transport);
  });

  test(`SUB sends its subscriptions to every publisher, also ones it connects to later (${transport})`, async (t) => {
    const h = harness(t);
    const xpubs = [h.socket("XPUB"), h.socket("XPUB"), h.socket("XPUB")];
    const eps: string[] = [];
    for (const xpub of xpubs) eps.push(await bindEndpoint(xpub, transport));
    const sub = h.socket("SUB");
    await connectPeers(transport, xpubs[0]!, eps[0]!, [sub]);
    sub.subscribe("A", "B");
    await expectUpstream(t, xpubs[0]!, 1, "A");
    await expectUpstream(t, xpubs[0]!, 1, "B");
    for (let i = 1; i < 3; i++) {
      await connectPeers(transport, xpubs[i]!, eps[i]!, [sub]);
      await expectUpstream(t, xpubs[i]!, 1, "A", "subscriptions are re-sent on each new connection");
      await expectUpstream(t, xpubs[i]!, 1, "B");
    }
    for (const [i, xpub] of xpubs.entries()) await xpub.send(`A from ${i}`);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push((await recv(sub))[0]!);
    t.deepEqual(got.sort(), ["A from 0", "A from 1", "A from 2"], "SUB fair-queues from all its publishers");
  });

  test(`XPUB verboser: a SUB that goes away has every topic it held passed up, shared or not (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB", { verboser: true });
    const ep = await bindEndpoint(xpub, transport);
    const [s1, s2, s3] = [h.socket("SUB"), h.socket("SUB"), h.socket("SUB")];
    await connectPeers(transport, xpub, ep, [s1, s2, s3]);
    s1.subscribe("A", "B");
    s2.subscribe("A");
    s3.subscribe("B");
    for (let i = 0; i < 4; i++) await xpub.receive();
    await expectNoUpstream(t, xpub, transport);

    s1.close();
    const got = [await xpub.receive(), await xpub.receive()].map((msg) => msg[0]!.toString("latin1"));
    t.deepEqual(got.sort(), ["\0A", "\0B"]);
    await expectNoUpstream(t, xpub, transport, "one cancel per topic");
  });

  // Port of test_xpub_verbose.cpp: test_xpub_verbose_one_sub.
  test(`xpub_verbose_one_sub: duplicates filtered unless verbose (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB");
    const ep = await bindEndpoint(xpub, transport);
    const sub = h.socket("SUB");
    await connectPeers(transport, xpub, ep, [sub]);

    sub.subscribe("A");
    await expectUpstream(t, xpub, 1, "A");
    sub.subscribe("B");
    await expectUpstream(t, xpub, 1, "B");
    sub.subscribe("A");
    await expectNoUpstream(t, xpub, transport, "a duplicate subscription is filtered out");

    xpub.verbose = true;
    sub.subscribe("A");
    await expectUpstream(t, xpub, 1, "A", "with verbose the duplicate is passed up");

    await xpub.send("A");
    await xpub.send("B");
    t.deepEqual(await recv(sub), ["A"]);
    t.deepEqual(await recv(sub), ["B"]);
  });

  // Port of test_xpub_verbose.cpp: test_xpub_verbose_two_subs.
  test(`xpub_verbose_two_subs: a duplicate from another SUB is filtered unless verbose (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB");
    const ep = await bindEndpoint(xpub, transport);
    const [sub0, sub1] = [h.socket("SUB"), h.socket("SUB")];
    await connectPeers(transport, xpub, ep, [sub0, sub1]);

    sub0.subscribe("A");
    await expectUpstream(t, xpub, 1, "A");
    sub1.subscribe("A");
    await expectNoUpstream(t, xpub, transport, "duplicate from the other SUB filtered out");
    sub0.subscribe("B");
    await expectUpstream(t, xpub, 1, "B");

    xpub.verbose = true;
    sub1.subscribe("A");
    await expectUpstream(t, xpub, 1, "A");

    await xpub.send("A");
    await xpub.send("B");
    t.deepEqual(await recv(sub0), ["A"]);
    t.deepEqual(await recv(sub1), ["A"]);
    t.deepEqual(await recv(sub0), ["B"]);
  });

  // Port of test_xpub_verbose.cpp: test_xpub_verboser_one_sub.
  // LIBRARY BUG (kept failing on purpose): XPUB counts duplicate subscriptions per pipe,
  // while a SUB forwards every subscribe but only the *last* unsubscribe of a topic (as
  // libzmq's xsub does). libzmq's XPUB keeps a set of pipes per topic (a duplicate from
  // the same pipe is idempotent), so the single CANCEL removes the topic. Here, after
  // sub.subscribe("A") twice and sub.unsubscribe("A") twice, the XPUB still holds one
  // reference for that pipe: expected the upstream message [0x00 'A'], actual nothing
  // (the XPUB's receive times out). The XPUB also keeps sending "A" messages to that SUB.
  test(`xpub_verboser_one_sub: only the SUB's final unsubscribe is passed up (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB", { receiveTimeout: 1000 });
    const ep = await bindEndpoint(xpub, transport);
    const sub = h.socket("SUB");
    await connectPeers(transport, xpub, ep, [sub]);

    sub.unsubscribe("A");
    await expectNoUpstream(t, xpub, transport, "unsubscribing a topic never subscribed is filtered by the SUB");
    sub.subscribe("A");
    await expectUpstream(t, xpub, 1, "A");
    sub.subscribe("A");
    await expectNoUpstream(t, xpub, transport, "duplicate filtered out by XPUB");
    sub.unsubscribe("A");
    sub.unsubscribe("A");
    await expectUpstream(t, xpub, 0, "A", "the SUB forwards only its final unsubscribe, and XPUB passes it up");
    await expectNoUpstream(t, xpub, transport, "only one notification");
    sub.unsubscribe("A");
    await expectNoUpstream(t, xpub, transport, "no longer subscribed: filtered by the SUB");

    xpub.verboser = true;
    sub.subscribe("A");
    await expectUpstream(t, xpub, 1, "A");
    await xpub.send("A");
    t.deepEqual(await recv(sub), ["A"]);
    sub.unsubscribe("A");
    await expectUpstream(t, xpub, 0, "A");
    sub.unsubscribe("A");
    await expectNoUpstream(t, xpub, transport, "an unmatched unsubscribe is filtered by the SUB even with verboser");
  });

  // Port of test_xpub_verbose.cpp: test_xpub_verboser_two_subs.
  test(`xpub_verboser_two_subs: verboser passes every subscribe and unsubscribe (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB");
    const ep = await bindEndpoint(xpub, transport);
    const [sub0, sub1] = [h.socket("SUB"), h.socket("SUB")];
    await connectPeers(transport, xpub, ep, [sub0, sub1]);

    sub0.subscribe("A");
    await expectUpstream(t, xpub, 1, "A");
    sub1.subscribe("A");
    await expectNoUpstream(t, xpub, transport, "duplicate filtered out");
    sub0.unsubscribe("A");
    await expectNoUpstream(t, xpub, transport, "sub1 still holds A");
    sub1.unsubscribe("A");
    await expectUpstream(t, xpub, 0, "A", "the last holder left");
    await expectNoUpstream(t, xpub, transport, "only one notification");

    xpub.verboser = true;
    sub0.subscribe("A");
    sub1.subscribe("A");
    await expectUpstream(t, xpub, 1, "A");
    await expectUpstream(t, xpub, 1, "A", "verboser passes the second subscribe too");
    await xpub.send("A");
    t.deepEqual(await recv(sub0), ["A"]);
    t.deepEqual(await recv(sub1), ["A"]);
    sub1.unsubscribe("A");
    await expectUpstream(t, xpub, 0, "A", "verboser passes every unsubscribe");
    sub0.unsubscribe("A");
    await expectUpstream(t, xpub, 0, "A");
    sub1.unsubscribe("A");
    await expectNoUpstream(t, xpub, transport, "unmatched: filtered by the SUB");
  });

  // LIBRARY BUG (same cause as xpub_verboser_one_sub): after a SUB subscribes "A" twice and
  // unsubscribes twice, the XPUB keeps one reference for the pipe and goes on sending "A"
  // messages to it; the SUB's local filter then discards them. Expected the publisher to
  // stop (SUB stats.messagesDiscarded 0), actual 1.
  test(`a SUB that subscribed twice and unsubscribed twice no longer gets the topic from the publisher (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB");
    const ep = await bindEndpoint(xpub, transport);
    const sub = h.socket("SUB");
    await connectPeers(transport, xpub, ep, [sub]);
    sub.subscribe("A");
    sub.subscribe("A");
    sub.subscribe("Z");
    sub.unsubscribe("A");
    sub.unsubscribe("A");
    await settle(transport);
    await xpub.send("A1");
    await xpub.send("Z1");
    t.deepEqual(await recv(sub), ["Z1"]);
    t.is(sub.stats.messagesDiscarded, 0, "the publisher filtered A; the SUB had nothing to discard");
  });

  test(`XSUB subscribes by sending [0x01 topic], forwards other messages upstream to every publisher (${transport})`, async (t) => {
    const h = harness(t);
    const xpubs = [h.socket("XPUB"), h.socket("XPUB"), h.socket("XPUB")];
    const xsub = h.socket("XSUB");
    for (const xpub of xpubs) await connectPeers(transport, xpub, await bindEndpoint(xpub, transport), [xsub]);

    await xsub.send(subMsg(1, "A"));
    for (const xpub of xpubs) await expectUpstream(t, xpub, 1, "A", "the subscription goes to every publisher");
    await xsub.send(["hello", "upstream"]);
    for (const xpub of xpubs) t.deepEqual((await xpub.receive()).map(String), ["hello", "upstream"], "user data goes to every publisher");

    for (const [i, xpub] of xpubs.entries()) {
      await xpub.send(`B${i}`);
      await xpub.send(`A${i}`);
    }
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push((await recv(xsub))[0]!);
    t.deepEqual(got.sort(), ["A0", "A1", "A2"], "publishers filter for the XSUB");

    await xsub.send(subMsg(0, "A"));
    for (const xpub of xpubs) await expectUpstream(t, xpub, 0, "A");
    await settle(transport);
    for (const xpub of xpubs) await xpub.send("A again");
    await settle(transport);
    t.is(xsub.tryReceive(), undefined);
  });

  test(`PUB ignores user messages an XSUB sends upstream (${transport})`, async (t) => {
    const h = harness(t);
    const pub = h.socket("PUB");
    const ep = await bindEndpoint(pub, transport);
    const xsub = h.socket("XSUB");
    await connectPeers(transport, pub, ep, [xsub]);
    await xsub.send("not a subscription");
    await xsub.send(subMsg(1, ""));
    await settle(transport);
    await pub.send("data");
    t.deepEqual(await recv(xsub), ["data"]);
  });

  // Exact capacities hold over inproc only: over tcp/ipc the engine and the kernel
  // buffer more (libzmq: "HWMs are approximate"); see the tcp bound test instead.
  if (transport === "inproc")
  test(`PUB drops messages for a subscriber at its high-water mark and counts them (${transport})`, async (t) => {
    const h = harness(t);
    const pub = h.socket("PUB", { sendHighWaterMark: 1 });
    const ep = await bindEndpoint(pub, transport);
    const slow = h.socket("SUB", { receiveHighWaterMark: 1 });
    await connectPeers(transport, pub, ep, [slow]);
    slow.subscribe("");
    await settle(transport);

    for (let i = 0; i < 5; i++) t.true(pub.trySend(`m${i}`), "PUB never would-block");
    await settle(transport);
    t.deepEqual(await recv(slow), ["m0"]);
    t.deepEqual(await recv(slow), ["m1"]);
    await settle(transport);
    t.is(slow.tryReceive(), undefined);
    if (transport === "inproc") t.is(pub.stats.messagesDropped, 3);
    else t.true(pub.stats.messagesDropped > 0);
    t.is(pub.stats.messagesSent, 5);
  });

  // Exact capacities hold over inproc only (see above).
  if (transport === "inproc")
  test(`a slow subscriber at HWM does not hold back the others (${transport})`, async (t) => {
    const h = harness(t);
    const pub = h.socket("PUB", { sendHighWaterMark: 1 });
    const ep = await bindEndpoint(pub, transport);
    const slow = h.socket("SUB", { receiveHighWaterMark: 1 });
    const fast = [h.socket("SUB"), h.socket("SUB")];
    await connectPeers(transport, pub, ep, [slow, ...fast]);
    for (const sub of [slow, ...fast]) sub.subscribe("");
    await settle(transport);

    for (let i = 0; i < 10; i++) {
      await pub.send(`m${i}`);
      for (const sub of fast) t.deepEqual(await recv(sub), [`m${i}`]);
    }
    t.deepEqual(await recv(slow), ["m0"]);
    t.deepEqual(await recv(slow), ["m1"]);
    t.true(pub.stats.messagesDropped >= 1);
  });

  // Port of test_hwm_pubsub.cpp: test_defaults.
  for (const hwm of [1000, 100]) {
    test(`hwm_pubsub defaults: XPUB with SNDHWM ${hwm} passes ${hwm} messages (${transport})`, async (t) => {
      const h = harness(t);
      const xpub = h.socket("XPUB");
      const ep = await bindEndpoint(xpub, transport);
      const sub = h.socket("SUB");
      await connectPeers(transport, xpub, ep, [sub]);
      xpub.sendHighWaterMark = hwm;
      sub.subscribe("");
      t.deepEqual(await xpub.receive(), [Buffer.from([1])], "wait until the subscriber has subscribed");

      let sent = 0;
      while (sent < hwm && xpub.trySend("test message")) sent++;
      t.is(sent, hwm);
      await settle(transport);
      let received = 0;
      while (sub.tryReceive() !== undefined) received++;
      t.is(received, hwm);
    });
  }

  // Port of test_hwm_pubsub.cpp: test_blocking (XPUB_NODROP).
  test(`hwm_pubsub blocking: XPUB noDrop gives EAGAIN at HWM and every accepted message arrives (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB");
    const ep = await bindEndpoint(xpub, transport);
    const sub = h.socket("SUB");
    await connectPeers(transport, xpub, ep, [sub]);
    xpub.sendHighWaterMark = 2000;
    xpub.noDrop = true;
    sub.subscribe("");
    t.deepEqual(await xpub.receive(), [Buffer.from([1])]);

    let sent = 0;
    let received = 0;
    let blocked = 0;
    const drain = async () => {
      await settle(transport);
      while (sub.tryReceive() !== undefined) received++;
    };
    while (sent < 6000) {
      if (xpub.trySend("")) sent++;
      else {
        blocked++;
        await drain();
      }
    }
    t.true(blocked > 0, "the XPUB hit its high-water mark at least once");
    await drain();
    await xpub.send("end");
    for (;;) {
      const msg = await sub.receive();
      if (msg[0]!.toString() === "end") break;
      received++;
    }
    t.is(received, sent, "nothing accepted was dropped");
    t.is(xpub.stats.messagesDropped, 0);
  });

  // Exact capacities hold over inproc only: over tcp/ipc the engine and the kernel
  // buffer more (libzmq: "HWMs are approximate"); see the tcp bound test instead.
  if (transport === "inproc")
  test(`XPUB noDrop: trySend false at HWM, sendTimeout gives EAGAIN, nothing dropped (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB", { noDrop: true, sendHighWaterMark: 1 });
    const ep = await bindEndpoint(xpub, transport);
    const sub = h.socket("SUB", { receiveHighWaterMark: 1 });
    await connectPeers(transport, xpub, ep, [sub]);
    sub.subscribe("");
    await xpub.receive();

    let accepted = 0;
    while (accepted < 100 && xpub.trySend(`m${accepted}`)) accepted++;
    if (transport === "inproc") t.is(accepted, 2);
    t.true(accepted >= 1 && accepted < 100);
    xpub.sendTimeout = 50;
    await rejectsZmq(t, xpub.send("late"), "EAGAIN");
    for (let i = 0; i < accepted; i++) t.deepEqual(await recv(sub), [`m${i}`]);
    await settle(transport);
    t.true(xpub.trySend("after draining"), "room again once the subscriber read");
    t.deepEqual(await recv(sub), ["after draining"]);
    t.is(xpub.stats.messagesDropped, 0);
  });

  // LIBRARY BUG (kept failing on purpose): an XPUB noDrop send that waits at the HWM is
  // never woken when the subscriber drains its pipe. PublisherCore.xSend tests room with
  // Distributor.allHaveRoom -> pipe.checkWrite(), which (unlike pipe.write()) does not arm
  // the pipe's write notification, so writeActivated never fires and the waiting send
  // stays pending forever. Expected: after the SUB reads m0 and m1, the pending
  // send("m2") resolves and the SUB receives "m2"; actual: the send never settles and the
  // SUB's third receive times out (EAGAIN).
  // Exact capacities hold over inproc only: over tcp/ipc the engine and the kernel
  // buffer more (libzmq: "HWMs are approximate"); see the tcp bound test instead.
  if (transport === "inproc")
  test(`XPUB noDrop: a send waiting at HWM resumes when the subscriber reads (${transport})`, async (t) => {
    const h = harness(t);
    const xpub = h.socket("XPUB", { noDrop: true, sendHighWaterMark: 1 });
    const ep = await bindEndpoint(xpub, transport);
    const sub = h.socket("SUB", { receiveHighWaterMark: 1, receiveTimeout: 1000 });
    await connectPeers(transport, xpub, ep, [sub]);
    sub.subscribe("");
    await xpub.receive();

    let accepted = 0;
    while (accepted < 100 && xpub.trySend(`m${accepted}`)) accepted++;
    const waiting = track(xpub.send(`m${accepted}`));
    await settle(transport);
    t.false(waiting.settled, "the send waits while the subscriber is full");
    for (let i = 0; i <= accepted; i++) t.deepEqual(await recv(sub), [`m${i}`]);
    await waiting.promise;
  });

  test(`PUB with no subscribers discards without waiting (${transport})`, async (t) => {
    const h = harness(t);
    const pub = h.socket("PUB");
    await bindEndpoint(pub, transport);
    await pub.send("into the void");
    t.true(pub.trySend("again"));
  });

  test(`SUB cannot send and PUB cannot receive: ENOTSUP, thrown synchronously (${transport})`, async (t) => {
    const h = harness(t);
    const pub = h.socket("PUB");
    const sub = h.socket("SUB");
    await bindEndpoint(pub, transport);
    throwsZmq(t, () => (sub as unknown as { send(m: string): unknown }).send("x"), "ENOTSUP", /SUB/);
    throwsZmq(t, () => (sub as unknown as { trySend(m: string): unknown }).trySend("x"), "ENOTSUP", /SUB/);
    throwsZmq(t, () => (pub as unknown as { receive(): unknown }).receive(), "ENOTSUP", /PUB/);
    throwsZmq(t, () => (pub as unknown as { tryReceive(): unknown }).tryReceive(), "ENOTSUP", /PUB/);
  });
}

// Port of test_hwm_pubsub.cpp: test_reset_hwm (libzmq runs it over tcp; the rule holds anywhere).
test("hwm_pubsub reset: the HWM counts messages in flight, not in total (9999 then 1100 with HWM 11024)", async (t) => {
  const transport = transports[0]!;
  const h = harness(t);
  const pub = h.socket("PUB", { sendHighWaterMark: 11024 });
  const ep = await bindEndpoint(pub, transport);
  const sub = h.socket("SUB", { receiveHighWaterMark: 11024 });
  await connectPeers(transport, pub, ep, [sub]);
  sub.subscribe("");
  await settle(transport);

  for (const count of [9999, 1100]) {
    let sent = 0;
    while (sent < count && pub.trySend("")) sent++;
    t.is(sent, count);
    await settle(transport);
    let received = 0;
    while (sub.tryReceive() !== undefined) received++;
    t.is(received, count);
  }
  t.is(pub.stats.messagesDropped, 0);
});
