/**
 * Command bodies and metadata: §5.12 bytes for READY/PING/PONG/SUBSCRIBE, exact-parse rules for
 * READY, and the refusals parseCommand must return (never throw) for malformed bodies.
 */
import test from "ava";
import { commands, encoder, hex, nullMechanism } from "./internals.js";

const { parseCommand, encodePing, encodePong, encodeSubscribe, encodeCancel, encodeError, encodeReady, parseMetadata, getProperty, encodeCommand } = commands;
const { encodeCommandFrame } = encoder;

const DEALER_READY = hex(`
  04 29
  05 52 45 41 44 59
  0b 53 6f 63 6b 65 74 2d 54 79 70 65
  00 00 00 06 44 45 41 4c 45 52
  08 49 64 65 6e 74 69 74 79
  00 00 00 00`);

test("DEALER READY with empty Identity is the §5.12 43-byte frame", (t) => {
  const body = new nullMechanism.NullMechanism({ socketType: "DEALER" }).start()[0]!;
  t.deepEqual(encodeCommandFrame(body), DEALER_READY);
});

test("ROUTER READY differs only in the type; PUB READY has no Identity", (t) => {
  const router = encodeCommandFrame(new nullMechanism.NullMechanism({ socketType: "ROUTER" }).start()[0]!);
  t.deepEqual(router, Buffer.concat([DEALER_READY.subarray(0, 24), Buffer.from("ROUTER"), DEALER_READY.subarray(30)]));
  const pub = new nullMechanism.NullMechanism({ socketType: "PUB" }).start()[0]!;
  const parsed = parseCommand(pub);
  t.true(parsed.ok);
  if (parsed.ok && parsed.value.kind === "ready") {
    t.deepEqual([...parsed.value.properties.keys()], ["Socket-Type"]);
  } else t.fail();
});

test("REQ READY carries its routing id as Identity", (t) => {
  const body = new nullMechanism.NullMechanism({ socketType: "REQ", routingId: Buffer.from("me") }).start()[0]!;
  const parsed = parseCommand(body);
  if (!parsed.ok || parsed.value.kind !== "ready") return t.fail();
  t.deepEqual(parsed.value.properties.get("Identity"), Buffer.from("me"));
  t.deepEqual(parsed.value.properties.get("Socket-Type"), Buffer.from("REQ"));
});

test("PING, PONG, SUBSCRIBE, CANCEL frames match §5.12", (t) => {
  t.deepEqual(encodeCommandFrame(encodePing(0)), hex("04 07 04 50 49 4e 47 00 00"));
  t.deepEqual(encodeCommandFrame(encodePong()), hex("04 05 04 50 4f 4e 47"));
  t.deepEqual(encodeCommandFrame(encodeSubscribe(Buffer.from("A"))), hex("04 0b 09 53 55 42 53 43 52 49 42 45 41"));
  t.deepEqual(encodeCommandFrame(encodeCancel(Buffer.from("A"))), hex("04 08 06 43 41 4e 43 45 4c 41"));
});

test("PING ttl and context parse; PONG echoes at most 16 bytes", (t) => {
  const ctx = Buffer.from("0123456789abcdefXYZ");
  const ping = parseCommand(encodeCommand("PING", Buffer.concat([hex("00 2a"), ctx])));
  if (!ping.ok || ping.value.kind !== "ping") return t.fail();
  t.is(ping.value.ttl, 42);
  t.deepEqual(ping.value.context, ctx);
  const pong = parseCommand(encodePong(ping.value.context));
  if (!pong.ok || pong.value.kind !== "pong") return t.fail();
  t.deepEqual(pong.value.context, ctx.subarray(0, 16));
  t.deepEqual(encodePing(1_000_000), encodeCommand("PING", hex("ff ff")), "ttl is clamped to 16 bits");
});

test("ERROR reason is made printable and cut to 255 bytes", (t) => {
  const parsed = parseCommand(encodeError("bad\u0001thing" + "x".repeat(300)));
  if (!parsed.ok || parsed.value.kind !== "error") return t.fail();
  t.is(parsed.value.reason.length, 255);
  t.true(parsed.value.reason.startsWith("bad?thing"));
});

test("metadata round-trips, keeps names as sent, looks them up case-insensitively", (t) => {
  const body = encodeReady([["Socket-Type", Buffer.from("PAIR")], ["X-Hello", Buffer.alloc(300, 7)]]);
  const parsed = parseCommand(body);
  if (!parsed.ok || parsed.value.kind !== "ready") return t.fail();
  const props = parsed.value.properties;
  t.deepEqual([...props.keys()], ["Socket-Type", "X-Hello"]);
  t.deepEqual(getProperty(props, "socket-type"), Buffer.from("PAIR"));
  t.deepEqual(getProperty(props, "X-HELLO"), Buffer.alloc(300, 7));
  t.is(getProperty(props, "Identity"), undefined);
  t.throws(() => encodeReady([["bad name", Buffer.alloc(0)]]), { instanceOf: RangeError });
});

test("malformed bodies are refused with a reason, never thrown", (t) => {
  const cases: [string, Buffer][] = [
    ["empty body", Buffer.alloc(0)],
    ["zero-length name", hex("00 41 42")],
    ["truncated name", hex("05 52 45")],
    ["READY cut inside a property header", hex("05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00")],
    ["READY value longer than the body", hex("05 52 45 41 44 59 01 41 00 00 00 05 42 42")],
    ["READY with a leftover byte", hex("05 52 45 41 44 59 01 41 00 00 00 01 42 ff")],
    ["READY with an empty property name", hex("05 52 45 41 44 59 00 00 00 00 00")],
    ["READY value length ≥ 2^31", hex("05 52 45 41 44 59 01 41 80 00 00 00")],
    ["ERROR without reason length", hex("05 45 52 52 4f 52")],
    ["ERROR with truncated reason", hex("05 45 52 52 4f 52 09 41")],
    ["PING without ttl", hex("04 50 49 4e 47 00")],
  ];
  for (const [what, body] of cases) {
    const r = parseCommand(body);
    t.false(r.ok, what);
    if (!r.ok) t.true(r.reason.length > 0);
  }
  t.deepEqual(parseMetadata(Buffer.alloc(0)), { ok: true, value: new Map() });
});

test("unknown commands parse as 'other' with their data", (t) => {
  const r = parseCommand(encodeCommand("JOIN", Buffer.from("grp")));
  t.deepEqual(r, { ok: true, value: { kind: "other", name: "JOIN", data: Buffer.from("grp") } });
});
