/**
 * Frame codec: §5.12 frame bytes, the 255/256 short/long boundary, decoding identical under
 * every chunk split, hostile input (each a fault, never a throw), limits checked before
 * buffering, zero-copy within a chunk and linear assembly of big frames, encoder batching and
 * the subscription forms for 3.0/3.1 peers.
 */
import test from "ava";
import { randomBytes } from "node:crypto";
import type { DecodedEvent } from "../../packages/threadmq/src/zmtp/decoder.js";
import { commands, decoder, encoder, hex } from "./internals.js";

const { Decoder } = decoder;
const { Encoder, encodeMessage, encodeCommandFrame, encodeFrame, FLAG_COMMAND } = encoder;
const { encodePing, encodePong, encodeSubscribe, encodeCancel, encodeReady, encodeCommand, encodeError } = commands;

/** Events as comparable plain data (Buffers → hex). */
function plain(events: DecodedEvent[]): unknown[] {
  return events.map((ev) => {
    if (ev.kind === "message") return { message: ev.frames.map((f) => f.toString("hex")) };
    if (ev.kind === "fault") return { fault: ev.reason };
    const c = ev.command;
    return JSON.parse(
      JSON.stringify(c, (_k, v: unknown) => {
        if (v instanceof Map) return Object.fromEntries([...v].map(([k, b]) => [k, (b as Buffer).toString("hex")]));
        if (v !== null && typeof v === "object" && (v as { type?: string }).type === "Buffer") return Buffer.from((v as { data: number[] }).data).toString("hex");
        return v;
      }),
    ) as unknown;
  });
}

function decodeAll(bytes: Buffer, options?: { maxMessageSize?: number; maxCommandSize?: number }): DecodedEvent[] {
  return new Decoder(options).decode(bytes);
}

function faultOf(bytes: Buffer, options?: { maxMessageSize?: number; maxCommandSize?: number }): string {
  const d = new Decoder(options);
  let events: DecodedEvent[] = [];
  // Must not throw, whether fed at once or byte by byte.
  for (let i = 0; i < bytes.length; i++) events = events.concat(d.decode(bytes.subarray(i, i + 1)));
  const once = new Decoder(options).decode(bytes);
  const last = events.at(-1);
  if (last?.kind !== "fault") throw new Error(`expected a fault, got ${JSON.stringify(plain(events))}`);
  if (JSON.stringify(plain(once)) !== JSON.stringify(plain(events))) throw new Error("split and whole decoding differ");
  return last.reason;
}

test("§5.12 frames: Hello, [''|Hello], 300-byte long form", (t) => {
  t.deepEqual(encodeMessage([Buffer.from("Hello")]), hex("00 05 48 65 6c 6c 6f"));
  t.deepEqual(encodeMessage([Buffer.alloc(0), Buffer.from("Hello")]), hex("01 00 00 05 48 65 6c 6c 6f"));
  const body = Buffer.alloc(300, 0x61);
  t.deepEqual(encodeMessage([body]), Buffer.concat([hex("02 00 00 00 00 00 00 01 2c"), body]));
  t.deepEqual(plain(decodeAll(hex("01 00 00 05 48 65 6c 6c 6f"))), [{ message: ["", "48656c6c6f"] }]);
});

test("255 bytes use the short form, 256 the long form; both decode", (t) => {
  const b255 = Buffer.alloc(255, 1);
  const b256 = Buffer.alloc(256, 2);
  const e255 = encodeMessage([b255]);
  const e256 = encodeMessage([b256]);
  t.deepEqual(e255.subarray(0, 2), hex("00 ff"));
  t.is(e255.length, 257);
  t.deepEqual(e256.subarray(0, 9), hex("02 00 00 00 00 00 00 01 00"));
  t.is(e256.length, 265);
  const evs = decodeAll(Buffer.concat([encodeMessage([b255, b256]), encodeCommandFrame(encodeCommand("JOIN", Buffer.alloc(250)))]));
  t.is(evs.length, 2);
  const msg = evs[0]!;
  if (msg.kind !== "message") return t.fail();
  t.deepEqual(msg.frames, [b255, b256]);
  // A command whose body crosses 255 takes the long form with COMMAND: flags 0x06.
  t.is(encodeCommandFrame(encodeCommand("JOIN", Buffer.alloc(251)))[0], 0x06);
  // Long form is accepted for any size, even tiny.
  t.deepEqual(plain(decodeAll(hex("02 00 00 00 00 00 00 00 02 68 69"))), [{ message: ["6869"] }]);
});

/** A stream mixing every frame kind the decoder knows. */
function sampleStream(): Buffer {
  return Buffer.concat([
    encodeCommandFrame(encodeReady([["Socket-Type", Buffer.from("DEALER")], ["Identity", Buffer.alloc(0)]])),
    encodeMessage([Buffer.from("Hello")]),
    encodeMessage([Buffer.alloc(0), Buffer.from("world"), Buffer.alloc(0)]),
    encodeCommandFrame(encodePing(30, Buffer.from("ctx"))),
    encodeMessage([Buffer.alloc(255, 3), Buffer.alloc(256, 4), Buffer.alloc(1000, 5)]),
    encodeCommandFrame(encodePong(Buffer.from("ctx"))),
    encodeCommandFrame(encodeSubscribe(Buffer.from("topic"))),
    encodeCommandFrame(encodeCancel(Buffer.alloc(0))),
    hex("02 00 00 00 00 00 00 00 01 7a"), // long form, 1 byte
    hex("f0 01 79"), // reserved flag bits set: ignored as libzmq does
    encodeCommandFrame(encodeCommand("JOIN", Buffer.from("g"))),
    encodeMessage([Buffer.alloc(0)]),
    encodeCommandFrame(encodeError("bye")),
  ]);
}

test("every split of a valid stream, at every offset, decodes identically", (t) => {
  const stream = sampleStream();
  const expected = plain(decodeAll(stream));
  t.is(expected.length, 13);
  t.false(expected.some((e) => "fault" in (e as object)));
  for (let i = 0; i <= stream.length; i++) {
    const d = new Decoder();
    const evs = [...d.decode(stream.subarray(0, i)), ...d.decode(stream.subarray(i))];
    t.deepEqual(plain(evs), expected, `split at ${i}`);
    t.is(d.finish(), undefined);
  }
  // Byte by byte, and in random 1..40-byte pieces.
  const d = new Decoder();
  let evs: DecodedEvent[] = [];
  for (let i = 0; i < stream.length; i++) evs = evs.concat(d.decode(stream.subarray(i, i + 1)));
  t.deepEqual(plain(evs), expected);
  for (let round = 0; round < 50; round++) {
    const r = new Decoder();
    let out: DecodedEvent[] = [];
    for (let at = 0; at < stream.length; ) {
      const n = 1 + Math.floor(Math.random() * 40);
      out = out.concat(r.decode(stream.subarray(at, at + n)));
      at += n;
    }
    t.deepEqual(plain(out), expected);
  }
});

test("a message is delivered only once its last frame arrived; finish() names what a cut loses", (t) => {
  const d = new Decoder();
  t.deepEqual(d.decode(hex("01 01 61")), []);
  t.regex(d.finish() ?? "", /inside a multipart message/);
  t.deepEqual(d.decode(hex("00 02 62")), []);
  t.regex(d.finish() ?? "", /inside a frame/);
  t.deepEqual(plain(d.decode(hex("63"))), [{ message: ["61", "6263"] }]);
  t.is(d.finish(), undefined);
});

test("a command between the frames of a message is delivered at once and the message continues", (t) => {
  const evs = decodeAll(Buffer.concat([hex("01 01 61"), encodeCommandFrame(encodePing(0)), hex("00 01 62")]));
  t.deepEqual(plain(evs), [{ kind: "ping", ttl: 0, context: "" }, { message: ["61", "62"] }]);
});

test("hostile inputs each yield one fault and no throw", (t) => {
  t.regex(faultOf(hex("05 00")), /MORE/, "command with MORE");
  t.regex(faultOf(hex("07 00 00 00 00 00 00 00 00")), /MORE/, "long command with MORE");
  t.regex(faultOf(hex("04 00")), /empty command/, "0-length command body");
  t.regex(faultOf(hex("04 02 00 41")), /zero-length name/, "0-length command name");
  t.regex(faultOf(hex("04 03 05 52 45")), /truncated/, "name longer than the body");
  const truncatedReady = hex("05 52 45 41 44 59 0b 53 6f 63 6b 65 74 2d 54 79 70 65 00 00 00 06 44 45");
  t.regex(faultOf(encodeCommandFrame(truncatedReady)), /malformed READY/, "READY value cut short");
  t.regex(faultOf(encodeCommandFrame(Buffer.concat([encodeReady([["A", Buffer.from("b")]]), hex("00")]))), /malformed READY/, "READY with leftover");
  t.regex(faultOf(hex("02 10 00 00 00 00 00 00 00")), /announces 1152921504606846976 bytes/, "2^60 data frame, no limit");
  t.regex(faultOf(hex("06 10 00 00 00 00 00 00 00")), /1152921504606846976/, "2^60 command frame");
  t.regex(faultOf(hex("02 ff ff ff ff ff ff ff ff")), /announces/, "2^64-1");
  t.regex(faultOf(encodeCommandFrame(encodeCommand("PING", hex("00")))), /PING/, "PING without ttl");
});

test("2^60-byte header with a limit: fault before any allocation, input afterwards ignored", (t) => {
  const d = new Decoder({ maxMessageSize: 1024 });
  const evs = d.decode(Buffer.concat([hex("02 10 00 00 00 00 00 00 00"), Buffer.alloc(100)]));
  t.is(evs.length, 1);
  t.is(evs[0]!.kind, "fault");
  t.is(d.bufferedBytes, 0);
  t.deepEqual(d.decode(encodeMessage([Buffer.from("x")])), []);
  t.is(d.next(), undefined);
  t.truthy(d.fault);
});

test("maxMessageSize bounds frames and whole messages, checked at the header", (t) => {
  t.deepEqual(plain(decodeAll(encodeMessage([Buffer.alloc(100)]), { maxMessageSize: 100 })), [{ message: ["00".repeat(100)] }]);
  t.regex(faultOf(encodeMessage([Buffer.alloc(101)]), { maxMessageSize: 100 }), /frame of 101 bytes exceeds maxMessageSize 100/);
  // The fault comes from the header alone: no body bytes needed.
  t.is(new Decoder({ maxMessageSize: 100 }).decode(hex("02 00 00 00 00 00 00 01 00"))[0]?.kind, "fault");
  t.regex(faultOf(encodeMessage([Buffer.alloc(60), Buffer.alloc(60)]), { maxMessageSize: 100 }), /multipart message reaches 120/);
  // Commands get at least 64 KiB so a tiny data limit does not break READY...
  t.is(decodeAll(encodeCommandFrame(encodeReady([["Socket-Type", Buffer.from("DEALER")]])), { maxMessageSize: 8 })[0]?.kind, "command");
  // ...and their own explicit limit when given.
  t.regex(faultOf(encodeCommandFrame(encodeSubscribe(Buffer.alloc(100))), { maxCommandSize: 50 }), /command size limit of 50/);
});

test("random garbage never throws", (t) => {
  for (let i = 0; i < 2000; i++) {
    const junk = randomBytes(1 + Math.floor(Math.random() * 64));
    t.notThrows(() => {
      const d = new Decoder({ maxMessageSize: 1 << 20 });
      d.decode(junk);
      d.finish();
    });
  }
});

test("a frame inside one chunk is a view of that chunk (no copy)", (t) => {
  const chunk = encodeMessage([Buffer.from("abc"), Buffer.alloc(5000, 9)]);
  const ev = decodeAll(chunk)[0];
  if (ev?.kind !== "message") return t.fail();
  for (const f of ev.frames) t.is(f.buffer, chunk.buffer);
});

test("a 1 MiB frame arriving in 64 KiB chunks is assembled once", (t) => {
  const body = randomBytes(1 << 20);
  const stream = Buffer.concat([encodeMessage([Buffer.from("head"), body]), encodeMessage([Buffer.from("next")])]);
  const d = new Decoder();
  const out: DecodedEvent[] = [];
  for (let at = 0; at < stream.length; at += 64 * 1024) {
    // Fresh chunks, as net.Socket delivers them.
    out.push(...d.decode(Buffer.from(stream.subarray(at, at + 64 * 1024))));
    if (at + 64 * 1024 < stream.length - 20) t.is(out.length, 0, "nothing before the last byte of the frame");
  }
  t.is(out.length, 2);
  if (out[0]?.kind !== "message") return t.fail();
  t.true(out[0].frames[1]!.equals(body));
});

test("assembly is linear: 16 MiB in 64 KiB chunks is copied once", (t) => {
  const size = 16 << 20;
  const header = hex("02 00 00 00 00 01 00 00 00");
  const d = new Decoder();
  const chunks = Array.from({ length: size / 65536 }, (_, i) => Buffer.alloc(65536, i & 0xff));
  // Count what goes through Buffer.concat while decoding: the loop below is synchronous, so no
  // other test can call it meanwhile. Quadratic accumulation would copy ~128 times the frame.
  const original = Buffer.concat;
  let copied = 0;
  Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
    copied += total ?? list.reduce((n, b) => n + b.length, 0);
    return original(list, total);
  }) as typeof Buffer.concat;
  let events: DecodedEvent[] = [];
  const start = performance.now();
  try {
    t.deepEqual(d.decode(header), []);
    for (const c of chunks) events = d.decode(c);
  } finally {
    Buffer.concat = original;
  }
  const ms = performance.now() - start;
  t.is(events.length, 1);
  t.is(copied, size);
  const ev = events[0];
  if (ev?.kind !== "message") return t.fail();
  t.is(ev.frames[0]!.length, size);
  t.is(ev.frames[0]![size - 1], (size / 65536 - 1) & 0xff);
  t.true(ms < 10_000, `took ${ms.toFixed(0)} ms`);
});

test("the encoder batches many small messages into one Buffer and passes big bodies by reference", (t) => {
  const enc = new Encoder();
  for (let i = 0; i < 1000; i++) enc.message([Buffer.from(`m${i}`)]);
  t.true(enc.pendingBytes > 0);
  const out = enc.take();
  t.is(out.length, 1);
  t.is(enc.pendingBytes, 0);
  const evs = decodeAll(out[0]!);
  t.is(evs.length, 1000);

  const big = Buffer.alloc(100_000, 1);
  enc.message([Buffer.from("a"), big, Buffer.from("z")]);
  const parts = enc.take();
  t.is(parts.length, 3);
  t.is(parts[1], big);
  t.deepEqual(plain(decodeAll(Buffer.concat(parts))), plain([{ kind: "message", frames: [Buffer.from("a"), big, Buffer.from("z")] }]));
  // Output buffers are never written again by later encoding.
  const first = enc.take();
  t.is(first.length, 0);
  enc.message([Buffer.from("one")]);
  const handedOut = enc.take()[0]!;
  const snapshot = Buffer.from(handedOut);
  enc.message([Buffer.from("two")]);
  enc.take();
  t.deepEqual(handedOut, snapshot);
  t.deepEqual(handedOut, encodeMessage([Buffer.from("one")]));
});

test("subscriptions: SUBSCRIBE/CANCEL commands for 3.1 peers, 0x01/0x00 frames for 3.0", (t) => {
  const v31 = new Encoder({ subscriptionCommands: true });
  v31.message([Buffer.from([1, 0x41])]);
  v31.message([Buffer.from([0, 0x41])]);
  v31.message([Buffer.from([1])]); // subscribe to everything
  v31.message([Buffer.from([1, 0x41]), Buffer.from("x")]); // multipart: a plain message
  v31.message([Buffer.from([2, 0x41])]); // not a subscription
  v31.message([Buffer.alloc(0)]);
  t.deepEqual(
    Buffer.concat(v31.take()),
    Buffer.concat([
      hex("04 0b 09 53 55 42 53 43 52 49 42 45 41"),
      hex("04 08 06 43 41 4e 43 45 4c 41"),
      hex("04 0a 09 53 55 42 53 43 52 49 42 45"),
      hex("01 02 01 41 00 01 78"),
      hex("00 02 02 41"),
      hex("00 00"),
    ]),
  );
  const v30 = new Encoder({ subscriptionCommands: false });
  v30.message([Buffer.from([1, 0x41])]);
  t.deepEqual(Buffer.concat(v30.take()), hex("00 02 01 41"));
  // A long topic makes the command long-form: 10 + 300 bytes.
  const long = new Encoder({ subscriptionCommands: true });
  long.message([Buffer.concat([Buffer.from([1]), Buffer.alloc(300, 0x61)])]);
  const bytes = Buffer.concat(long.take());
  t.deepEqual(bytes.subarray(0, 9), hex("06 00 00 00 00 00 00 01 36"));
  const ev = decodeAll(bytes)[0];
  t.deepEqual(ev?.kind === "command" ? ev.command : undefined, { kind: "subscribe", topic: Buffer.alloc(300, 0x61) });
  // And a plain frame with FLAG_COMMAND set by hand is a command, too.
  t.is(decodeAll(encodeFrame(FLAG_COMMAND, encodeSubscribe(Buffer.alloc(0))))[0]?.kind, "command");
});
