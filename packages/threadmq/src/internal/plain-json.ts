/**
 * A fast path for structured clone shared by @threadmq/pool and @threadmq/comlink: values
 * made only of plain data travel as JSON text, which node:v8's serializer would carry
 * unchanged at several times the cost (a serializer object per message, ~2-3 µs, against
 * well under 1 µs for JSON both ways).
 *
 * A payload is told apart by its first byte: v8's serialization always starts with its
 * version tag 0xFF, which JSON text never does.
 */

/** The first byte of every node:v8 serialization. */
export const V8_VERSION_TAG = 0xff;

const MAX_OBJECTS = 64;
const MAX_DEPTH = 16;

/**
 * True if JSON gives back exactly what structured clone would: plain objects
 * (Object.prototype), dense arrays without extra properties, strings, booleans, null and
 * finite numbers but -0, with no object met twice (shared or cyclic references keep their
 * shape only through v8). Bounded: large or deep values answer false and take the v8 path.
 */
export function isPlainJson(value: unknown): boolean {
  return check(value, 0, []);
}

function check(value: unknown, depth: number, seen: object[]): boolean {
  if (typeof value !== "object") {
    if (typeof value === "string" || typeof value === "boolean") return true;
    // Finite and not -0 (JSON writes -0 as 0).
    return typeof value === "number" && value - value === 0 && (value !== 0 || 1 / value > 0);
  }
  if (value === null) return true;
  if (depth > MAX_DEPTH || seen.length >= MAX_OBJECTS || seen.includes(value)) return false;
  seen.push(value);
  if (Array.isArray(value)) {
    const length = value.length;
    // Dense (JSON turns holes into null), and no named properties (structured clone keeps those, JSON drops them).
    for (let i = 0; i < length; i++) if (!(i in value) || !check(value[i], depth + 1, seen)) return false;
    return Object.keys(value).length === length;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) if (!check((value as Record<string, unknown>)[key], depth + 1, seen)) return false;
  return true;
}

/** `value` (which must pass isPlainJson) as JSON text. */
export function writePlainJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value));
}

/** True if `bytes` hold JSON text from writePlainJson rather than a v8 serialization. */
export function isPlainJsonPayload(bytes: Uint8Array): boolean {
  return bytes.length > 0 && bytes[0] !== V8_VERSION_TAG;
}

/** The value of a payload for which isPlainJsonPayload is true. */
export function readPlainJson(bytes: Buffer): unknown {
  return JSON.parse(bytes.toString("utf8"));
}
