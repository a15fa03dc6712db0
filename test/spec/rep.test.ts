/**
 * REP (RFC 28), ported from libzmq tests/test_spec_rep.cpp (reference §7.2, including the
 * fair-queue part compiled out upstream) and the strict state machine of reference §1.5.
 */
import test from "ava";
import { failsZmq, harness, recv, strs } from "../helpers/harness.js";
import { bindEndpoint, connectPeers, settle, transports } from "../helpers/transports.js";

for (const transport of transports) {
  test(`fair_queue_in: REP with 5 REQ peers serves reqs[0] twice (${transport})`, async (t) => {
    const h = harness(t);
    const rep = h.socket("REP");
    const ep = await bindEndpoint(rep, transport);
    const reqs = Array.from({ length: 5 }, () => h.socket("REQ"));
    await connectPeers(transport, rep, ep, reqs);

    for (let round = 0; round < 2; round++) {
      await reqs[0]!.send("A");
      t.deepEqual(await recv(rep), ["A"]);
      await rep.send("A");
      t.deepEqual(await recv(reqs[0]!), ["A"]);
    }
  });

  // The part libzmq compiles out as flaky: one request from each client is served in turn
  // and each reply finds its way back to its own client.
  test(`fair_queue_in: one request from each of 5 REQs is served, each reply goes back to its sender (${transport})`, async (t) => {
    const h = harness(t);
    const rep = h.socket("REP");
    const ep = await bindEndpoint(rep, transport);
    const reqs = Array.from({ length: 5 }, () => h.socket("REQ"));
    await connectPeers(transport, rep, ep, reqs);

    for (const [i, req] of reqs.entries()) await req.send(`Q${i}`);
    await settle(transport);
    const served: string[] = [];
    for (let i = 0; i < reqs.length; i++) {
      const [body] = await recv(rep);
      served.push(body!);
      await rep.send(`R${body!.slice(1)}`);
    }
    t.deepEqual([...served].sort(), ["Q0", "Q1", "Q2", "Q3", "Q4"], "every client served once");
    for (const [i, req] of reqs.entries()) t.deepEqual(await recv(req), [`R${i}`]);
  });

  test(`envelope: REP strips and restores the whole envelope up to the delimiter (${transport})`, async (t) => {
    const h = harness(t);
    const rep = h.socket("REP");
    const ep = await bindEndpoint(rep, transport);
    const dealer = h.socket("DEALER");
    await connectPeers(transport, rep, ep, [dealer]);

    await dealer.send(["", "A"]);
    t.deepEqual(await recv(rep), ["A"]);
    await rep.send("A");
    t.deepEqual(await recv(dealer), ["", "A"]);

    await dealer.send(["X", "Y", "", "A"]);
    t.deepEqual(await recv(rep), ["A"]);
    await rep.send("A");
    t.deepEqual(await recv(dealer), ["X", "Y", "", "A"]);
  });

  test(`DEALER to REP needs the empty delimiter: a request without one is discarded and counted (${transport})`, async (t) => {
    const h = harness(t);
    const rep = h.socket("REP");
    const ep = await bindEndpoint(rep, transport);
    const dealer = h.socket("DEALER");
    await connectPeers(transport, rep, ep, [dealer]);

    await dealer.send("no-delimiter");
    await dealer.send(["X", "only-ids-no-delimiter"]);
    await dealer.send(["", "B"]);
    t.deepEqual(await recv(rep), ["B"]);
    t.is(rep.stats.messagesDiscarded, 2);
    await rep.send(["C", "D"]);
    t.deepEqual(await recv(dealer), ["", "C", "D"]);
  });

  test(`REP strict state machine: send before receive and receive twice are EFSM (${transport})`, async (t) => {
    const h = harness(t);
    const rep = h.socket("REP");
    const ep = await bindEndpoint(rep, transport);
    const req = h.socket("REQ");
    await connectPeers(transport, rep, ep, [req]);

    await failsZmq(t, () => rep.send("too early"), "EFSM", /REP/);
    t.throws(() => rep.trySend("too early"), { code: "EFSM" });
    await req.send("hello");
    t.deepEqual(await recv(rep), ["hello"]);
    await failsZmq(t, () => rep.receive(), "EFSM", /REP/);
    t.throws(() => rep.tryReceive(), { code: "EFSM" });
    await rep.send("world");
    t.deepEqual(await recv(req), ["world"]);
  });

  // Exact capacities hold over inproc only: over tcp/ipc the engine and the kernel
  // buffer more (libzmq: "HWMs are approximate"); see the tcp bound test instead.
  if (transport === "inproc")
  test(`REP never blocks on send: a reply to a full peer is dropped and counted (${transport})`, async (t) => {
    const h = harness(t);
    const rep = h.socket("REP", { sendHighWaterMark: 1 });
    const ep = await bindEndpoint(rep, transport);
    const dealer = h.socket("DEALER", { receiveHighWaterMark: 1 });
    await connectPeers(transport, rep, ep, [dealer]);

    for (let i = 0; i < 3; i++) await dealer.send(["", `q${i}`]);
    for (let i = 0; i < 3; i++) {
      t.deepEqual(await recv(rep), [`q${i}`]);
      t.true(rep.trySend(`a${i}`), "a REP reply never would-block");
    }
    await settle(transport);
    t.deepEqual(await recv(dealer), ["", "a0"]);
    t.deepEqual(await recv(dealer), ["", "a1"]);
    await settle(transport);
    t.is(dealer.tryReceive(), undefined, "the third reply did not fit and was dropped");
    t.is(rep.stats.messagesDropped, 1);
  });

  test(`REP drops the reply to a peer that went away, counts it, and serves the next request (${transport})`, async (t) => {
    const h = harness(t);
    const rep = h.socket("REP");
    const ep = await bindEndpoint(rep, transport);
    const gone = h.socket("REQ");
    const stays = h.socket("REQ");
    await connectPeers(transport, rep, ep, [gone, stays]);

    await gone.send("from gone");
    t.deepEqual(await recv(rep), ["from gone"]);
    gone.close();
    await settle(transport);
    await rep.send("nobody to read this");
    t.is(rep.stats.messagesDropped, 1);

    await stays.send("from stays");
    t.deepEqual(await recv(rep), ["from stays"]);
    await rep.send("to stays");
    t.deepEqual(strs(await stays.receive()), ["to stays"]);
  });
}
