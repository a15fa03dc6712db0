/**
 * Greeting: our 64 bytes exactly as zeromq-reference §5.12 shows them, and the incremental
 * parser's acceptance (3.0, 3.1, later minors/majors, libzmq's non-zero padding) and refusals
 * (bad signature, major < 3, mechanism mismatch), fed whole and byte by byte.
 */
import test from "ava";
import { greeting, hex } from "./internals.js";

const { encodeGreeting, GreetingParser } = greeting;

const OURS = hex(`
  ff 00 00 00 00 00 00 00 00 7f 03 01 4e 55 4c 4c
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00`);

function peer(patch: (g: Buffer) => void): Buffer {
  const g = Buffer.from(OURS);
  patch(g);
  return g;
}

test("our greeting is the §5.12 byte sequence: 3.1, NULL, as-server 0", (t) => {
  t.deepEqual(encodeGreeting(), OURS);
  t.is(encodeGreeting().length, 64);
});

test("a libzmq-style greeting (padding 00..01) parses, whole and byte by byte, leaving the rest", (t) => {
  const libzmq = peer((g) => g.writeBigUInt64BE(1n, 1));
  const stream = Buffer.concat([libzmq, hex("04 29 05")]);
  const whole = new GreetingParser().feed(stream);
  t.is(whole.status, "done");
  if (whole.status !== "done") return;
  t.deepEqual(whole.greeting, { major: 3, minor: 1, mechanism: "NULL", asServer: false });
  t.deepEqual(whole.rest, hex("04 29 05"));

  const p = new GreetingParser();
  for (let i = 0; i < 63; i++) t.is(p.feed(stream.subarray(i, i + 1)).status, "incomplete");
  const last = p.feed(stream.subarray(63));
  t.is(last.status, "done");
  if (last.status === "done") t.deepEqual(last.rest, hex("04 29 05"));
});

test("3.0, 3.2 and 4.0 peers are accepted; as-server and padding are ignored", (t) => {
  for (const [major, minor] of [[3, 0], [3, 2], [4, 0]] as const) {
    const g = peer((b) => {
      b[10] = major;
      b[11] = minor;
      b[32] = 1;
      b.fill(0xaa, 1, 9);
    });
    const r = new GreetingParser().feed(g);
    t.is(r.status, "done", `${major}.${minor}`);
    if (r.status === "done") {
      t.is(r.greeting.major, major);
      t.is(r.greeting.minor, minor);
      t.true(r.greeting.asServer);
    }
  }
});

test("a wrong first byte is refused after one byte", (t) => {
  const r = new GreetingParser().feed(Buffer.from("G"));
  t.is(r.status, "fault");
  if (r.status === "fault") {
    t.is(r.cause, "signature");
    t.regex(r.reason, /first byte 0x47/);
  }
});

test("byte 9 without bit 0 (ZMTP 1.0) is refused", (t) => {
  const r = new GreetingParser().feed(peer((g) => (g[9] = 0x7e)).subarray(0, 10));
  t.is(r.status, "fault");
  if (r.status === "fault") t.is(r.cause, "signature");
});

test("major version 2 is refused as soon as byte 10 arrives", (t) => {
  const g = peer((b) => (b[10] = 2));
  const p = new GreetingParser();
  t.is(p.feed(g.subarray(0, 10)).status, "incomplete");
  const r = p.feed(g.subarray(10, 11));
  t.is(r.status, "fault");
  if (r.status === "fault") {
    t.is(r.cause, "version");
    t.regex(r.reason, /ZMTP 2/);
  }
});

test("a different mechanism is refused with both names in the reason", (t) => {
  const g = peer((b) => {
    b.fill(0, 12, 32);
    b.write("PLAIN", 12, "latin1");
  });
  const r = new GreetingParser().feed(g);
  t.is(r.status, "fault");
  if (r.status === "fault") {
    t.is(r.cause, "mechanism");
    t.regex(r.reason, /"PLAIN".*"NULL"/);
  }
  // Garbage after the NUL of an otherwise right name is a mismatch too (all 20 bytes compare).
  const r2 = new GreetingParser().feed(peer((b) => (b[20] = 0x41)));
  t.is(r2.status, "fault");
});

test("after a verdict further input is ignored", (t) => {
  const p = new GreetingParser();
  t.is(p.feed(Buffer.from([0])).status, "fault");
  t.is(p.feed(OURS).status, "fault");
  const q = new GreetingParser();
  t.is(q.feed(OURS).status, "done");
  const again = q.feed(Buffer.from("xyz"));
  t.is(again.status, "done");
  if (again.status === "done") t.is(again.rest.length, 0);
});
