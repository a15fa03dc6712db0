/**
 * Byte layout of the SharedArrayBuffer behind one cross-thread pipe.
 *
 * Ownership: pure constants and arithmetic, used by both threads of a pipe.
 * Invariants:
 * - Every field is an Int32 slot; word indexes below are into an Int32Array over
 *   the whole SAB. Each field has exactly one writer thread, except the two wake
 *   flags, where the other thread may only move 1 -> 2 (see spsc-ring.ts).
 * - Fields written by different threads sit on different 64-byte cache lines, so
 *   the hot indexes of producer and consumer never share a line (no false sharing:
 *   each side's per-message store only invalidates a line the other side reads).
 * - Data regions are a power of two bytes, 64-byte aligned, so free-running u32
 *   byte counters can be masked into positions.
 *
 * One SAB = control block, ring header A->B, ring header B->A, data A->B, data B->A.
 * Side 0 is the creator of the pipe, side 1 the opener; ring d carries side d's writes.
 */

export const LINE_BYTES = 64;
const LINE_WORDS = LINE_BYTES / 4;

// ---- control block (per pipe) ---------------------------------------------------------

/** Word index of side s's end state (written only by side s). */
export const CTRL_STATE = (side: 0 | 1): number => side * LINE_WORDS;
/** 1 once the opener has written its identity and HWMs (written only by the opener). */
export const CTRL_OPENED = 2 * LINE_WORDS;
/** Opener's routing id length, -1 when it has none. */
export const CTRL_RID_LEN = CTRL_OPENED + 1;
/** Opener's socket-type name length (ASCII). */
export const CTRL_TYPE_LEN = CTRL_OPENED + 2;
/** Byte offset of the opener's routing id bytes (ZMQ caps routing ids at 255 bytes). */
export const CTRL_RID_BYTES = (CTRL_OPENED + 4) * 4;
export const MAX_ROUTING_ID = 255;
/** Byte offset of the opener's socket-type name. */
export const CTRL_TYPE_BYTES = CTRL_RID_BYTES + 256;
export const MAX_TYPE_NAME = 64;
export const CTRL_BYTES = Math.ceil((CTRL_TYPE_BYTES + MAX_TYPE_NAME) / LINE_BYTES) * LINE_BYTES;

/** End states, as stored in CTRL_STATE. Only ever move forward. */
export const END_OPEN = 0;
/** terminate() was called; some accepted messages still wait in the writer's overflow. */
export const END_CLOSING = 1;
/** terminate() was called; everything it wrote is in the ring (or was already read). */
export const END_FLUSHED = 2;
/** This end is gone and the peer must discard whatever of it is still unread. */
export const END_DROPPED = 3;

// ---- ring header (per direction), word offsets relative to the header start -------

/** Free-running u32 byte counter of the producer (published position). */
export const H_WRITE = 0;
/** Free-running u32 byte counter of the consumer. */
export const H_READ = LINE_WORDS;
/** Free-running i32 count of messages the consumer has taken (for HWM accounting). */
export const H_MSGS_READ = LINE_WORDS + 1;
/** Consumer's sleep flag: 0 awake, 1 asleep (set by consumer), 2 wake sent (set by producer). */
export const H_READER_SLEEP = 2 * LINE_WORDS;
/** Producer's wait flag: 0 none, 1 waiting (set by producer), 2 wake sent (set by consumer). */
export const H_WRITER_WAIT = 3 * LINE_WORDS;
/** H_MSGS_READ value at which a waiting producer wants its wake-up. */
export const H_WAKE_TARGET = 3 * LINE_WORDS + 1;
/** The producer side's SNDHWM (written by the producer). */
export const H_SND_HWM = 4 * LINE_WORDS;
/** The consumer side's RCVHWM (written by the consumer); -1 until the consumer has opened. */
export const H_RCV_HWM = 4 * LINE_WORDS + 1;
export const HEADER_BYTES = 5 * LINE_BYTES;

export interface PipeLayout {
  readonly totalBytes: number;
  readonly ringBytes: number;
  /** Byte offset of the header of ring d (d = writing side). */
  readonly headerOffset: readonly [number, number];
  /** Byte offset of the data region of ring d. */
  readonly dataOffset: readonly [number, number];
}

export const MIN_RING_BYTES = 1024;
export const MAX_RING_BYTES = 1 << 30;

/** Rounds a requested ring size up to a power of two within the supported range. */
export function normalizeRingBytes(requested: number): number {
  if (!Number.isFinite(requested) || requested <= MIN_RING_BYTES) return MIN_RING_BYTES;
  if (requested >= MAX_RING_BYTES) return MAX_RING_BYTES;
  return 2 ** Math.ceil(Math.log2(requested));
}

export function pipeLayout(ringBytes: number): PipeLayout {
  const h0 = CTRL_BYTES;
  const h1 = h0 + HEADER_BYTES;
  const d0 = h1 + HEADER_BYTES;
  const d1 = d0 + ringBytes;
  return { totalBytes: d1 + ringBytes, ringBytes, headerOffset: [h0, h1], dataOffset: [d0, d1] };
}

/** Rounds a byte count up to the 4-byte word alignment that records keep. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}
