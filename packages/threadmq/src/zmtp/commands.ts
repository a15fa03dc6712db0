/**
 * ZMTP command bodies and metadata properties (zeromq-reference §5.5, §5.6).
 *
 * A command *body* is what follows the frame header of a command frame:
 * `name-length(1) | name | data`. This file builds and parses bodies only; framing
 * (flags 0x04/0x06 and the size) belongs to encoder.ts / decoder.ts.
 *
 * Contract:
 * - `parseCommand` never throws on peer bytes: it returns `{ ok: false, reason }` for a body it
 *   cannot accept (empty body, zero-length or truncated name, READY whose properties do not
 *   parse exactly, ERROR or PING shorter than its fixed part). Unknown command names parse to
 *   `{ kind: "other" }` so that newer peers and future mechanisms are not refused here.
 * - Parsed Buffers (`topic`, `context`, property values, `data`) are views of the body, no copies.
 * - The encoders validate *our own* arguments and throw RangeError on a programming error
 *   (a property name outside the RFC alphabet, a value of 2^31 bytes or more).
 * - Pure: no I/O, no timers.
 */

/** Properties from READY (or, later, PLAIN/CURVE INITIATE), names as the peer spelled them. */
export type Properties = Map<string, Buffer>;

export type Command =
  | { kind: "ready"; properties: Properties }
  | { kind: "error"; reason: string }
  | { kind: "subscribe"; topic: Buffer }
  | { kind: "cancel"; topic: Buffer }
  /** `ttl` in deciseconds (0 = none); `context` as received, possibly longer than 16 bytes. */
  | { kind: "ping"; ttl: number; context: Buffer }
  | { kind: "pong"; context: Buffer }
  /** Any other name (HELLO, WELCOME, INITIATE, JOIN, ...), left to whoever understands it. */
  | { kind: "other"; name: string; data: Buffer };

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Longest PING context a PONG echoes (RFC 37; libzmq truncates to this). */
export const MAX_PING_CONTEXT = 16;
/** Largest metadata value the 4-byte length may announce (RFC 37: 31 bits). */
export const MAX_PROPERTY_VALUE = 0x7fffffff;

const EMPTY = Buffer.alloc(0);
const PROPERTY_NAME = /^[A-Za-z0-9\-_.+]{1,255}$/;
const COMMAND_NAME = /^[A-Za-z]{1,255}$/;

function fail<T>(reason: string): Parsed<T> {
  return { ok: false, reason };
}

/** Peer bytes rendered safely for reasons and names. */
function printable(bytes: Buffer): string {
  let out = "";
  for (const b of bytes) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  return out;
}

/** `name-length | name | data`. */
export function encodeCommand(name: string, data: Buffer = EMPTY): Buffer {
  if (!COMMAND_NAME.test(name)) throw new RangeError(`invalid ZMTP command name ${JSON.stringify(name)}`);
  const body = Buffer.allocUnsafe(1 + name.length + data.length);
  body[0] = name.length;
  body.write(name, 1, "latin1");
  data.copy(body, 1 + name.length);
  return body;
}

/** Metadata encoding: repeated `name-len(1) | name | value-len(4, BE) | value`. */
export function encodeMetadata(properties: Iterable<readonly [string, Buffer]>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of properties) {
    if (!PROPERTY_NAME.test(name)) throw new RangeError(`invalid ZMTP property name ${JSON.stringify(name)}`);
    if (value.length > MAX_PROPERTY_VALUE) throw new RangeError(`property ${name} value is too long (${value.length} bytes)`);
    const head = Buffer.allocUnsafe(1 + name.length + 4);
    head[0] = name.length;
    head.write(name, 1, "latin1");
    head.writeUInt32BE(value.length, 1 + name.length);
    parts.push(head, value);
  }
  return Buffer.concat(parts);
}

/**
 * Parses metadata that must fill `data` exactly: libzmq rejects a READY with leftover or missing
 * bytes (EPROTO), and so do we. Later duplicates of a name replace earlier ones.
 */
export function parseMetadata(data: Buffer): Parsed<Properties> {
  const props: Properties = new Map();
  let at = 0;
  while (at < data.length) {
    const nameLen = data[at]!;
    if (nameLen === 0) return fail(`metadata property at offset ${at} has an empty name`);
    if (at + 1 + nameLen + 4 > data.length) return fail(`metadata truncated inside a property header at offset ${at}`);
    const name = data.toString("latin1", at + 1, at + 1 + nameLen);
    at += 1 + nameLen;
    const valueLen = data.readUInt32BE(at);
    at += 4;
    if (valueLen > MAX_PROPERTY_VALUE) return fail(`metadata property ${printable(Buffer.from(name, "latin1"))} announces ${valueLen} bytes (above 2^31-1)`);
    if (at + valueLen > data.length) return fail(`metadata property ${printable(Buffer.from(name, "latin1"))} announces ${valueLen} bytes but only ${data.length - at} remain`);
    props.set(name, data.subarray(at, at + valueLen));
    at += valueLen;
  }
  return { ok: true, value: props };
}

/** Case-insensitive property lookup (RFC 37: property names are case-insensitive). */
export function getProperty(props: Properties, name: string): Buffer | undefined {
  const exact = props.get(name);
  if (exact !== undefined) return exact;
  const lower = name.toLowerCase();
  for (const [key, value] of props) if (key.toLowerCase() === lower) return value;
  return undefined;
}

export function encodeReady(properties: Iterable<readonly [string, Buffer]>): Buffer {
  return encodeCommand("READY", encodeMetadata(properties));
}

/** ERROR with a reason coerced to printable ASCII and cut to 255 bytes, as the RFC requires. */
export function encodeError(reason: string): Buffer {
  const clean = reason.replace(/[^\x20-\x7e]/g, "?").slice(0, 255);
  const data = Buffer.allocUnsafe(1 + clean.length);
  data[0] = clean.length;
  data.write(clean, 1, "latin1");
  return encodeCommand("ERROR", data);
}

export function encodeSubscribe(topic: Buffer): Buffer {
  return encodeCommand("SUBSCRIBE", topic);
}

export function encodeCancel(topic: Buffer): Buffer {
  return encodeCommand("CANCEL", topic);
}

/** PING with `ttl` in deciseconds (clamped to 0..65535) and an optional context (≤16 bytes). */
export function encodePing(ttlDeciseconds: number, context: Buffer = EMPTY): Buffer {
  if (context.length > MAX_PING_CONTEXT) throw new RangeError(`PING context is limited to ${MAX_PING_CONTEXT} bytes`);
  const data = Buffer.allocUnsafe(2 + context.length);
  data.writeUInt16BE(Math.max(0, Math.min(0xffff, Math.floor(ttlDeciseconds))), 0);
  context.copy(data, 2);
  return encodeCommand("PING", data);
}

/** PONG echoing at most the first 16 bytes of the PING's context. */
export function encodePong(context: Buffer = EMPTY): Buffer {
  return encodeCommand("PONG", context.subarray(0, MAX_PING_CONTEXT));
}

/** Parses one command body; see the file header for what is refused. */
export function parseCommand(body: Buffer): Parsed<Command> {
  if (body.length === 0) return fail("empty command frame (no name length)");
  const nameLen = body[0]!;
  if (nameLen === 0) return fail("command with a zero-length name");
  if (1 + nameLen > body.length) return fail(`command name of ${nameLen} bytes truncated (body is ${body.length} bytes)`);
  const name = body.toString("latin1", 1, 1 + nameLen);
  const data = body.subarray(1 + nameLen);
  switch (name) {
    case "READY": {
      const props = parseMetadata(data);
      return props.ok ? { ok: true, value: { kind: "ready", properties: props.value } } : fail(`malformed READY: ${props.reason}`);
    }
    case "ERROR": {
      if (data.length < 1) return fail("malformed ERROR: no reason length");
      const len = data[0]!;
      if (1 + len > data.length) return fail(`malformed ERROR: reason of ${len} bytes truncated`);
      return { ok: true, value: { kind: "error", reason: printable(data.subarray(1, 1 + len)) } };
    }
    case "SUBSCRIBE":
      return { ok: true, value: { kind: "subscribe", topic: data } };
    case "CANCEL":
      return { ok: true, value: { kind: "cancel", topic: data } };
    case "PING":
      if (data.length < 2) return fail("malformed PING: shorter than its 2-byte TTL");
      return { ok: true, value: { kind: "ping", ttl: data.readUInt16BE(0), context: data.subarray(2) } };
    case "PONG":
      return { ok: true, value: { kind: "pong", context: data } };
    default:
      return { ok: true, value: { kind: "other", name: printable(body.subarray(1, 1 + nameLen)), data } };
  }
}
