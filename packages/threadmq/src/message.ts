import { ZmqError } from "./errors.js";

/** What may be sent as one frame. Strings are encoded as UTF-8. */
export type FrameLike = string | Buffer | Uint8Array | ArrayBuffer;

/** One message: a single frame, or an array of frames sent atomically (multipart). */
export type MessageLike = FrameLike | readonly FrameLike[];

/** A received message: its frames, in order. */
export type Message = Buffer[];

const EMPTY = Buffer.alloc(0);

/** Converts one frame-like value to a Buffer without copying where possible. */
export function toFrame(value: FrameLike, position = 0): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === "string") return value.length === 0 ? EMPTY : Buffer.from(value, "utf8");
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof ArrayBuffer) return Buffer.from(value);
  throw new ZmqError(
    "EINVAL",
    `frame ${position} is a ${describe(value)}; send a string, Buffer, Uint8Array or ArrayBuffer`,
  );
}

/** Converts a message-like value to its frames (at least one). */
export function toMessage(value: MessageLike): Message {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new ZmqError("EINVAL", "cannot send a message with no frames; send [\"\"] for an empty one");
    const frames = new Array<Buffer>(value.length);
    for (let i = 0; i < value.length; i++) frames[i] = toFrame(value[i] as FrameLike, i);
    return frames;
  }
  return [toFrame(value as FrameLike)];
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return (value as object).constructor?.name ?? "object";
  return typeof value;
}

export const emptyFrame = EMPTY;
