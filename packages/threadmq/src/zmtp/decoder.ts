/**
 * Incremental ZMTP 3.x frame decoder: bytes after the greeting → whole messages and commands
 * (zeromq-reference §5.4, §5.5).
 *
 * Contract:
 * - Indifferent to chunk boundaries: any split of the same byte stream yields the same events.
 * - Never throws on peer bytes. A protocol violation produces exactly one `fault` event, after
 *   which the decoder is dead (`next()` returns undefined, `push()` ignores input).
 * - Pull-based: `push(chunk)` only queues; `next()` returns the next event or undefined when more
 *   bytes are needed. A caller that wants backpressure simply stops calling `next()`; undecoded
 *   bytes stay queued here. `decode(chunk)` = push + drain everything, for callers that don't.
 * - A data message is delivered only when its last frame (no MORE) has arrived; its frames are
 *   in order. Commands are delivered where they occur; a command arriving between the frames of
 *   a multipart message (encoders never do that, libzmq tolerates PING there) is delivered
 *   immediately and the message keeps assembling.
 * - Limits are checked on the frame header, before any byte of the body is buffered: a peer that
 *   announces a 2^60-byte frame costs a fault, not an allocation. Body bytes are buffered only
 *   as they actually arrive.
 * - Copies: a body that lies inside one pushed chunk is returned as a view of that chunk
 *   (`subarray`, so callers must push chunks they will not reuse — net.Socket gives a fresh
 *   Buffer per read). A body spread over several chunks is collected as views and copied once
 *   when complete, so a 1 MiB frame in 64 KiB chunks costs one linear copy, never a quadratic one.
 * - Pure: no I/O, no timers.
 */
import { constants as bufferConstants } from "node:buffer";
import { parseCommand, type Command } from "./commands.js";
import { FLAG_COMMAND, FLAG_LONG, FLAG_MORE } from "./encoder.js";

export type DecodedEvent =
  | { kind: "message"; frames: Buffer[] }
  | { kind: "command"; command: Command }
  | { kind: "fault"; reason: string };

export interface DecoderOptions {
  /**
   * Largest data message accepted, in bytes of payload summed over its frames (-1 = no limit;
   * default -1). Because a message is at least as large as any of its frames, this also bounds
   * each frame; libzmq's MAXMSGSIZE checks only frames, so this is the stricter reading of
   * "limits the size of the inbound message".
   */
  maxMessageSize?: number;
  /**
   * Largest command frame body (-1 = no limit). Default: -1 when `maxMessageSize` is -1,
   * otherwise max(maxMessageSize, 64 KiB), so commands cannot bypass the user's limit yet a tiny
   * data limit does not break the handshake.
   */
  maxCommandSize?: number;
}

const enum State {
  Flags,
  Size,
  Body,
  Dead,
}

const EMPTY = Buffer.alloc(0);
const MIN_COMMAND_LIMIT = 64 * 1024;

export class Decoder {
  readonly #maxMessage: number;
  readonly #maxCommand: number;

  // Input queue: chunks not yet fully consumed; #off indexes into #chunks[#head].
  #chunks: Buffer[] = [];
  #head = 0;
  #off = 0;
  #available = 0;

  #state = State.Flags;
  #flags = 0;
  #sizeBytes = Buffer.alloc(8);
  #sizeLen = 0;
  #sizeGot = 0;
  #bodyLen = 0;
  #parts: Buffer[] = [];
  #partsLen = 0;

  #frames: Buffer[] = [];
  #messageBytes = 0;
  #fault: string | undefined;

  constructor(options: DecoderOptions = {}) {
    this.#maxMessage = normaliseLimit(options.maxMessageSize ?? -1);
    this.#maxCommand =
      options.maxCommandSize !== undefined
        ? normaliseLimit(options.maxCommandSize)
        : this.#maxMessage < 0
          ? -1
          : Math.max(this.#maxMessage, MIN_COMMAND_LIMIT);
  }

  /** The fault reason once the decoder has faulted, else undefined. */
  get fault(): string | undefined {
    return this.#fault;
  }

  /** Bytes pushed and not yet consumed by `next()` (partial bodies already taken don't count). */
  get bufferedBytes(): number {
    return this.#available;
  }

  /** Queues a chunk. Zero-length chunks and input after a fault are ignored. */
  push(chunk: Buffer): void {
    if (this.#state === State.Dead || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#available += chunk.length;
  }

  /** push + drain: every event the bytes so far complete, a fault (if any) last. */
  decode(chunk: Buffer): DecodedEvent[] {
    this.push(chunk);
    const out: DecodedEvent[] = [];
    for (let ev = this.next(); ev !== undefined; ev = this.next()) out.push(ev);
    return out;
  }

  /**
   * If the stream ended now, what would be lost: a reason when the end falls inside a frame or a
   * multipart message (or the decoder faulted), undefined for a clean boundary.
   */
  finish(): string | undefined {
    if (this.#fault !== undefined) return this.#fault;
    if (this.#available > 0 || this.#state !== State.Flags) return "stream ended inside a frame";
    if (this.#frames.length > 0) return `stream ended inside a multipart message after ${this.#frames.length} frame(s)`;
    return undefined;
  }

  /** The next complete event, or undefined if more bytes are needed (or after a fault). */
  next(): DecodedEvent | undefined {
    for (;;) {
      switch (this.#state) {
        case State.Flags: {
          if (this.#available === 0) return undefined;
          const flags = this.#readByte();
          // Reserved bits 3-7 are ignored, as libzmq does; MORE on a command is the one illegal mix.
          if ((flags & FLAG_COMMAND) !== 0 && (flags & FLAG_MORE) !== 0) {
            return this.#die(`command frame with the MORE flag set (flags 0x${flags.toString(16).padStart(2, "0")})`);
          }
          this.#flags = flags;
          this.#sizeLen = (flags & FLAG_LONG) !== 0 ? 8 : 1;
          this.#sizeGot = 0;
          this.#state = State.Size;
          break;
        }
        case State.Size: {
          while (this.#sizeGot < this.#sizeLen && this.#available > 0) this.#sizeBytes[this.#sizeGot++] = this.#readByte();
          if (this.#sizeGot < this.#sizeLen) return undefined;
          const checked = this.#checkSize();
          if (typeof checked === "string") return this.#die(checked);
          this.#bodyLen = checked;
          if (checked === 0) {
            this.#state = State.Flags;
            const ev = this.#frameDone(EMPTY);
            if (ev !== undefined) return ev;
            break;
          }
          this.#state = State.Body;
          break;
        }
        case State.Body: {
          if (this.#available === 0) return undefined;
          const chunk = this.#chunks[this.#head]!;
          const inChunk = chunk.length - this.#off;
          const need = this.#bodyLen - this.#partsLen;
          let body: Buffer;
          if (this.#partsLen === 0 && inChunk >= need) {
            body = chunk.subarray(this.#off, this.#off + need); // zero-copy fast path
            this.#consume(need);
          } else {
            const take = Math.min(inChunk, need);
            this.#parts.push(chunk.subarray(this.#off, this.#off + take));
            this.#partsLen += take;
            this.#consume(take);
            if (this.#partsLen < this.#bodyLen) break;
            body = Buffer.concat(this.#parts, this.#bodyLen);
            this.#parts = [];
            this.#partsLen = 0;
          }
          this.#state = State.Flags;
          const ev = this.#frameDone(body);
          if (ev !== undefined) return ev;
          break;
        }
        case State.Dead:
          return undefined;
      }
    }
  }

  /** Validates the size just read against the limits; returns it or a fault reason. */
  #checkSize(): number | string {
    const isCommand = (this.#flags & FLAG_COMMAND) !== 0;
    let size: number;
    if (this.#sizeLen === 1) {
      size = this.#sizeBytes[0]!;
    } else {
      const big = this.#sizeBytes.readBigUInt64BE(0);
      if (big > BigInt(bufferConstants.MAX_LENGTH)) {
        return `${isCommand ? "command" : "data"} frame announces ${big} bytes, more than this process can buffer`;
      }
      size = Number(big);
    }
    if (isCommand) {
      if (this.#maxCommand >= 0 && size > this.#maxCommand) {
        return `command frame of ${size} bytes exceeds the command size limit of ${this.#maxCommand}`;
      }
    } else if (this.#maxMessage >= 0 && this.#messageBytes + size > this.#maxMessage) {
      return this.#frames.length === 0
        ? `frame of ${size} bytes exceeds maxMessageSize ${this.#maxMessage}`
        : `multipart message reaches ${this.#messageBytes + size} bytes, exceeding maxMessageSize ${this.#maxMessage}`;
    }
    return size;
  }

  #frameDone(body: Buffer): DecodedEvent | undefined {
    if ((this.#flags & FLAG_COMMAND) !== 0) {
      const parsed = parseCommand(body);
      return parsed.ok ? { kind: "command", command: parsed.value } : this.#die(parsed.reason);
    }
    this.#frames.push(body);
    this.#messageBytes += body.length;
    if ((this.#flags & FLAG_MORE) !== 0) return undefined;
    const frames = this.#frames;
    this.#frames = [];
    this.#messageBytes = 0;
    return { kind: "message", frames };
  }

  #readByte(): number {
    const chunk = this.#chunks[this.#head]!;
    const b = chunk[this.#off]!;
    this.#consume(1);
    return b;
  }

  /** Advances the read position by n bytes, all within the head chunk. */
  #consume(n: number): void {
    this.#off += n;
    this.#available -= n;
    if (this.#off === this.#chunks[this.#head]!.length) {
      this.#chunks[this.#head] = EMPTY; // drop our reference so the chunk can be collected
      this.#head++;
      this.#off = 0;
      if (this.#head === this.#chunks.length) {
        this.#chunks = [];
        this.#head = 0;
      } else if (this.#head > 64) {
        this.#chunks = this.#chunks.slice(this.#head);
        this.#head = 0;
      }
    }
  }

  #die(reason: string): DecodedEvent {
    this.#fault = reason;
    this.#state = State.Dead;
    this.#chunks = [];
    this.#head = 0;
    this.#off = 0;
    this.#available = 0;
    this.#parts = [];
    this.#frames = [];
    return { kind: "fault", reason };
  }
}

function normaliseLimit(limit: number): number {
  return Number.isFinite(limit) && limit >= 0 ? Math.floor(limit) : -1;
}
