/**
 * Publish-subscribe interop with zeromq.js (libzmq 4.3.5), both directions:
 * PUB↔SUB with prefix filters and unsubscribe, XPUB seeing libzmq's subscriptions as
 * 0x01/0x00 messages (libzmq sends SUBSCRIBE/CANCEL commands to a ZMTP 3.1 peer), a libzmq
 * XPUB seeing ours, and XSUB↔XPUB with hand-written subscription messages. tcp and ipc.
 */
import test, { type ExecutionContext } from "ava";
import type { Socket } from "threadmq";
import * as zmq from "zeromq";
import { ANY_TCP, EventLog, interopContext, ipcEndpoint, peer, recv, strings, tbind, within, zbind } from "../helpers/interop.js";

type Side = "we bind" | "they bind";

async function wire(t: ExecutionContext, ours: Socket, theirs: zmq.Socket, side: Side, transport: "tcp" | "ipc"): Promise<void> {
  const endpoint = transport === "tcp" ? ANY_TCP : ipcEndpoint(t, "ps");
  if (side === "we bind") theirs.connect(await tbind(ours, endpoint));
  else ours.connect(await zbind(theirs, endpoint));
}

/**
 * Publishes `probe` every 10 ms until the subscriber's `receive` sees it (the slow-joiner
 * handshake: a subscription takes a round trip to reach the publisher), then returns.
 */
async function syncSubscriber(publish: (msg: string) => Promise<unknown>, receive: () => Promise<Buffer[]>, probe: string): Promise<void> {
  let done = false;
  const pump = (async () => {
    while (!done) {
      await publish(probe);
      await new Promise((r) => setTimeout(r, 10));
    }
  })();
  try {
    const [first] = await within(receive(), 10_000, `probe ${probe} at the subscriber`);
    if (first!.toString() !== probe) throw new Error(`expected probe ${probe}, got ${first}`);
  } finally {
    done = true;
    await pump;
  }
}

/** Receives until a message not equal to `skip` arrives (probes still in flight). */
async function nextNot(receive: () => Promise<Buffer[]>, skip: string): Promise<string[]> {
  for (;;) {
    const msg = strings(await within(receive(), 10_000, "a published message"));
    if (msg[0] !== skip) return msg;
  }
}

for (const transport of ["tcp", "ipc"] as const) {
  for (const side of ["we bind", "they bind"] as Side[]) {
    const name = (what: string) => `${transport}, ${side}: ${what}`;

    test(name("our PUB → libzmq SUB: prefix filters, multipart, unsubscribe"), async (t) => {
      const ctx = interopContext(t);
      const pub = ctx.socket("PUB", { linger: 0 });
      const sub = peer(t, new zmq.Subscriber());
      sub.subscribe("A", "B");
      await wire(t, pub, sub, side, transport);
      const rx = () => sub.receive();
      await syncSubscriber((m) => pub.send(m), rx, "A-probe");
      // Both subscriptions arrived once one did? Not necessarily: probe B as well.
      await syncSubscriber((m) => pub.send(m), () => nextNot(rx, "A-probe").then((m) => m.map((s) => Buffer.from(s))), "B-probe");
      await pub.send("C-filtered");
      await pub.send(["A1", "second frame", ""]);
      await pub.send("B1");
      t.deepEqual(await nextNot(rx, "B-probe"), ["A1", "second frame", ""]);
      t.deepEqual(strings(await recv(sub)), ["B1"]);
      sub.unsubscribe("B");
      await pub.send("B2-after-unsubscribe");
      await pub.send("A2");
      t.deepEqual(strings(await recv(sub)), ["A2"]);
    });

    test(name("libzmq PUB → our SUB: prefix filters, multipart, unsubscribe"), async (t) => {
      const ctx = interopContext(t);
      const sub = ctx.socket("SUB", { linger: 0 });
      const pub = peer(t, new zmq.Publisher());
      sub.subscribe("A", "B");
      await wire(t, sub, pub, side, transport);
      const rx = () => sub.receive();
      await syncSubscriber((m) => pub.send(m), rx, "A-probe");
      await syncSubscriber((m) => pub.send(m), () => nextNot(rx, "A-probe").then((m) => m.map((s) => Buffer.from(s))), "B-probe");
      await pub.send("C-filtered");
      await pub.send(["A1", "", Buffer.alloc(300, 7)]);
      await pub.send("B1");
      const a1 = await nextNot(rx, "B-probe");
      t.is(a1[0], "A1");
      t.is(a1.length, 3);
      t.deepEqual(strings(await recv(sub)), ["B1"]);
      sub.unsubscribe("B");
      await pub.send("B2-after-unsubscribe");
      await pub.send("A2");
      t.deepEqual(strings(await recv(sub)), ["A2"]);
    });

    test(name("libzmq SUB → our XPUB: subscriptions arrive as 0x01/0x00 messages, filtered delivery"), async (t) => {
      const ctx = interopContext(t);
      const xpub = ctx.socket("XPUB", { linger: 0 });
      const sub = peer(t, new zmq.Subscriber());
      await wire(t, xpub, sub, side, transport);
      // libzmq attaches a connection accepted by a bound socket only when that socket processes
      // commands (inside send/receive); zeromq.js does so while a receive is pending. Without it a
      // bound libzmq SUB never sends its subscriptions, to anybody.
      const incoming = sub.receive();
      sub.subscribe("weather");
      t.deepEqual(await recv(xpub, 10_000, "subscribe at our XPUB"), [Buffer.from("\x01weather")]);
      sub.subscribe("");
      t.deepEqual(await recv(xpub, 10_000, "subscribe-all at our XPUB"), [Buffer.from([1])]);
      sub.unsubscribe("");
      t.deepEqual(await recv(xpub, 10_000, "unsubscribe-all at our XPUB"), [Buffer.from([0])]);
      await xpub.send("news: nothing");
      await xpub.send(["weather: sunny", "extra"]);
      t.deepEqual(strings(await within(incoming, 10_000, "data at libzmq SUB")), ["weather: sunny", "extra"]);
      sub.unsubscribe("weather");
      t.deepEqual(await recv(xpub, 10_000, "unsubscribe at our XPUB"), [Buffer.from("\x00weather")]);
    });

    test(name("our SUB → libzmq XPUB: libzmq sees our subscribe and unsubscribe"), async (t) => {
      const ctx = interopContext(t);
      const sub = ctx.socket("SUB", { linger: 0 });
      const xpub = peer(t, new zmq.XPublisher());
      await wire(t, sub, xpub, side, transport);
      sub.subscribe("topic");
      t.deepEqual(await recv(xpub, 10_000, "subscribe at libzmq XPUB"), [Buffer.from("\x01topic")]);
      await xpub.send("other");
      await xpub.send(["topic/1", "body"]);
      t.deepEqual(strings(await recv(sub)), ["topic/1", "body"]);
      sub.unsubscribe("topic");
      t.deepEqual(await recv(xpub, 10_000, "unsubscribe at libzmq XPUB"), [Buffer.from("\x00topic")]);
    });

    test(name("our XSUB → libzmq XPUB: hand-written 0x01/0x00 subscription messages"), async (t) => {
      const ctx = interopContext(t);
      const xsub = ctx.socket("XSUB", { linger: 0 });
      const xpub = peer(t, new zmq.XPublisher());
      await wire(t, xsub, xpub, side, transport);
      await xsub.send(Buffer.from("\x01key"));
      t.deepEqual(await recv(xpub, 10_000, "subscribe at libzmq XPUB"), [Buffer.from("\x01key")]);
      await xpub.send("nokey");
      await xpub.send("key=1");
      t.deepEqual(strings(await recv(xsub)), ["key=1"]);
      await xsub.send(Buffer.from("\x00key"));
      t.deepEqual(await recv(xpub, 10_000, "unsubscribe at libzmq XPUB"), [Buffer.from("\x00key")]);
    });

    test(name("libzmq XSUB → our XPUB: their 0x01/0x00 messages reach us, our data reaches them"), async (t) => {
      const ctx = interopContext(t);
      const xpub = ctx.socket("XPUB", { linger: 0 });
      const xsub = peer(t, new zmq.XSubscriber());
      await wire(t, xpub, xsub, side, transport);
      const incoming = xsub.receive(); // lets a bound libzmq socket attach our connection (see above)
      await xsub.send(Buffer.from("\x01k"));
      t.deepEqual(await recv(xpub, 10_000, "subscribe at our XPUB"), [Buffer.from("\x01k")]);
      await xpub.send("x-dropped");
      await xpub.send(["k1", "k2"]);
      t.deepEqual(strings(await within(incoming, 10_000, "data at libzmq XSUB")), ["k1", "k2"]);
      await xsub.send(Buffer.from("\x00k"));
      t.deepEqual(await recv(xpub, 10_000, "unsubscribe at our XPUB"), [Buffer.from("\x00k")]);
    });
  }
}

// zeromq-reference §5.13 item 4: "re-send all subscriptions after every (re)connect"
// (libzmq: xsub_t::xhiccuped). The connect-side pipe survives the reconnect, so the session
// tells the socket the pipe hiccuped and the SUB sends its subscriptions again.
test("tcp: a libzmq PUB restarts on the same port: our SUB re-sends its subscriptions on reconnect and filtered traffic resumes", async (t) => {
  const ctx = interopContext(t);
  const sub = ctx.socket("SUB", { linger: 0, reconnectInterval: 50 });
  const log = new EventLog(sub);
  sub.subscribe("keep");
  const first = new zmq.Publisher({ linger: 0 });
  const endpoint = await zbind(first, ANY_TCP);
  sub.connect(endpoint);
  await syncSubscriber((m) => first.send(m), () => sub.receive(), "keep-probe");
  first.close();
  await log.wait("disconnect");
  const second = peer(t, new zmq.XPublisher()); // XPUB: we can watch the subscription arrive again
  const upstream = second.receive(); // lets the bound libzmq socket attach our connection
  for (let attempt = 0; ; attempt++) {
    try {
      await second.bind(endpoint);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== "EADDRINUSE" || attempt >= 100) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  t.deepEqual(await within(upstream, 3_000, "our subscription at the restarted publisher"), [Buffer.from("\x01keep")]);
  await second.send("drop-me");
  await second.send("keep: resumed");
  t.deepEqual(await nextNot(() => sub.receive(), "keep-probe"), ["keep: resumed"]);
});

test("tcp: a libzmq SUB that closes makes our XPUB pass up the cancel of its last subscriber", async (t) => {
  const ctx = interopContext(t);
  const xpub = ctx.socket("XPUB", { linger: 0 });
  const endpoint = await tbind(xpub, ANY_TCP);
  const a = peer(t, new zmq.Subscriber());
  const b = peer(t, new zmq.Subscriber());
  a.subscribe("shared");
  b.subscribe("shared");
  a.connect(endpoint);
  t.deepEqual(await recv(xpub), [Buffer.from("\x01shared")]);
  b.connect(endpoint);
  const log = new EventLog(xpub);
  await log.wait("handshake"); // b is attached; its duplicate subscription is not passed up (not verbose)
  a.close();
  await log.wait("disconnect");
  t.is(xpub.tryReceive(), undefined, "one subscriber of the topic remains: no cancel yet");
  b.close();
  t.deepEqual(await recv(xpub, 10_000, "cancel after the last subscriber left"), [Buffer.from("\x00shared")]);
});

test("tcp: our PUB restarts on the same port: a libzmq SUB reconnects, re-subscribes, and filtered traffic resumes", async (t) => {
  const ctx = interopContext(t);
  const sub = peer(t, new zmq.Subscriber({ reconnectInterval: 50 }));
  sub.subscribe("keep");
  const first = ctx.socket("PUB", { linger: 0 });
  const endpoint = await tbind(first, ANY_TCP);
  sub.connect(endpoint);
  await syncSubscriber((m) => first.send(m), () => sub.receive(), "keep-probe");
  // Keep a receive pending: libzmq processes its reconnect (and re-subscribes) inside socket calls.
  const resumed = nextNot(() => sub.receive(), "keep-probe");
  first.close();
  const second = ctx.socket("XPUB", { linger: 0 });
  for (let attempt = 0; ; attempt++) {
    try {
      await second.bind(endpoint);
      break;
    } catch (err) {
      if ((err as { code?: string }).code !== "EADDRINUSE" || attempt >= 100) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  t.deepEqual(await recv(second, 10_000, "libzmq's subscription at our restarted publisher"), [Buffer.from("\x01keep")]);
  await second.send("drop-me");
  await second.send("keep: resumed");
  t.deepEqual(await resumed, ["keep: resumed"]);
});
