/**
 * PAIR (RFC 31): exclusive connection to one peer (reference §1.3), blocking at HWM.
 */
import test from "ava";
import { assertWaited, harness, recv, rejectsZmq, timed, track } from "../helpers/harness.js";
import { bindEndpoint, connectPeers, expectEvent, settle, transports } from "../helpers/transports.js";

for (const transport of transports) {
  test(`PAIR talks both ways with its peer, multipart included (${transport})`, async (t) => {
    const h = harness(t);
    const a = h.socket("PAIR");
    const ep = await bindEndpoint(a, transport);
    const b = h.socket("PAIR");
    await connectPeers(transport, a, ep, [b]);

    await b.send("ping");
    t.deepEqual(await recv(a), ["ping"]);
    await a.send(["pong", "", "x"]);
    t.deepEqual(await recv(b), ["pong", "", "x"]);
  });

  test(`PAIR refuses a second and a third peer while it has one (${transport})`, async (t) => {
    const h = harness(t);
    const a = h.socket("PAIR");
    const ep = await bindEndpoint(a, transport);
    const b = h.socket("PAIR");
    const c = h.socket("PAIR");
    const d = h.socket("PAIR");
    await connectPeers(transport, a, ep, [b]);
    c.connect(ep);
    d.connect(ep);
    await settle(transport);

    c.trySend("from c"); // may sit on c's side for a moment; must never reach a
    d.trySend("from d");
    await b.send("from b");
    t.deepEqual(await recv(a), ["from b"]);
    await settle(transport);
    t.is(a.tryReceive(), undefined, "nothing from the refused peers");

    for (let i = 0; i < 3; i++) await a.send(`to b ${i}`);
    for (let i = 0; i < 3; i++) t.deepEqual(await recv(b), [`to b ${i}`], "everything goes to the one peer");
    await settle(transport);
    t.is(c.tryReceive(), undefined);
    t.is(d.tryReceive(), undefined);
  });

  test(`PAIR accepts a new peer once the old one is gone (${transport})`, async (t) => {
    const h = harness(t);
    const a = h.socket("PAIR");
    const ep = await bindEndpoint(a, transport);
    const b = h.socket("PAIR");
    await connectPeers(transport, a, ep, [b]);
    await b.send("from b");
    t.deepEqual(await recv(a), ["from b"]);

    const gone = expectEvent(a, "disconnect");
    b.close();
    await gone();

    const c = h.socket("PAIR");
    await connectPeers(transport, a, ep, [c]);
    await c.send("from c");
    t.deepEqual(await recv(a), ["from c"]);
    await a.send("to c");
    t.deepEqual(await recv(c), ["to c"]);
  });

  // Exact capacities hold over inproc only: over tcp/ipc the engine and the kernel
  // buffer more (libzmq: "HWMs are approximate"); see the tcp bound test instead.
  if (transport === "inproc")
  test(`PAIR blocks at its high-water mark and resumes in order when the peer reads (${transport})`, async (t) => {
    const h = harness(t);
    const a = h.socket("PAIR", { sendHighWaterMark: 1 });
    const ep = await bindEndpoint(a, transport);
    const b = h.socket("PAIR", { receiveHighWaterMark: 1 });
    await connectPeers(transport, a, ep, [b]);

    let accepted = 0;
    while (accepted < 100 && a.trySend(`m${accepted}`)) accepted++;
    if (transport === "inproc") t.is(accepted, 2, "inproc capacity is SNDHWM + RCVHWM");
    t.true(accepted >= 1 && accepted < 100);

    a.sendTimeout = 50;
    await rejectsZmq(t, a.send("timed out"), "EAGAIN");
    a.sendTimeout = -1;
    const waiting = track(a.send(`m${accepted}`));
    await settle(transport);
    t.false(waiting.settled, "the send waits while the pipe is full");
    for (let i = 0; i <= accepted; i++) t.deepEqual(await recv(b), [`m${i}`]);
    await waiting.promise;
  });

  test(`lone PAIR: DONTWAIT send would block, sendTimeout gives EAGAIN (${transport})`, async (t) => {
    const h = harness(t);
    const a = h.socket("PAIR", { sendTimeout: 100 });
    await bindEndpoint(a, transport);
    t.false(a.trySend("x"));
    const { ms, error } = await timed(a.send("x"));
    t.like(error, { code: "EAGAIN" });
    assertWaited(t, ms, 100);
  });
}
