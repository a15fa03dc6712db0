/**
 * ZMTP 3.x frame encoder: whole messages and command bodies → bytes (zeromq-reference §5.4).
 *
 * Contract:
 * - Sizes ≤ 255 use the short form, larger ones the 8-byte long form (libzmq does the same).
 *   Every frame of a message but the last carries MORE; commands carry COMMAND (0x04/0x06).
 * - `Encoder` batches: frames accumulate until `take()`, which returns the pending bytes as few
 *   Buffers as possible — headers and small bodies are copied into shared slabs, bodies of at
 *   least `copyThreshold` bytes are passed through by reference (no copy). Writing the result
 *   with cork/uncork (or one write when it is a single Buffer) costs one syscall per batch,
 *   not one per message.
 * - Ownership: a body passed by reference must not be modified until it has been written; the
 *   engine takes ownership of the Buffers handed to `send`. Buffers returned by `take()` are
 *   never written to again by the encoder.
 * - Subscriptions (§1.7, §5.3): with `subscriptionCommands` true, a message that is a single
 *   frame starting with 0x01 / 0x00 is encoded as a SUBSCRIBE / CANCEL command carrying the rest
 *   of the frame (ZMTP 3.1 peers); with it false the frame goes out unchanged (ZMTP 3.0 peers, and
 *   every socket that is not SUB/XSUB). The engine decides per connection.
 * - Pure: no I/O, no timers.
 */

export const FLAG_MORE = 0x01;
export const FLAG_LONG = 0x02;
export const FLAG_COMMAND = 0x04;
/** Largest body the 1-byte size form can carry. */
export const MAX_SHORT_SIZE = 255;

const SUBSCRIBE_PREFIX = Buffer.from("\x09SUBSCRIBE", "latin1");
const CANCEL_PREFIX = Buffer.from("\x06CANCEL", "latin1");

/** Size of the flags + size header for a body of `size` bytes. */
export function headerSize(size: number): number {
  return size > MAX_SHORT_SIZE ? 9 : 2;
}

/** Writes a frame header at `offset`; returns the offset after it. */
export function writeFrameHeader(target: Buffer, offset: number, flags: number, size: number): number {
  if (size > MAX_SHORT_SIZE) {
    target[offset] = (flags | FLAG_LONG) & 0xff;
    // Two 32-bit halves: sizes above 2^32 are exact because bodies are Buffers (< 2^53).
    target.writeUInt32BE(Math.floor(size / 0x1_0000_0000), offset + 1);
    target.writeUInt32BE(size >>> 0, offset + 5);
    return offset + 9;
  }
  target[offset] = flags & ~FLAG_LONG & 0xff;
  target[offset + 1] = size;
  return offset + 2;
}

/** One frame as a fresh Buffer (flags: FLAG_MORE and/or FLAG_COMMAND; LONG is chosen here). */
export function encodeFrame(flags: number, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(headerSize(body.length) + body.length);
  body.copy(out, writeFrameHeader(out, 0, flags, body.length));
  return out;
}

/** A whole message as one Buffer (MORE on all frames but the last). Subscriptions untouched. */
export function encodeMessage(frames: readonly Buffer[]): Buffer {
  const enc = new Encoder();
  enc.message(frames);
  return Buffer.concat(enc.take());
}

/** A command frame around an already built command body (see commands.ts). */
export function encodeCommandFrame(body: Buffer): Buffer {
  return encodeFrame(FLAG_COMMAND, body);
}

/** True for a SUB/XSUB message that is a subscription or cancellation: one frame, 0x01/0x00 first. */
export function isSubscriptionMessage(frames: readonly Buffer[]): boolean {
  if (frames.length !== 1) return false;
  const first = frames[0]!;
  return first.length > 0 && (first[0] === 1 || first[0] === 0);
}

export interface EncoderOptions {
  /** Encode SUB/XSUB subscription messages as SUBSCRIBE/CANCEL commands. Default false. */
  subscriptionCommands?: boolean;
  /** Bodies at least this long are passed by reference instead of copied. Default 8 KiB. */
  copyThreshold?: number;
  /** Size of each staging slab for headers and small bodies. Default 64 KiB. */
  slabSize?: number;
}

const EMPTY = Buffer.alloc(0);

export class Encoder {
  /** See the file header; the engine sets this once the peer's version is known. */
  subscriptionCommands: boolean;
  readonly #copyThreshold: number;
  readonly #slabSize: number;

  #out: Buffer[] = [];
  #slab: Buffer = EMPTY;
  #used = 0; // bytes of #slab written
  #sealed = 0; // bytes of #slab already moved to #out (never written again)
  #pending = 0;

  constructor(options: EncoderOptions = {}) {
    this.subscriptionCommands = options.subscriptionCommands ?? false;
    this.#copyThreshold = options.copyThreshold ?? 8 * 1024;
    this.#slabSize = options.slabSize ?? 64 * 1024;
  }

  /** Encoded bytes waiting for `take()`. */
  get pendingBytes(): number {
    return this.#pending;
  }

  /** Appends a whole message. `frames` must hold at least one frame. */
  message(frames: readonly Buffer[]): void {
    const last = frames.length - 1;
    if (this.subscriptionCommands && isSubscriptionMessage(frames)) {
      const frame = frames[0]!;
      const prefix = frame[0] === 1 ? SUBSCRIBE_PREFIX : CANCEL_PREFIX;
      const topic = frame.subarray(1);
      this.#header(FLAG_COMMAND, prefix.length + topic.length);
      this.#body(prefix);
      this.#body(topic);
      return;
    }
    for (let i = 0; i <= last; i++) {
      const frame = frames[i]!;
      this.#header(i < last ? FLAG_MORE : 0, frame.length);
      this.#body(frame);
    }
  }

  /** Appends a command frame around a body from commands.ts. */
  command(body: Buffer): void {
    this.#header(FLAG_COMMAND, body.length);
    this.#body(body);
  }

  /** Everything pending, in order, as few Buffers as possible; resets the pending count. */
  take(): Buffer[] {
    this.#seal();
    const out = this.#out;
    this.#out = [];
    this.#pending = 0;
    return out;
  }

  #header(flags: number, size: number): void {
    this.#room(9);
    const end = writeFrameHeader(this.#slab, this.#used, flags, size);
    this.#pending += end - this.#used;
    this.#used = end;
  }

  #body(body: Buffer): void {
    const n = body.length;
    if (n === 0) return;
    this.#pending += n;
    if (n < this.#copyThreshold) {
      this.#room(n);
      body.copy(this.#slab, this.#used);
      this.#used += n;
    } else {
      this.#seal();
      this.#out.push(body);
    }
  }

  /** Ensures n free bytes in the current slab, starting a new one if needed. */
  #room(n: number): void {
    if (this.#slab.length - this.#used >= n) return;
    this.#seal();
    this.#slab = Buffer.allocUnsafe(Math.max(this.#slabSize, n));
    this.#used = 0;
    this.#sealed = 0;
  }

  /** Moves the written, not yet handed out part of the slab to the output list. */
  #seal(): void {
    if (this.#used > this.#sealed) {
      this.#out.push(this.#slab.subarray(this.#sealed, this.#used));
      this.#sealed = this.#used;
    }
  }
}
