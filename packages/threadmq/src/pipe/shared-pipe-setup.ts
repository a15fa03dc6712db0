/**
 * Making a SharedPipe: the creating thread calls createSharedPipe and posts the
 * descriptor (SharedArrayBuffer and MessagePort) to the other thread, which calls
 * openSharedPipe with it. Also the entry point of `threadmq/internal/shared-pipe`.
 */
import { MessageChannel, type MessagePort, type TransferListItem } from "node:worker_threads";
import { ZmqError } from "../errors.js";
import { CTRL_OPENED, CTRL_RID_BYTES, CTRL_RID_LEN, CTRL_TYPE_BYTES, CTRL_TYPE_LEN, H_RCV_HWM, H_SND_HWM, MAX_ROUTING_ID, MAX_TYPE_NAME, normalizeRingBytes, pipeLayout } from "../ring/layout.js";
import { MARKER_BYTES } from "../ring/spsc-ring.js";
import { SharedPipe, WAKE, checkHwm } from "./shared-pipe.js";

export interface SharedPipeOptions {
  endpoint: string;
  sendHwm: number;
  receiveHwm: number;
  routingId?: Buffer;
  socketType: string;
  /** Creator only: bytes of ring per direction, rounded up to a power of two (default 256 KiB). */
  ringBytes?: number;
  /**
   * Creator only: a message whose ring record would exceed this many bytes travels as
   * one transferred ArrayBuffer instead (default 16 KiB, at most a quarter of the ring).
   */
  largeThreshold?: number;
}

/** What the creator posts to the other thread (structured-cloneable; transfer `port`). */
export interface SharedPipeDescriptor {
  readonly kind: "threadmq.shared-pipe";
  readonly sab: SharedArrayBuffer;
  readonly port: MessagePort;
  readonly endpoint: string;
  readonly ringBytes: number;
  readonly largeThreshold: number;
  /** The creator's routing id (arrives as a Uint8Array after cloning). */
  readonly routingId: Uint8Array | null;
  /** The creator's socket type. */
  readonly socketType: string;
}

/** Measured: 1 MiB rings add ~20% for 1 KiB messages over 256 KiB, 64 KiB ones lose ~25%. */
export const DEFAULT_RING_BYTES = 256 * 1024;
/**
 * Measured with the probe (2 cores, Node 20): copying through the ring and transferring
 * break even near 8 KiB; at 16 KiB transfer is ahead (141k vs 99k msg/s), at 32 KiB
 * 74k vs 56k, at 64 KiB ~1.6x. Below 8 KiB the ring wins (4 KiB: 309k vs 217k).
 */
export const DEFAULT_LARGE_THRESHOLD = 16 * 1024;

function encodeAscii(s: string, into: Uint8Array, at: number): number {
  if (s.length > MAX_TYPE_NAME || !/^[\x20-\x7e]*$/.test(s)) {
    throw new ZmqError("EINVAL", `socket type name must be printable ASCII of at most ${MAX_TYPE_NAME} characters`);
  }
  for (let i = 0; i < s.length; i++) into[at + i] = s.charCodeAt(i);
  return s.length;
}

function checkRoutingId(rid: Buffer | undefined): void {
  if (rid !== undefined && rid.length > MAX_ROUTING_ID) {
    throw new ZmqError("EINVAL", `routing id must be at most ${MAX_ROUTING_ID} bytes, got ${rid.length}`);
  }
}

function resolveGeometry(opts: SharedPipeOptions): { ringBytes: number; largeThreshold: number } {
  const ringBytes = normalizeRingBytes(opts.ringBytes ?? DEFAULT_RING_BYTES);
  // A quarter ring at most: then a record always fits once the ring is empty, even
  // after a wrap marker, which the overflow drain relies on.
  const maxLarge = ringBytes / 4;
  const requested = opts.largeThreshold ?? DEFAULT_LARGE_THRESHOLD;
  if (!Number.isFinite(requested) || requested < MARKER_BYTES) {
    throw new ZmqError("EINVAL", `largeThreshold must be at least ${MARKER_BYTES} bytes`);
  }
  return { ringBytes, largeThreshold: Math.min(Math.floor(requested), maxLarge) };
}

/**
 * Called in the thread that creates the pipe; `local` is its end. Post `remote` to the
 * other thread with `transfer` as transfer list, and call openSharedPipe there.
 */
export function createSharedPipe(opts: SharedPipeOptions): {
  local: SharedPipe;
  remote: SharedPipeDescriptor;
  transfer: TransferListItem[];
} {
  checkHwm("sendHwm", opts.sendHwm);
  checkHwm("receiveHwm", opts.receiveHwm);
  checkRoutingId(opts.routingId);
  encodeAscii(opts.socketType, new Uint8Array(MAX_TYPE_NAME), 0);
  const { ringBytes, largeThreshold } = resolveGeometry(opts);
  const layout = pipeLayout(ringBytes);
  const sab = new SharedArrayBuffer(layout.totalBytes);
  const i32 = new Int32Array(sab);
  // The opener's shares are unknown until it opens: -1 tells the writer to count its own only.
  i32[(layout.headerOffset[0] >> 2) + H_RCV_HWM] = -1;
  i32[(layout.headerOffset[1] >> 2) + H_SND_HWM] = -1;
  const { port1, port2 } = new MessageChannel();
  const local = new SharedPipe(0, sab, port1, ringBytes, largeThreshold, opts.endpoint, opts.sendHwm, opts.receiveHwm, undefined);
  const remote: SharedPipeDescriptor = {
    kind: "threadmq.shared-pipe",
    sab,
    port: port2,
    endpoint: opts.endpoint,
    ringBytes,
    largeThreshold,
    routingId: opts.routingId === undefined ? null : new Uint8Array(opts.routingId),
    socketType: opts.socketType,
  };
  return { local, remote, transfer: [port2] };
}

/** Called in the other thread with the descriptor and that side's own options. Once per descriptor. */
export function openSharedPipe(desc: SharedPipeDescriptor, opts: Omit<SharedPipeOptions, "endpoint">): SharedPipe {
  if (desc?.kind !== "threadmq.shared-pipe") throw new ZmqError("EINVAL", "not a shared pipe descriptor");
  checkHwm("sendHwm", opts.sendHwm);
  checkHwm("receiveHwm", opts.receiveHwm);
  checkRoutingId(opts.routingId);
  const i32 = new Int32Array(desc.sab);
  const u8 = new Uint8Array(desc.sab);
  if (Atomics.compareExchange(i32, CTRL_OPENED, 0, 2) !== 0) {
    throw new ZmqError("EINVAL", "shared pipe descriptor was already opened");
  }
  // Identity goes into the SAB before CTRL_OPENED = 1, so the creator reads it whole.
  i32[CTRL_TYPE_LEN] = encodeAscii(opts.socketType, u8, CTRL_TYPE_BYTES);
  if (opts.routingId === undefined) {
    i32[CTRL_RID_LEN] = -1;
  } else {
    u8.set(opts.routingId, CTRL_RID_BYTES);
    i32[CTRL_RID_LEN] = opts.routingId.length;
  }
  const rid = desc.routingId === null ? undefined : Buffer.from(desc.routingId.buffer, desc.routingId.byteOffset, desc.routingId.byteLength);
  const pipe = new SharedPipe(1, desc.sab, desc.port, desc.ringBytes, desc.largeThreshold, desc.endpoint, opts.sendHwm, opts.receiveHwm, {
    routingId: rid,
    socketType: desc.socketType,
  });
  Atomics.store(i32, CTRL_OPENED, 1);
  // The creator may be blocked on a capacity that counted its own share only.
  desc.port.postMessage(WAKE);
  return pipe;
}

export { SharedPipe };
export type { Pipe, PipeSink } from "./pipe.js";
