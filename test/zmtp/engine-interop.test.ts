/**
 * ZmtpEngine against real libzmq 4.3.5 (zeromq.js 6.8) over 127.0.0.1: handshakes in both
 * directions, multipart with empty, 255/256-byte and 1 MiB frames, REQ envelopes, subscriptions
 * both ways (libzmq announces 3.1 and sends SUBSCRIBE/CANCEL commands), refusal of incompatible
 * types, heartbeats both ways, hostile clients beside good ones, and 20k messages each way.
 * Every zeromq.js socket has linger 0 and is closed on teardown so ava exits by itself.
 */
import test, { type ExecutionContext } from "ava";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import * as zmq from "zeromq";
import { hex } from "./internals.js";
import { delay, dial, listen, sameFrames, startEngine, within } from "./helpers.js";

function owned<T extends { close(): void }>(t: ExecutionContext, sock: T): T {
  t.teardown(() => sock.close());
  return sock;
}

function portOf(endpoint: string | null): number {
  const m = /:(\d+)$/.exec(endpoint ?? "");
  if (!m) throw new Error(`no port in ${endpoint}`);
  return Number(m[1]);
}

/** Binds a zeromq.js socket on a free loopback port and opens a raw connection to it. */
async function engineTo(t: ExecutionContext, sock: zmq.Socket, options: { socketType: string } & Record<string, unknown>) {
  await sock.bind("tcp://127.0.0.1:*");
  const socket = await dial(t, portOf(sock.lastEndpoint));
  return startEngine(t, socket, { asServer: false, ...options });
}

/** A net.Server with one engine for the first connection a zeromq.js socket makes to it. */
async function engineFor(t: ExecutionContext, sock: zmq.Socket, options: { socketType: string } & Record<string, unknown>) {
  const { port, accepted } = await listen(t);
  sock.connect(`tcp://127.0.0.1:${port}`);
  return startEngine(t, await accepted(), { asServer: true, ...options });
}

const utf8 = (frames: Buffer[]) => frames.map((f) => f.toString());

test("engine DEALER → zeromq.js ROUTER: handshake, multipart with empty, 255/256 B and 1 MiB frames, replies", async (t) => {
  const router = owned(t, new zmq.Router({ linger: 0 }));
  const { engine, host } = await engineTo(t, router, { socketType: "DEALER", routingId: Buffer.from("eng-1") });
  const peer = await host.waitHandshake();
  t.is(peer.socketType, "ROUTER");
  t.is(peer.major, 3);
  t.is(peer.minor, 1, "libzmq 4.3.5 announces ZMTP 3.1");
  t.is(peer.mechanism, "NULL");
  t.is(peer.routingId, undefined);
  t.deepEqual(peer.properties.get("Identity"), Buffer.alloc(0), "libzmq ROUTER sends an empty Identity");

  const frames = [Buffer.alloc(0), Buffer.from("a"), Buffer.alloc(0), Buffer.alloc(255, 1), Buffer.alloc(256, 2), randomBytes(1 << 20)];
  engine.send(frames);
  const [id, ...rest] = await within(router.receive(), 10_000, "router.receive");
  t.deepEqual(id, Buffer.from("eng-1"), "libzmq used our Identity as routing id");
  t.true(sameFrames(rest, frames));

  await router.send([id!, ...[...frames].reverse()]);
  await router.send([id!, Buffer.alloc(0)]);
  const got = await host.waitMessages(2);
  t.true(sameFrames(got[0], [...frames].reverse()));
  t.deepEqual(got[1], [Buffer.alloc(0)]);
});

test("zeromq.js DEALER → engine ROUTER: its routing id arrives as Identity; messages both ways", async (t) => {
  const dealer = owned(t, new zmq.Dealer({ linger: 0, routingId: "zjs" }));
  const { engine, host } = await engineFor(t, dealer, { socketType: "ROUTER" });
  const peer = await host.waitHandshake();
  t.is(peer.socketType, "DEALER");
  t.is(peer.minor, 1);
  t.deepEqual(peer.routingId, Buffer.from("zjs"));
  await dealer.send(["x", "", "y"]);
  t.deepEqual(utf8((await host.waitMessages(1))[0]!), ["x", "", "y"]);
  engine.send([Buffer.from("r1"), Buffer.alloc(0), Buffer.alloc(300, 7)]);
  t.deepEqual(await within(dealer.receive(), 10_000, "dealer.receive"), [Buffer.from("r1"), Buffer.alloc(0), Buffer.alloc(300, 7)]);
});

test("zeromq.js REQ → engine REP: the empty delimiter is on the wire both ways", async (t) => {
  const req = owned(t, new zmq.Request({ linger: 0 }));
  const { engine, host } = await engineFor(t, req, { socketType: "REP" });
  t.is((await host.waitHandshake()).socketType, "REQ");
  await req.send("hi");
  t.deepEqual(utf8((await host.waitMessages(1))[0]!), ["", "hi"]);
  engine.send([Buffer.alloc(0), Buffer.from("ok")]);
  t.deepEqual(utf8(await within(req.receive(), 10_000, "req.receive")), ["ok"]);
});

test("zeromq.js SUB → engine PUB: SUBSCRIBE/CANCEL arrive as [0x01|0x00 ‖ topic]; data flows down", async (t) => {
  const sub = owned(t, new zmq.Subscriber({ linger: 0 }));
  const { engine, host } = await engineFor(t, sub, { socketType: "PUB" });
  const peer = await host.waitHandshake();
  t.is(peer.socketType, "SUB");
  t.is(peer.minor, 1);
  sub.subscribe("A");
  t.deepEqual((await host.waitMessages(1))[0], [hex("01 41")]);
  t.true(host.commands.some((c) => c.kind === "subscribe"), "libzmq sent a SUBSCRIBE command, not a 0x01 frame");
  engine.send([Buffer.from("B-skip")]);
  engine.send([Buffer.from("A-1"), Buffer.from("more")]);
  t.deepEqual(utf8(await within(sub.receive(), 10_000, "sub.receive")), ["A-1", "more"]);
  sub.unsubscribe("A");
  t.deepEqual((await host.waitMessages(2))[1], [hex("00 41")]);
  sub.subscribe("");
  t.deepEqual((await host.waitMessages(3))[2], [hex("01")]);
});

test("zeromq.js XSUB → engine XPUB: a raw 0x01 message is normalised too", async (t) => {
  const xsub = owned(t, new zmq.XSubscriber({ linger: 0 }));
  const { host } = await engineFor(t, xsub, { socketType: "XPUB" });
  t.is((await host.waitHandshake()).socketType, "XSUB");
  await xsub.send(hex("01 42"));
  await xsub.send(hex("00 42"));
  t.deepEqual(await host.waitMessages(2), [[hex("01 42")], [hex("00 42")]]);
});

test("engine SUB → zeromq.js XPUB: libzmq decodes our SUBSCRIBE/CANCEL commands; data arrives", async (t) => {
  const xpub = owned(t, new zmq.XPublisher({ linger: 0 }));
  const { engine, host } = await engineTo(t, xpub, { socketType: "SUB" });
  t.is((await host.waitHandshake()).socketType, "XPUB");
  engine.send([Buffer.from("\x01news", "latin1")]);
  t.deepEqual(await within(xpub.receive(), 10_000, "xpub.receive"), [Buffer.from("\x01news", "latin1")]);
  await xpub.send(["news-1", "body"]);
  t.deepEqual(utf8((await host.waitMessages(1))[0]!), ["news-1", "body"]);
  engine.send([Buffer.from("\x00news", "latin1")]);
  t.deepEqual(await within(xpub.receive(), 10_000, "xpub.receive"), [Buffer.from("\x00news", "latin1")]);
});

test("engine SUB → zeromq.js PUB: libzmq filters by our subscription", async (t) => {
  const pub = owned(t, new zmq.Publisher({ linger: 0 }));
  const { engine, host } = await engineTo(t, pub, { socketType: "SUB" });
  await host.waitHandshake();
  engine.send([Buffer.from("\x01T", "latin1")]);
  // The subscription reaches libzmq asynchronously: publish until something arrives.
  for (let i = 0; host.messages.length === 0 && i < 500; i++) {
    await pub.send("X-ignored");
    await pub.send(`T-${i}`);
    await delay(5);
  }
  await host.waitMessages(1);
  t.true(host.messages.every((m) => m[0]!.toString().startsWith("T-")));
});

test("engine PAIR ↔ zeromq.js PAIR over ipc:// (a unix domain socket)", async (t) => {
  const pair = owned(t, new zmq.Pair({ linger: 0 }));
  const file = path.join(tmpdir(), `threadmq-zmtp-${process.pid}-${Date.now()}.sock`);
  await pair.bind(`ipc://${file}`);
  const socket = net.connect(file);
  socket.on("error", () => {});
  t.teardown(() => socket.destroy());
  const { engine, host } = startEngine(t, socket, { socketType: "PAIR", asServer: false });
  t.is((await host.waitHandshake()).socketType, "PAIR");
  engine.send([Buffer.from("over"), Buffer.alloc(70_000, 1)]);
  const got = await within(pair.receive(), 10_000, "pair.receive");
  t.true(sameFrames(got, [Buffer.from("over"), Buffer.alloc(70_000, 1)]));
  await pair.send("back");
  t.deepEqual(utf8((await host.waitMessages(1))[0]!), ["back"]);
});

test("engine close() right after a 10 MB burst: zeromq.js receives every message", async (t) => {
  const pull = owned(t, new zmq.Pull({ linger: 0, receiveHighWaterMark: 10 }));
  const { engine, host } = await engineTo(t, pull, { socketType: "PUSH" });
  await host.waitHandshake();
  const body = Buffer.alloc(50_000, 0x33);
  for (let i = 0; i < 200; i++) engine.send([Buffer.from(String(i)), body]);
  engine.close();
  for (let i = 0; i < 200; i++) {
    const [seq, b] = await within(pull.receive(), 10_000, `message ${i}`);
    if (seq?.toString() !== String(i) || !b?.equals(body)) return t.fail(`bad message at ${i}`);
  }
  t.like(await host.waitClosed(), { kind: "local" });
});

test("zeromq.js PUSH → engine ROUTER is refused as incompatible, with a reason", async (t) => {
  const push = owned(t, new zmq.Push({ linger: 0 }));
  const { host } = await engineFor(t, push, { socketType: "ROUTER" });
  const r = await host.waitClosed();
  t.like(r, { kind: "handshake-failed", cause: "socket-type" });
  t.regex(r.detail, /ROUTER cannot talk to "PUSH"/);
  t.is(host.handshakeCalls, 0);
});

test("engine PUSH → zeromq.js ROUTER is refused as incompatible, with a reason", async (t) => {
  const router = owned(t, new zmq.Router({ linger: 0 }));
  const { host } = await engineTo(t, router, { socketType: "PUSH" });
  const r = await host.waitClosed();
  t.like(r, { kind: "handshake-failed", cause: "socket-type" });
  t.regex(r.detail, /PUSH cannot talk to "ROUTER"/);
});

// Serial: heartbeat deadlines are wall-clock, so keep the heavy tests of this file off the event loop.
test.serial("zeromq.js heartbeats → engine: PINGs (with ttl) answered by PONGs keep the connection up", async (t) => {
  const dealer = owned(t, new zmq.Dealer({ linger: 0, heartbeatInterval: 50, heartbeatTimeout: 600, heartbeatTimeToLive: 1000 }));
  const { engine, host } = await engineFor(t, dealer, { socketType: "DEALER" });
  await host.waitHandshake();
  const deadline = Date.now() + 10_000;
  while (host.commands.filter((c) => c.kind === "ping").length < 25 && Date.now() < deadline) await delay(25);
  const pings = host.commands.filter((c) => c.kind === "ping");
  t.true(pings.length >= 25, `${pings.length} PINGs; closed: ${JSON.stringify(host.closed.settled ? await host.closed.promise : "no")}`);
  t.like(pings[0], { kind: "ping", ttl: 10 });
  // 25 PINGs span ~1.25 s, twice libzmq's 600 ms timeout: it would have dropped us without PONGs.
  t.false(host.closed.settled);
  engine.send([Buffer.from("still here")]);
  t.deepEqual(utf8(await within(dealer.receive(), 10_000, "dealer.receive")), ["still here"]);
  t.false(host.closed.settled);
});

test.serial("engine heartbeats → zeromq.js: libzmq answers our PINGs with PONGs", async (t) => {
  const router = owned(t, new zmq.Router({ linger: 0 }));
  const { engine, host } = await engineTo(t, router, { socketType: "DEALER", routingId: Buffer.from("hb"), heartbeatInterval: 40, heartbeatTimeout: 400, heartbeatTimeToLive: 2000 });
  await host.waitHandshake();
  const deadline = Date.now() + 10_000;
  while (host.commands.filter((c) => c.kind === "pong").length < 5 && Date.now() < deadline) await delay(25);
  t.true(host.commands.filter((c) => c.kind === "pong").length >= 5);
  t.false(host.closed.settled);
  engine.send([Buffer.from("ping-ok")]);
  t.deepEqual(utf8(await within(router.receive(), 10_000, "router.receive")), ["hb", "ping-ok"]);
});

test("hostile raw clients are refused while a zeromq.js client on the same server works", async (t) => {
  const { port, accepted } = await listen(t);
  const garbage = await dial(t, port);
  const bad = startEngine(t, await accepted(), { socketType: "ROUTER", asServer: true });
  garbage.write(randomBytes(200));
  const hostile = await dial(t, port);
  const hostileEngine = startEngine(t, await accepted(), { socketType: "ROUTER", asServer: true, maxMessageSize: 4096 });
  hostile.write(Buffer.concat([hex("ff 00 00 00 00 00 00 00 01 7f 03 01 4e 55 4c 4c"), Buffer.alloc(48), hex("02 10 00 00 00 00 00 00 00")]));

  const dealer = owned(t, new zmq.Dealer({ linger: 0, routingId: "good" }));
  dealer.connect(`tcp://127.0.0.1:${port}`);
  const good = startEngine(t, await accepted(), { socketType: "ROUTER", asServer: true });

  const r1 = await bad.host.waitClosed();
  t.is(r1.kind, "handshake-failed");
  const r2 = await hostileEngine.host.waitClosed();
  t.like(r2, { kind: "handshake-failed", cause: "protocol" });
  t.regex(r2.detail, /1152921504606846976/);

  t.deepEqual((await good.host.waitHandshake()).routingId, Buffer.from("good"));
  await dealer.send("fine");
  t.deepEqual(utf8((await good.host.waitMessages(1))[0]!), ["fine"]);
});

test("20k messages each way between the engine and zeromq.js, none lost, in order", async (t) => {
  const N = 20_000;
  const peer = owned(t, new zmq.Dealer({ linger: 0, sendHighWaterMark: 1000, receiveHighWaterMark: 1000 }));
  const { engine, host } = await engineTo(t, peer, { socketType: "DEALER", writeHighWaterMark: 32 * 1024 });
  await host.waitHandshake();

  const engineSends = new Promise<void>((resolve) => {
    let i = 0;
    const go = (): void => {
      while (i < N) if (!engine.send([Buffer.from("e"), Buffer.from(String(i++))])) return;
      resolve();
    };
    host.onDrained = go;
    go();
  });
  const zmqSends = (async () => {
    for (let i = 0; i < N; i++) await peer.send(["z", String(i), randomBytes(64)]);
  })();
  const zmqReceives = (async () => {
    for (let i = 0; i < N; i++) {
      const [tag, seq] = await peer.receive();
      if (tag?.toString() !== "e" || seq?.toString() !== String(i)) throw new Error(`zeromq.js got ${tag}/${seq} at ${i}`);
    }
  })();
  await within(Promise.all([engineSends, zmqSends, zmqReceives]), 50_000, "both directions");
  const got = await host.waitMessages(N);
  t.is(got.length, N);
  for (let i = 0; i < N; i++) if (got[i]![1]!.toString() !== String(i)) return t.fail(`engine got ${got[i]![1]} at ${i}`);
  t.pass();
});
