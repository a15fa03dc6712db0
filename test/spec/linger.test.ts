/**
 * Close, disconnect and linger (reference §3.5): what happens to output still queued.
 * -1 = delivered whenever the peer reads it, 0 = dropped at once, N = kept for N ms.
 */
import test from "ava";
import { harness, recv } from "../helpers/harness.js";
import { bindEndpoint, connectPeers, expectEvent, settle, transports } from "../helpers/transports.js";

for (const transport of transports) {
  test(`close with linger -1: output already queued is still delivered (${transport})`, async (t) => {
    const h = harness(t);
    const pull = h.socket("PULL");
    const ep = await bindEndpoint(pull, transport);
    const push = h.socket("PUSH", { linger: -1 });
    await connectPeers(transport, pull, ep, [push]);
    for (let i = 0; i < 3; i++) await push.send(`m${i}`);
    push.close();
    for (let i = 0; i < 3; i++) t.deepEqual(await recv(pull), [`m${i}`]);
  });

  // Over tcp/ipc what was handed to the engine and the kernel before the close is on the wire,
  // and a receiver keeps what arrived (libzmq); dropping at close is only exact over inproc.
  if (transport === "inproc")
  test(`close with linger 0: output still queued is dropped (${transport})`, async (t) => {
    const h = harness(t);
    const pull = h.socket("PULL");
    const ep = await bindEndpoint(pull, transport);
    const push = h.socket("PUSH", { linger: 0 });
    await connectPeers(transport, pull, ep, [push]);
    const gone = expectEvent(pull, "disconnect");
    for (let i = 0; i < 3; i++) await push.send(`m${i}`);
    push.close();
    await gone();
    t.is(pull.tryReceive(), undefined);
  });

  // Over tcp/ipc what was handed to the engine and the kernel before the close is on the wire,
  // and a receiver keeps what arrived (libzmq); dropping at close is only exact over inproc.
  if (transport === "inproc")
  test(`close with linger 100: output is kept 100 ms, then dropped (${transport})`, async (t) => {
    const h = harness(t);
    const pull = h.socket("PULL");
    const ep = await bindEndpoint(pull, transport);
    const push = h.socket("PUSH", { linger: 100 });
    await connectPeers(transport, pull, ep, [push]);
    for (let i = 0; i < 3; i++) await push.send(`m${i}`);
    push.close();
    t.deepEqual(await recv(pull), ["m0"], "readable during the linger period");
    const gone = expectEvent(pull, "disconnect");
    await new Promise((resolve) => setTimeout(resolve, 250)); // the linger period itself is what is tested
    await gone();
    t.is(pull.tryReceive(), undefined, "the rest was dropped when the linger expired");
  });

  test(`disconnect with linger -1: output queued for that peer is still delivered, then the pipe ends (${transport})`, async (t) => {
    const h = harness(t);
    const pull = h.socket("PULL");
    const ep = await bindEndpoint(pull, transport);
    const push = h.socket("PUSH", { linger: -1 });
    await connectPeers(transport, pull, ep, [push]);
    for (let i = 0; i < 3; i++) await push.send(`m${i}`);
    const gone = expectEvent(pull, "disconnect");
    push.disconnect(ep);
    t.false(push.trySend("after disconnect"), "no peer any more");
    for (let i = 0; i < 3; i++) t.deepEqual(await recv(pull), [`m${i}`]);
    await gone();
    await settle(transport);
    t.is(pull.tryReceive(), undefined);
  });

  // Over tcp/ipc what was handed to the engine and the kernel before the close is on the wire,
  // and a receiver keeps what arrived (libzmq); dropping at close is only exact over inproc.
  if (transport === "inproc")
  test(`disconnect with linger 0: output queued for that peer is dropped (${transport})`, async (t) => {
    const h = harness(t);
    const pull = h.socket("PULL");
    const ep = await bindEndpoint(pull, transport);
    const push = h.socket("PUSH", { linger: 0 });
    await connectPeers(transport, pull, ep, [push]);
    for (let i = 0; i < 3; i++) await push.send(`m${i}`);
    const gone = expectEvent(pull, "disconnect");
    push.disconnect(ep);
    await gone();
    t.is(pull.tryReceive(), undefined);
  });
}

test(`SUB and XSUB default to linger 0, others to -1`, (t) => {
  const h = harness(t);
  t.is(h.raw("SUB").linger, 0);
  t.is(h.raw("XSUB").linger, 0);
  for (const type of ["PUSH", "PULL", "PUB", "XPUB", "REQ", "REP", "DEALER", "ROUTER", "PAIR"] as const) {
    t.is(h.raw(type, { linger: 0 }).linger, 0);
    const fresh = h.raw(type);
    t.is(fresh.linger, -1, `${type} default linger`);
    fresh.linger = 0;
  }
});
