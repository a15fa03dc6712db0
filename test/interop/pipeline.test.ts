/**
 * Pipeline and pair interop with zeromq.js (libzmq 4.3.5), both directions and both binding
 * sides: PUSH↔PULL, PAIR↔PAIR, multipart, empty frames, the short/long frame boundary
 * (255/256 bytes), 64 KiB and 1 MiB frames, and 100k messages with none lost and order kept.
 */
import test, { type ExecutionContext } from "ava";
import type { Socket } from "threadmq";
import * as zmq from "zeromq";
import { ANY_TCP, interopContext, ipcEndpoint, peer, recv, strings, tbind, zbind } from "../helpers/interop.js";

type Side = "we bind" | "they bind";

async function wire(t: ExecutionContext, ours: Socket, theirs: zmq.Socket, side: Side, transport: "tcp" | "ipc"): Promise<void> {
  const endpoint = transport === "tcp" ? ANY_TCP : ipcEndpoint(t, "pl");
  if (side === "we bind") theirs.connect(await tbind(ours, endpoint));
  else ours.connect(await zbind(theirs, endpoint));
}

/** A frame of `size` bytes with a position-dependent pattern, so a shifted byte shows. */
function patterned(size: number, seed: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) & 0xff;
  return b;
}

const SIZES = [0, 1, 254, 255, 256, 257, 65_535, 65_536, 1024 * 1024];

for (const transport of ["tcp", "ipc"] as const) {
  for (const side of ["we bind", "they bind"] as Side[]) {
    const name = (what: string) => `${transport}, ${side}: ${what}`;

    test(name("our PUSH → libzmq PULL, multipart with empty frames"), async (t) => {
      const ctx = interopContext(t);
      const push = ctx.socket("PUSH", { linger: 0 });
      const pull = peer(t, new zmq.Pull());
      await wire(t, push, pull, side, transport);
      await push.send(["", "a", "", "b", ""]);
      await push.send("");
      await push.send(["last"]);
      t.deepEqual(strings(await recv(pull)), ["", "a", "", "b", ""]);
      t.deepEqual(strings(await recv(pull)), [""]);
      t.deepEqual(strings(await recv(pull)), ["last"]);
    });

    test(name("libzmq PUSH → our PULL, multipart with empty frames"), async (t) => {
      const ctx = interopContext(t);
      const pull = ctx.socket("PULL", { linger: 0 });
      const push = peer(t, new zmq.Push());
      await wire(t, pull, push, side, transport);
      await push.send(["", "a", "", "b", ""]);
      await push.send("");
      await push.send(["last"]);
      t.deepEqual(strings(await recv(pull)), ["", "a", "", "b", ""]);
      t.deepEqual(strings(await recv(pull)), [""]);
      t.deepEqual(strings(await recv(pull)), ["last"]);
    });

    test(name("PAIR ↔ libzmq PAIR, both ways"), async (t) => {
      const ctx = interopContext(t);
      const ours = ctx.socket("PAIR", { linger: 0 });
      const theirs = peer(t, new zmq.Pair());
      await wire(t, ours, theirs, side, transport);
      await ours.send(["to", "them"]);
      t.deepEqual(strings(await recv(theirs)), ["to", "them"]);
      await theirs.send(["to", "us", ""]);
      t.deepEqual(strings(await recv(ours)), ["to", "us", ""]);
    });
  }
}

for (const direction of ["ours → libzmq", "libzmq → ours"] as const) {
  test(`tcp: frame sizes ${SIZES.join("/")} bytes, single and as one multipart, ${direction}`, async (t) => {
    const ctx = interopContext(t);
    const ours = ctx.socket(direction === "ours → libzmq" ? "PUSH" : "PULL", { linger: 0 });
    const theirs = peer(t, direction === "ours → libzmq" ? new zmq.Pull() : new zmq.Push());
    await wire(t, ours, theirs, "we bind", "tcp");
    const send = (msg: Buffer[]) => (direction === "ours → libzmq" ? (ours as import("threadmq").Push).send(msg) : (theirs as zmq.Push).send(msg));
    const receive = () => (direction === "ours → libzmq" ? recv(theirs as zmq.Pull) : recv(ours as import("threadmq").Pull));
    for (const [i, size] of SIZES.entries()) await send([patterned(size, i)]);
    const multipart = SIZES.map((size, i) => patterned(size, 100 + i));
    await send(multipart);
    for (const [i, size] of SIZES.entries()) {
      const [got, ...rest] = await receive();
      t.is(rest.length, 0);
      t.is(got!.length, size, `frame ${i}`);
      t.true(got!.equals(patterned(size, i)), `content of the ${size}-byte frame`);
    }
    const got = await receive();
    t.is(got.length, SIZES.length);
    t.true(got.every((f, i) => f.equals(multipart[i]!)), "multipart content");
  });
}

const COUNT = 100_000;

function seq(i: number): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeUInt32BE(i, 0);
  b.writeUInt32BE(0xc0ffee, 4);
  return b;
}

test(`tcp: ${COUNT} messages our PUSH → libzmq PULL, none lost, in order`, async (t) => {
  const ctx = interopContext(t);
  const push = ctx.socket("PUSH", { linger: 0 });
  const pull = peer(t, new zmq.Pull());
  pull.connect(await tbind(push, ANY_TCP));
  const sending = (async () => {
    for (let i = 0; i < COUNT; i++) await push.send(seq(i));
  })();
  sending.catch(() => {}); // ends with the socket if the test fails early
  let expected = 0;
  while (expected < COUNT) {
    const [m] = await recv(pull, 10_000, `message ${expected}`);
    const i = m!.readUInt32BE(0);
    if (i !== expected) return t.fail(`expected message ${expected}, got ${i}`);
    expected++;
  }
  await sending;
  t.is(expected, COUNT);
});

test(`tcp: ${COUNT} messages libzmq PUSH → our PULL, none lost, in order`, async (t) => {
  const ctx = interopContext(t);
  const pull = ctx.socket("PULL", { linger: 0 });
  const push = peer(t, new zmq.Push());
  pull.connect(await zbind(push, ANY_TCP));
  const sending = (async () => {
    for (let i = 0; i < COUNT; i++) await push.send(seq(i));
  })();
  sending.catch(() => {}); // ends with the socket if the test fails early
  let expected = 0;
  while (expected < COUNT) {
    const [m] = await recv(pull, 10_000, `message ${expected}`);
    const i = m!.readUInt32BE(0);
    if (i !== expected) return t.fail(`expected message ${expected}, got ${i}`);
    expected++;
  }
  await sending;
  t.is(expected, COUNT);
});

test("ipc: 10000 DEALER ↔ libzmq ROUTER echoes, 3-frame messages, order kept both ways", async (t) => {
  const ctx = interopContext(t);
  const dealer = ctx.socket("DEALER", { linger: 0 });
  // mandatory: a libzmq ROUTER silently drops replies to a peer whose pipe is at the HWM (here: our
  // DEALER when a loaded machine makes it read slower than it sends); mandatory makes it wait.
  const router = peer(t, new zmq.Router({ mandatory: true }));
  dealer.connect(await zbind(router, ipcEndpoint(t, "echo")));
  const n = 10_000;
  const echo = (async () => {
    for (let i = 0; i < n; i++) {
      const msg = await router.receive();
      await router.send(msg);
    }
  })();
  const sending = (async () => {
    for (let i = 0; i < n; i++) await dealer.send([seq(i), "", patterned(i % 300, i)]);
  })();
  // If the test fails early, these loops end with the sockets at teardown: not unhandled.
  echo.catch(() => {});
  sending.catch(() => {});
  for (let i = 0; i < n; i++) {
    const [s, empty, body] = await recv(dealer, 10_000, `echo ${i}`);
    if (s!.readUInt32BE(0) !== i || empty!.length !== 0 || !body!.equals(patterned(i % 300, i))) return t.fail(`echo ${i} wrong`);
  }
  await Promise.all([sending, echo]);
  t.pass();
});
