/**
 * ZmtpEngine against scripted byte-level peers (hostile and well-behaved) and against itself,
 * over loopback tcp: exact handshake bytes, refusals reported with reasons and never thrown,
 * subscriptions for 3.0 and 3.1 peers, heartbeats, pause/resume, graceful close, backpressure.
 */
import test from "ava";
import net from "node:net";
import { commands, encoder, greeting, hex } from "./internals.js";
import { delay, dial, enginePair, listen, RawPeer, sameFrames, startEngine, within } from "./helpers.js";

const { encodeCommandFrame, encodeMessage } = encoder;
const { encodeReady, encodePing, encodeCommand, encodeError, encodeSubscribe, encodeCancel, parseCommand } = commands;

/** An engine serving one raw client. */
async function serverWithRawClient(t: Parameters<typeof listen>[0], options: Record<string, unknown> & { socketType: string }) {
  const { port, accepted } = await listen(t);
  const client = await dial(t, port);
  const socket = await accepted();
  const { engine, host } = startEngine(t, socket, { asServer: true, ...options });
  return { engine, host, raw: new RawPeer(client) };
}

test("a DEALER engine sends the §5.12 greeting and READY bytes exactly", async (t) => {
  const { raw } = await serverWithRawClient(t, { socketType: "DEALER" });
  t.deepEqual(await raw.read(64), greeting.encodeGreeting());
  // READY only follows once our greeting arrived.
  await delay(30);
  t.is(raw.pending.length, 0);
  raw.write(greeting.encodeGreeting());
  t.deepEqual(
    await raw.read(43),
    hex("04 29 05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 06 44 45 41 4c 45 52 08 49 64 65 6e 74 69 74 79 00 00 00 00"),
  );
});

test("handshake with a raw ROUTER peer: peer info, messages both ways, greeting in 1-byte pieces", async (t) => {
  const { engine, host, raw } = await serverWithRawClient(t, { socketType: "DEALER", routingId: Buffer.from("dlr") });
  const libzmqGreeting = greeting.encodeGreeting();
  libzmqGreeting.writeBigUInt64BE(1n, 1); // libzmq's padding
  for (const b of libzmqGreeting) {
    raw.write(Buffer.from([b]));
  }
  raw.write(encodeCommandFrame(encodeReady([["Socket-Type", Buffer.from("ROUTER")], ["Identity", Buffer.alloc(0)], ["X-App", Buffer.from("v")]])));
  engine.send([Buffer.from("early")]); // before the handshake: queued, sent after it
  const peer = await host.waitHandshake();
  t.is(peer.socketType, "ROUTER");
  t.is(peer.routingId, undefined);
  t.is(peer.minor, 1);
  t.deepEqual(peer.properties.get("X-App"), Buffer.from("v"));
  const { ready } = await raw.readHandshake();
  const parsed = parseCommand(ready);
  t.true(parsed.ok && parsed.value.kind === "ready" && parsed.value.properties.get("Identity")?.toString() === "dlr");
  t.deepEqual(await raw.readFrame(), { flags: 0, body: Buffer.from("early") });
  raw.write(encodeMessage([Buffer.alloc(0), Buffer.from("a"), Buffer.alloc(300, 1)]));
  const [msg] = await host.waitMessages(1);
  t.deepEqual(msg, [Buffer.alloc(0), Buffer.from("a"), Buffer.alloc(300, 1)]);
  t.is(host.handshakeCalls, 1);
});

const hostileGreetings: [string, Buffer, string, RegExp][] = [
  ["HTTP request", Buffer.from("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), "greeting", /first byte 0x47/],
  ["ZMTP 1.0 signature", hex("ff 00 00 00 00 00 00 00 01 7e"), "greeting", /ZMTP 1\.0/],
  ["ZMTP 2.0", Buffer.concat([hex("ff 00 00 00 00 00 00 00 01 7f 01 05"), Buffer.alloc(52)]), "greeting", /ZMTP 1\.x/],
  ["major 2", (() => { const g = greeting.encodeGreeting(); g[10] = 2; return g; })(), "greeting", /ZMTP 2\.x/],
  ["PLAIN mechanism", greeting.encodeGreeting({ mechanism: "PLAIN" }), "mechanism", /PLAIN/],
  ["CURVE mechanism", greeting.encodeGreeting({ mechanism: "CURVE" }), "mechanism", /CURVE/],
];

for (const [name, bytes, cause, reason] of hostileGreetings) {
  test(`hostile greeting (${name}) is refused and reported, the process lives on`, async (t) => {
    const { host, raw } = await serverWithRawClient(t, { socketType: "ROUTER" });
    raw.write(bytes);
    const r = await host.waitClosed();
    t.is(r.kind, "handshake-failed");
    if (r.kind === "handshake-failed") {
      t.is(r.cause as string, cause);
      t.regex(r.detail, reason);
    }
    await within(raw.ended.promise, 5000, "the raw peer to be disconnected");
    t.is(host.handshakeCalls, 0);
  });
}

test("truncated greeting then EOF is peer-closed during the greeting", async (t) => {
  const { host, raw } = await serverWithRawClient(t, { socketType: "ROUTER" });
  raw.write(greeting.encodeGreeting().subarray(0, 30));
  await delay(20);
  raw.socket.end();
  const r = await host.waitClosed();
  t.is(r.kind, "peer-closed");
  t.regex(r.detail, /greeting \(30 of 64 bytes/);
  t.false(r.handshakeDone);
});

test("a stalled handshake times out after handshakeInterval", async (t) => {
  const { host, raw } = await serverWithRawClient(t, { socketType: "ROUTER", handshakeInterval: 150 });
  raw.write(greeting.encodeGreeting());
  const r = await host.waitClosed();
  t.like(r, { kind: "handshake-failed", cause: "timeout" });
  // Normally stuck in the NULL handshake; on a loaded machine the greeting may not even have been read.
  t.regex(r.detail, /within 150 ms, stuck in the (NULL handshake|greeting \(\d+ of 64 bytes received\))$/);
});

const hostileHandshakes: [string, Buffer, string, RegExp][] = [
  ["READY whose properties do not parse", encodeCommandFrame(hex("05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 09 44")), "protocol", /malformed READY/],
  ["a message before READY", encodeMessage([Buffer.from("hi")]), "protocol", /before the handshake/],
  ["PING before READY", encodeCommandFrame(encodePing(0)), "protocol", /PING/],
  ["ERROR from the peer", encodeCommandFrame(encodeError("not welcome")), "peer-error", /not welcome/],
  ["command with MORE", hex("05 00"), "protocol", /MORE/],
  ["incompatible PUSH", encodeCommandFrame(encodeReady([["Socket-Type", Buffer.from("PUSH")]])), "socket-type", /ROUTER cannot talk to "PUSH"/],
  ["unknown socket type", encodeCommandFrame(encodeReady([["Socket-Type", Buffer.from("router")]])), "socket-type", /"router"/],
];

for (const [name, bytes, cause, reason] of hostileHandshakes) {
  test(`handshake: ${name} fails the handshake (${cause})`, async (t) => {
    const { host, raw } = await serverWithRawClient(t, { socketType: "ROUTER" });
    raw.write(Buffer.concat([greeting.encodeGreeting(), bytes]));
    const r = await host.waitClosed();
    t.like(r, { kind: "handshake-failed", cause });
    t.regex(r.detail, reason);
    if (cause === "socket-type") {
      // RFC 37: ERROR before closing.
      await raw.readHandshake();
      const err = await raw.readFrame();
      const parsed = parseCommand(err.body);
      t.true(parsed.ok && parsed.value.kind === "error");
    }
    await within(raw.ended.promise, 5000, "disconnect");
  });
}

const hostileTraffic: [string, Buffer, RegExp][] = [
  ["2^60-byte frame header", hex("02 10 00 00 00 00 00 00 00"), /1152921504606846976/],
  ["frame above maxMessageSize", encodeMessage([Buffer.alloc(1025)]), /maxMessageSize 1024/],
  ["command with MORE", hex("05 04 50 49 4e 47"), /MORE/],
  ["0-length command name", hex("04 01 00"), /zero-length name/],
  ["empty command", hex("04 00"), /empty command/],
  ["ERROR after the handshake", encodeCommandFrame(encodeError("bye")), /bye/],
];

for (const [name, bytes, reason] of hostileTraffic) {
  test(`after the handshake: ${name} is a protocol error`, async (t) => {
    const { host, raw } = await serverWithRawClient(t, { socketType: "ROUTER", maxMessageSize: 1024 });
    raw.handshake("DEALER", 1, Buffer.alloc(0));
    await host.waitHandshake();
    raw.write(encodeMessage([Buffer.from("ok")]));
    raw.write(bytes);
    const r = await host.waitClosed();
    t.like(r, { kind: "protocol-error", handshakeDone: true });
    t.regex(r.detail, reason);
    t.deepEqual(host.messages, [[Buffer.from("ok")]]);
  });
}

test("a PUB engine normalises SUBSCRIBE/CANCEL (3.1) and 0x01/0x00 frames (3.0) to [0x01|0x00 ‖ topic]", async (t) => {
  const v31 = await serverWithRawClient(t, { socketType: "PUB" });
  v31.raw.handshake("SUB", 1);
  await v31.host.waitHandshake();
  v31.raw.write(Buffer.concat([encodeCommandFrame(encodeSubscribe(Buffer.from("A"))), encodeCommandFrame(encodeCancel(Buffer.from("A"))), encodeCommandFrame(encodeSubscribe(Buffer.alloc(0)))]));
  t.deepEqual(await v31.host.waitMessages(3), [[hex("01 41")], [hex("00 41")], [hex("01")]]);

  const v30 = await serverWithRawClient(t, { socketType: "XPUB" });
  v30.raw.handshake("XSUB", 0);
  const peer = await v30.host.waitHandshake();
  t.is(peer.minor, 0);
  v30.raw.write(hex("00 02 01 41 00 02 00 41"));
  t.deepEqual(await v30.host.waitMessages(2), [[hex("01 41")], [hex("00 41")]]);
});

test("a SUB engine sends SUBSCRIBE to a 3.1 peer and a 0x01 frame to a 3.0 peer; DEALER never converts", async (t) => {
  for (const [minor, expected] of [[1, hex("04 0b 09 53 55 42 53 43 52 49 42 45 41")], [0, hex("00 02 01 41")]] as const) {
    const { engine, host, raw } = await serverWithRawClient(t, { socketType: "SUB" });
    raw.handshake("PUB", minor);
    await host.waitHandshake();
    await raw.readHandshake();
    engine.send([hex("01 41")]);
    const f = await raw.readFrame();
    t.deepEqual(encoder.encodeFrame(f.flags & ~0x02, f.body), expected, `minor ${minor}`);
  }
  const { engine, host, raw } = await serverWithRawClient(t, { socketType: "DEALER" });
  raw.handshake("DEALER", 1, Buffer.alloc(0));
  await host.waitHandshake();
  await raw.readHandshake();
  engine.send([hex("01 41")]);
  t.deepEqual(await raw.readFrame(), { flags: 0, body: hex("01 41") });
  // And a DEALER ignores a SUBSCRIBE command rather than delivering it.
  raw.write(Buffer.concat([encodeCommandFrame(encodeSubscribe(Buffer.from("x"))), encodeMessage([Buffer.from("after")])]));
  t.deepEqual(await host.waitMessages(1), [[Buffer.from("after")]]);
});

test("PING is answered with PONG echoing at most 16 bytes of context", async (t) => {
  const { host, raw } = await serverWithRawClient(t, { socketType: "DEALER" });
  raw.handshake("DEALER", 1, Buffer.alloc(0));
  await host.waitHandshake();
  await raw.readHandshake();
  raw.write(encodeCommandFrame(encodeCommand("PING", Buffer.concat([hex("00 00"), Buffer.from("0123456789abcdefXYZ")]))));
  const pong = await raw.readFrame();
  t.is(pong.flags, 0x04);
  t.deepEqual(pong.body, encodeCommand("PONG", Buffer.from("0123456789abcdef")));
  t.like(host.commands[0], { kind: "ping", ttl: 0 });
});

test("a peer PING ttl is honoured: silence for ttl*100 ms closes the connection", async (t) => {
  const { host, raw } = await serverWithRawClient(t, { socketType: "DEALER" });
  raw.handshake("DEALER", 1, Buffer.alloc(0));
  await host.waitHandshake();
  const start = Date.now();
  raw.write(encodeCommandFrame(encodePing(2))); // 200 ms
  const r = await host.waitClosed();
  t.like(r, { kind: "heartbeat-timeout" });
  t.regex(r.detail, /ttl of 200 ms/);
  t.true(Date.now() - start >= 180);
});

test("our heartbeats: PING with ttl every interval; silence past heartbeatTimeout closes", async (t) => {
  const { host, raw } = await serverWithRawClient(t, { socketType: "DEALER", heartbeatInterval: 60, heartbeatTimeout: 250, heartbeatTimeToLive: 1000 });
  raw.handshake("DEALER", 1, Buffer.alloc(0));
  await host.waitHandshake();
  await raw.readHandshake();
  const ping = await raw.readFrame();
  t.deepEqual(encoder.encodeFrame(ping.flags, ping.body), hex("04 07 04 50 49 4e 47 00 0a"));
  const r = await host.waitClosed();
  t.like(r, { kind: "heartbeat-timeout", handshakeDone: true });
  t.regex(r.detail, /heartbeatTimeout 250 ms/);
});

test("our heartbeats: any traffic keeps the connection alive", async (t) => {
  const { host, raw } = await serverWithRawClient(t, { socketType: "DEALER", heartbeatInterval: 40, heartbeatTimeout: 150 });
  raw.handshake("DEALER", 1, Buffer.alloc(0));
  await host.waitHandshake();
  // 25 ticks 20 ms apart: several heartbeat intervals and timeouts, never silent for 150 ms.
  for (let i = 0; i < 25; i++) {
    raw.write(encodeMessage([Buffer.from("tick")]));
    await delay(20);
  }
  await host.waitMessages(25);
  t.false(host.closed.settled);
  t.true(host.commands.length === 0, "a raw peer that never PINGs");
});

test("engine ↔ engine: DEALER/ROUTER handshake, identities, multipart with empty and large frames", async (t) => {
  const { client, server } = await enginePair(t, { socketType: "DEALER", routingId: Buffer.from("c1") }, { socketType: "ROUTER" });
  const [cp, sp] = await Promise.all([client.host.waitHandshake(), server.host.waitHandshake()]);
  t.is(cp.socketType, "ROUTER");
  t.is(sp.socketType, "DEALER");
  t.deepEqual(sp.routingId, Buffer.from("c1"));
  const frames = [Buffer.alloc(0), Buffer.alloc(255, 1), Buffer.alloc(256, 2), Buffer.alloc(0), Buffer.alloc(1 << 20, 3)];
  client.engine.send(frames);
  server.engine.send([Buffer.from("back")]);
  t.true(sameFrames((await server.host.waitMessages(1))[0], frames));
  t.deepEqual((await client.host.waitMessages(1))[0], [Buffer.from("back")]);
});

test("engine ↔ engine: incompatible types refuse each other with reasons", async (t) => {
  const { client, server } = await enginePair(t, { socketType: "PUSH" }, { socketType: "PUB" });
  const [a, b] = await Promise.all([client.host.waitClosed(), server.host.waitClosed()]);
  t.like(a, { kind: "handshake-failed", cause: "socket-type" });
  t.like(b, { kind: "handshake-failed", cause: "socket-type" });
});

test("engine ↔ engine: 20k messages each way with backpressure, none lost, in order", async (t) => {
  const { client, server } = await enginePair(t, { socketType: "DEALER", writeHighWaterMark: 16 * 1024 }, { socketType: "DEALER", writeHighWaterMark: 16 * 1024 });
  await Promise.all([client.host.waitHandshake(), server.host.waitHandshake()]);
  const N = 20_000;
  const pump = (e: typeof client, label: string) =>
    new Promise<void>((resolve) => {
      let i = 0;
      const go = (): void => {
        while (i < N) {
          const ok = e.engine.send([Buffer.from(label), Buffer.from(String(i++)), Buffer.alloc(100)]);
          if (!ok) return; // wait for drained()
        }
        resolve();
      };
      e.host.onDrained = go;
      go();
    });
  await Promise.all([pump(client, "c"), pump(server, "s")]);
  const [atServer, atClient] = await Promise.all([server.host.waitMessages(N), client.host.waitMessages(N)]);
  t.true(client.host.drainedCount > 0, "backpressure was exercised");
  for (let i = 0; i < N; i++) {
    if (atServer[i]![1]!.toString() !== String(i) || atClient[i]![1]!.toString() !== String(i)) return t.fail(`order broken at ${i}`);
  }
  t.is(atServer.length, N);
  t.is(atClient.length, N);
});

test("engine ↔ engine: returning false from message() pauses input without loss", async (t) => {
  const { client, server } = await enginePair(t, { socketType: "PUSH" }, { socketType: "PULL" });
  await Promise.all([client.host.waitHandshake(), server.host.waitHandshake()]);
  let pauses = 0;
  server.host.onMessage = (frames) => {
    if (Number(frames[0]!.toString()) % 500 === 499) {
      pauses++;
      setTimeout(() => server.engine.resumeInput(), 5);
      return false;
    }
    return true;
  };
  const N = 5000;
  for (let i = 0; i < N; i++) client.engine.send([Buffer.from(String(i))]);
  const got = await server.host.waitMessages(N);
  t.is(pauses, 10);
  t.deepEqual(got.map((m) => m[0]!.toString()), Array.from({ length: N }, (_, i) => String(i)));
});

test("engine ↔ engine: close() flushes what was sent, then the peer sees peer-closed", async (t) => {
  const { client, server } = await enginePair(t, { socketType: "PAIR" }, { socketType: "PAIR" });
  await Promise.all([client.host.waitHandshake(), server.host.waitHandshake()]);
  for (let i = 0; i < 1000; i++) client.engine.send([Buffer.from(String(i)), Buffer.alloc(1000)]);
  client.engine.close();
  client.engine.close(); // idempotent
  t.false(client.engine.send([Buffer.from("late")]));
  const r = await server.host.waitClosed();
  t.like(r, { kind: "peer-closed", handshakeDone: true, detail: "peer closed the connection" });
  t.is(server.host.messages.length, 1000);
  t.like(await client.host.waitClosed(), { kind: "local" });
  await delay(10);
  t.is(client.host.closeCalls, 1);
});

test("close() against a half-open peer that never closes destroys the stream after closeTimeout", async (t) => {
  const { port, accepted } = await listen(t);
  const client = net.connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  client.on("error", () => {});
  t.teardown(() => client.destroy());
  const raw = new RawPeer(client);
  const serverSide = await accepted();
  const serverClosed = new Promise<void>((resolve) => serverSide.once("close", () => resolve()));
  const { engine, host } = startEngine(t, serverSide, { socketType: "PAIR", asServer: true, closeTimeout: 150 });
  raw.handshake("PAIR");
  await host.waitHandshake();
  engine.send([Buffer.from("last words")]);
  const start = Date.now();
  engine.close();
  t.like(await host.waitClosed(), { kind: "local", handshakeDone: true });
  await within(serverClosed, 5000, "the engine to drop the half-open connection");
  t.true(Date.now() - start >= 100);
  await raw.readHandshake();
  t.deepEqual(await raw.readFrame(), { flags: 0, body: Buffer.from("last words") });
});

test("engine ↔ engine: a peer closing mid-message is reported with the partial message dropped", async (t) => {
  const { port, accepted } = await listen(t);
  const raw = new RawPeer(await dial(t, port));
  const { host } = startEngine(t, await accepted(), { socketType: "PULL", asServer: true });
  raw.handshake("PUSH");
  await host.waitHandshake();
  raw.write(hex("01 01 61 00 05 62"));
  await delay(20);
  raw.socket.end();
  const r = await host.waitClosed();
  t.like(r, { kind: "peer-closed", handshakeDone: true });
  t.regex(r.detail, /inside a frame/);
  t.is(host.messages.length, 0);
});

test("bad options throw EINVAL synchronously", async (t) => {
  const { port, accepted } = await listen(t);
  await dial(t, port);
  const socket = await accepted();
  const { engine: mod } = await import("./internals.js");
  t.throws(() => new mod.ZmtpEngine(socket, { socketType: "STREAM", asServer: true }, {} as never), { code: "EINVAL" } as never);
  t.throws(() => new mod.ZmtpEngine(socket, { socketType: "ROUTER", asServer: true, routingId: Buffer.alloc(256) }, {} as never), { code: "EINVAL" } as never);
  t.throws(() => new mod.ZmtpEngine(socket, { socketType: "ROUTER", asServer: true, heartbeatInterval: -5 }, {} as never), { code: "EINVAL" } as never);
});
