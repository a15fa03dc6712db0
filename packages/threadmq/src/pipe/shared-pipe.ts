/**
 * SharedPipe: the cross-thread Pipe. Two SpscRings in one SharedArrayBuffer (one per
 * direction) plus one MessageChannel per pipe.
 *
 * Ownership: each end is made and used by exactly one thread: the creator's end by the
 * thread that called createSharedPipe, the other end by the thread that called
 * openSharedPipe. Sink callbacks run on that thread, always from a task or microtask of
 * its own (a port event, a timer, queueMicrotask), never from inside read/write.
 *
 * The MessagePort carries three things, in one FIFO:
 * - WAKE (the number 0): "look at your flags"; sent only when the other side's flag
 *   said it sleeps/waits and this side won the 1 -> 2 claim, so at most one is in
 *   flight per flag.
 * - ArrayBuffer: a large message, posted before its LARGE placeholder is published
 *   in the ring, so it is always already queued when the reader meets the marker.
 * - close (Node's own): the other end closed its port or its thread went away. Node
 *   delivers it after every message queued before it (checked for normal close,
 *   process.exit, uncaught exception and worker.terminate()).
 * The port, with its listener, is also what keeps this thread alive while the end is
 * open (Atomics.waitAsync would not); finish() closes it, which lets the thread exit.
 *
 * Rules for the socket layer:
 * - Call flush() after the write()s of one send (or one synchronous batch): write()
 *   publishes at once, but only flush() wakes a parked reader (one Atomics.load when
 *   it is awake, a postMessage ~8 us when it sleeps).
 * - After write() returned false, writeActivated comes once the reader has brought
 *   the pipe down to libzmq's low-water mark (capacity/2, or capacity-1024 above
 *   2048), not after every single read; checkWrite()/write() themselves are exact.
 * - A reader that finds its ring empty parks one event-loop turn later (setImmediate),
 *   not at once: in a burst the writer keeps publishing into an awake ring, so it sends
 *   one wake per burst rather than one per message the reader happened to catch up with.
 *   setPollWindow (the socket's busyPoll) stretches that to a time window (park-delay.ts).
 * - A busy-polling reader sees new data on every read(), large messages included, but
 *   must yield to the event loop now and then: peer death and the linger/termination
 *   hand-shake are noticed from port events and microtasks.
 * - Termination: terminate(linger) on one end; the other end sees write() false
 *   (peer gone), keeps reading what is left, then gets pipeTerminated once the ring is
 *   empty (or at once if the peer dropped its messages). A dead peer thread looks the
 *   same, minus the linger: whatever it had published is still delivered.
 * - peerRoutingId/peerType on the creator's end: readable once openSharedPipe has
 *   returned in the other thread, so always before the first message arrives.
 *
 * Invariants:
 * - `written` counts messages accepted by write() (ring + overflow); the peer's
 *   H_MSGS_READ counts messages taken. written - read = outstanding <= capacity.
 * - Overflow holds, in order, accepted messages the byte ring had no room for; once it
 *   is non-empty, every later message goes behind it. It is bounded by the capacity.
 * - End states in the SAB only move forward: OPEN -> CLOSING -> FLUSHED -> DROPPED.
 */
import { MessagePort, receiveMessageOnPort } from "node:worker_threads";
import { ZmqError } from "../errors.js";
import {
  CTRL_OPENED,
  CTRL_RID_BYTES,
  CTRL_RID_LEN,
  CTRL_STATE,
  CTRL_TYPE_BYTES,
  CTRL_TYPE_LEN,
  END_CLOSING,
  END_DROPPED,
  END_FLUSHED,
  END_OPEN,
  pipeLayout,
} from "../ring/layout.js";
import { decodeLarge, encodeLarge } from "./large-message.js";
import { ParkDelay } from "./park-delay.js";
import { LARGE_MARKER, SpscRing, recordBytes } from "../ring/spsc-ring.js";
import type { Pipe, PipeSink } from "./pipe.js";

/** The one message a pipe posts besides large ones: "look at your flags". */
export const WAKE = 0;

/** libzmq's low-water mark: a blocked writer is woken once outstanding falls to it. */
function lowWater(capacity: number): number {
  return capacity > 2048 ? capacity - 1024 : (capacity + 1) >> 1;
}

export function checkHwm(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0x3fffffff) {
    throw new ZmqError("EINVAL", `${name} must be an integer from 0 (unlimited) to 2^30-1, got ${String(v)}`);
  }
}

/** Placeholder in the overflow queue for a large message already posted to the port. */
const POSTED = null;
type Pending = readonly Uint8Array[] | typeof POSTED;

export class SharedPipe implements Pipe {
  readonly endpoint: string;

  private readonly side: 0 | 1;
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly out: SpscRing;
  private readonly inn: SpscRing;
  private readonly port: MessagePort;
  private readonly largeThreshold: number;
  private sink: PipeSink | undefined;

  private sendHwm: number;
  private receiveHwm: number;
  private peerId: Buffer | undefined;
  private peerTypeName: string | undefined;
  private peerKnown: boolean;

  private written = 0;
  private cachedRead = 0;
  private ovf: (Pending | undefined)[] = [];
  private ovfHead = 0;
  private largeIn: ArrayBuffer[] = [];
  private largeHead = 0;

  private readArmed = false;
  private writeArmed = false;
  /** Mirrors "my H_READER_SLEEP on the inbound ring is non-zero". */
  private sleeping = false;
  /** Target of the last armed writer wait (valid while the flag is 1). */
  private waitTarget = 0;

  private closing = false;
  private done = false;
  private fired = false;
  private portClosed = false;
  private evalScheduled = false;
  /** When a reader that found its ring empty parks (grace turn, poll window). */
  private readonly parkDelay = new ParkDelay(
    () => !this.inn.isEmpty(),
    () => this.done || this.closing,
    () => this.evaluate(),
    () => {
      this.graceOver = true;
      try {
        this.evaluate();
      } finally {
        this.graceOver = false;
      }
    },
  );
  /** Inside the park delay's last evaluate: an empty ring now parks the reader. */
  private graceOver = false;
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;

  /** @internal use createSharedPipe / openSharedPipe (shared-pipe-setup.ts). */
  constructor(
    side: 0 | 1,
    sab: SharedArrayBuffer,
    port: MessagePort,
    ringBytes: number,
    largeThreshold: number,
    endpoint: string,
    sendHwm: number,
    receiveHwm: number,
    peer: { routingId: Buffer | undefined; socketType: string } | undefined,
  ) {
    const layout = pipeLayout(ringBytes);
    if (sab.byteLength !== layout.totalBytes) throw new RangeError("shared pipe buffer has the wrong size");
    this.side = side;
    this.i32 = new Int32Array(sab);
    this.u8 = new Uint8Array(sab);
    const other = side === 0 ? 1 : 0;
    this.out = new SpscRing(sab, layout.headerOffset[side], layout.dataOffset[side], ringBytes);
    this.inn = new SpscRing(sab, layout.headerOffset[other], layout.dataOffset[other], ringBytes);
    this.port = port;
    this.largeThreshold = largeThreshold;
    this.endpoint = endpoint;
    this.sendHwm = sendHwm;
    this.receiveHwm = receiveHwm;
    this.peerId = peer?.routingId;
    this.peerTypeName = peer?.socketType;
    this.peerKnown = peer !== undefined;
    this.written = this.out.messagesWritten;
    this.cachedRead = this.out.loadMessagesRead();
    this.out.storeSendHwm(sendHwm);
    this.inn.storeReceiveHwm(receiveHwm);
    port.on("message", this.onMessage);
    port.on("close", this.onClose);
  }

  // ---- identity ------------------------------------------------------------------------

  /**
   * The other end's routing id. On the opener's end it comes with the descriptor; on
   * the creator's end it is readable from the moment openSharedPipe returned in the
   * other thread (it is in the SAB before anything else the opener does), so in
   * particular before the creator's first readActivated.
   */
  get peerRoutingId(): Buffer | undefined {
    this.loadPeerIdentity();
    return this.peerId;
  }

  get peerType(): string | undefined {
    this.loadPeerIdentity();
    return this.peerTypeName;
  }

  private loadPeerIdentity(): void {
    if (this.peerKnown || Atomics.load(this.i32, CTRL_OPENED) !== 1) return;
    const ridLen = this.i32[CTRL_RID_LEN]!;
    this.peerId = ridLen < 0 ? undefined : Buffer.from(this.u8.subarray(CTRL_RID_BYTES, CTRL_RID_BYTES + ridLen));
    const typeLen = this.i32[CTRL_TYPE_LEN]!;
    this.peerTypeName = String.fromCharCode(...this.u8.subarray(CTRL_TYPE_BYTES, CTRL_TYPE_BYTES + typeLen));
    this.peerKnown = true;
  }

  // ---- Pipe ----------------------------------------------------------------------------

  setSink(sink: PipeSink): void {
    this.sink = sink;
    if (this.done && !this.fired) this.deliverTerminated();
  }

  get terminated(): boolean {
    return this.fired;
  }

  get outstanding(): number {
    return (this.written - this.out.loadMessagesRead()) | 0;
  }

  read(): Buffer[] | undefined {
    if (this.closing) return undefined;
    const peerState = Atomics.load(this.i32, CTRL_STATE(this.side === 0 ? 1 : 0));
    if (peerState === END_DROPPED) {
      this.readArmed = true;
      this.scheduleEvaluate();
      return undefined;
    }
    let m = this.inn.read();
    if (m === undefined) {
      this.readArmed = true;
      if (!this.sleeping && !this.graceOver) {
        // Stay awake a while before parking (park-delay.ts): a writer in the middle of a
        // burst publishes meanwhile and owes no wake (a postMessage, ~8 µs of its time).
        this.parkDelay.start();
        if (peerState !== END_OPEN || this.portClosed) this.scheduleEvaluate();
        return undefined;
      }
      if (!this.sleeping) {
        // Flag first, then look again: a message published before the writer could see
        // the flag is caught by this second look; one published later finds the flag
        // raised, so the writer's flush() wakes us.
        this.inn.setAsleep();
        this.sleeping = true;
        m = this.inn.read();
      }
      if (m === undefined) {
        if (peerState !== END_OPEN || this.portClosed) this.scheduleEvaluate();
        return undefined;
      }
    }
    this.readArmed = false;
    if (this.sleeping && this.inn.cancelAsleep()) this.sleeping = false;
    const msg = m === LARGE_MARKER ? this.takeLarge() : m;
    if (this.inn.claimWriterWake()) this.port.postMessage(WAKE);
    return msg;
  }

  checkWrite(): boolean {
    if (this.closing || this.peerGone()) return false;
    if (this.hasCapacity()) return true;
    // As write(): a "no" arms writeActivated, so a caller that only asked can wait for room.
    this.writeArmed = true;
    this.updateWriterWait();
    if (!this.hasCapacity()) return false;
    this.writeArmed = false;
    return true;
  }

  /**
   * The frames must not be modified after a true return: a message that waits in the
   * overflow queue is copied only when it enters the ring (as LocalPipe never copies).
   */
  write(msg: Buffer[]): boolean {
    if (this.closing || this.peerGone()) return false;
    if (!this.hasCapacity()) {
      this.writeArmed = true;
      this.updateWriterWait();
      if (!this.hasCapacity()) return false;
      this.writeArmed = false;
    }
    this.written = (this.written + 1) | 0;
    if (this.ovfHead < this.ovf.length) this.drainOverflow();
    const bytes = recordBytes(msg);
    if (bytes > this.largeThreshold) {
      const ab = encodeLarge(msg);
      this.port.postMessage(ab, [ab]);
      if (this.ovfHead < this.ovf.length || !this.out.tryWriteMarker()) this.pushOverflow(POSTED);
      return true;
    }
    if (this.ovfHead < this.ovf.length || !this.out.tryWrite(msg, bytes)) this.pushOverflow(msg.slice());
    return true;
  }

  flush(): void {
    if (this.done) return;
    if (this.ovfHead < this.ovf.length) this.drainOverflow();
    this.wakeReader();
  }

  setHighWaterMarks(sendHwm: number, receiveHwm: number): void {
    checkHwm("sendHwm", sendHwm);
    checkHwm("receiveHwm", receiveHwm);
    const receiveChanged = receiveHwm !== this.receiveHwm;
    this.sendHwm = sendHwm;
    this.receiveHwm = receiveHwm;
    this.out.storeSendHwm(sendHwm);
    this.inn.storeReceiveHwm(receiveHwm);
    if (this.done) return;
    // The peer's writer computes its capacity from our RCVHWM: if it waits, let it look.
    if (receiveChanged && this.inn.claimWriterWakeNow()) this.port.postMessage(WAKE);
    if (this.writeArmed) this.scheduleEvaluate();
  }

  /** The socket's `busyPoll`: µs this end keeps looking at an empty ring before it parks. */
  setPollWindow(micros: number): void {
    this.parkDelay.setWindow(micros);
  }

  terminate(lingerMs: number): void {
    if (this.closing) return;
    this.closing = true;
    this.readArmed = false;
    this.writeArmed = false;
    if (lingerMs === 0 || this.portClosed) {
      this.finish(END_DROPPED);
      return;
    }
    this.storeState(this.ovfHead < this.ovf.length ? END_CLOSING : END_FLUSHED);
    // Unconditional: the peer must learn that it will get no more, even if awake.
    this.port.postMessage(WAKE);
    if (lingerMs > 0) this.lingerTimer = setTimeout(() => this.finish(END_DROPPED), lingerMs);
    this.scheduleEvaluate();
  }

  // ---- internals -----------------------------------------------------------------------

  private capacity(): number {
    const peerRcv = this.out.loadReceiveHwm();
    if (this.sendHwm === 0 || peerRcv === 0) return Infinity;
    // Until the peer has opened its end its share is unknown; count ours alone.
    return peerRcv < 0 ? this.sendHwm : this.sendHwm + peerRcv;
  }

  private hasCapacity(): boolean {
    const cap = this.capacity();
    if (cap === Infinity) return true;
    if (((this.written - this.cachedRead) | 0) < cap) return true;
    this.cachedRead = this.out.loadMessagesRead();
    return ((this.written - this.cachedRead) | 0) < cap;
  }

  private peerState(): number {
    return Atomics.load(this.i32, CTRL_STATE(this.side === 0 ? 1 : 0));
  }

  private peerGone(): boolean {
    return this.portClosed || this.peerState() !== END_OPEN;
  }

  private storeState(state: number): void {
    const at = CTRL_STATE(this.side);
    if (Atomics.load(this.i32, at) < state) Atomics.store(this.i32, at, state);
  }

  private pushOverflow(m: Pending): void {
    this.ovf.push(m);
    this.updateWriterWait();
  }

  private drainOverflow(): void {
    const q = this.ovf;
    let head = this.ovfHead;
    while (head < q.length) {
      const m = q[head]!;
      if (!(m === POSTED ? this.out.tryWriteMarker() : this.out.tryWrite(m))) break;
      q[head++] = undefined;
    }
    if (head === q.length) {
      q.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > q.length) {
      q.splice(0, head);
      head = 0;
    }
    this.ovfHead = head;
  }

  private wakeReader(): void {
    if (this.out.readerAsleep() && this.out.claimReaderWake()) this.port.postMessage(WAKE);
  }

  /**
   * Arms (or tightens) the request to be woken by the reader, for whatever this end
   * waits on: capacity (libzmq's low-water mark, so a writer at HWM is woken once per
   * batch, not per message), room in the ring for the overflow (half the ring's
   * messages read), or, while lingering, everything read.
   */
  private updateWriterWait(): void {
    if (this.done) return;
    const read = this.out.loadMessagesRead();
    const ovfLen = this.ovf.length - this.ovfHead;
    const inRing = (this.out.messagesWritten - read) | 0;
    if (ovfLen > 0 && inRing <= 0) {
      // The ring is empty, so the next drain fits (records are at most a quarter ring).
      this.scheduleEvaluate();
      return;
    }
    let delta = Infinity;
    if (this.writeArmed) {
      const cap = this.capacity();
      if (cap !== Infinity) delta = Math.max(1, ((this.written - read) | 0) - lowWater(cap));
    }
    if (ovfLen > 0) delta = Math.min(delta, Math.max(1, Math.ceil(inRing / 2)));
    else if (this.closing && inRing > 0) delta = Math.min(delta, inRing);
    if (delta === Infinity) return;
    const target = (read + delta) | 0;
    const state = this.out.writerWaitState();
    if (state === 2) return; // a wake is on its way; the evaluation it triggers re-arms
    if (state === 1) {
      if (((target - this.waitTarget) | 0) >= 0) return;
      if (!this.out.cancelWriterWait()) return;
    }
    this.waitTarget = target;
    if (this.out.armWriterWait(target) === "reached") this.scheduleEvaluate();
  }

  private takeLarge(): Buffer[] {
    while (this.largeHead >= this.largeIn.length) {
      // The writer posted it before publishing the marker, so it is queued on the port
      // if the port listener has not taken it yet.
      const got = receiveMessageOnPort(this.port);
      if (got === undefined) throw new Error("threadmq internal error: large message missing behind its marker");
      this.accept(got.message, true);
    }
    const ab = this.largeIn[this.largeHead]!;
    this.largeIn[this.largeHead++] = undefined as unknown as ArrayBuffer;
    if (this.largeHead === this.largeIn.length) {
      this.largeIn.length = 0;
      this.largeHead = 0;
    }
    return decodeLarge(ab);
  }

  private accept(m: unknown, fromRead: boolean): void {
    if (m instanceof ArrayBuffer) {
      this.largeIn.push(m);
    } else if (m === WAKE) {
      if (fromRead) queueMicrotask(this.onWake);
      else this.onWake();
    }
  }

  private readonly onMessage = (m: unknown): void => {
    this.accept(m, false);
  };

  private readonly onClose = (): void => {
    this.portClosed = true;
    this.evaluate();
  };

  private readonly onWake = (): void => {
    if (this.inn.ackReaderWake()) this.sleeping = false;
    this.out.ackWriterWake();
    this.evaluate();
  };

  private scheduleEvaluate(): void {
    if (this.evalScheduled || this.done) return;
    this.evalScheduled = true;
    queueMicrotask(() => {
      this.evalScheduled = false;
      this.evaluate();
    });
  }

  /** Re-examines everything after a wake; the only place that calls the sink's activations. */
  private evaluate(): void {
    if (this.done) return;
    const peerState = this.peerState();
    const peerGone = this.portClosed || peerState !== END_OPEN;
    if (this.closing) {
      this.evaluateClosing(peerGone);
      return;
    }
    if (peerGone) {
      this.evaluatePeerGone(peerState);
      return;
    }
    if (this.ovfHead < this.ovf.length) {
      this.drainOverflow();
      this.wakeReader();
    }
    let fireRead = false;
    if (this.readArmed) {
      if (!this.inn.isEmpty()) fireRead = true;
      else if (!this.sleeping && !this.parkDelay.pending) {
        this.inn.setAsleep();
        this.sleeping = true;
        fireRead = !this.inn.isEmpty();
      }
    }
    let fireWrite = false;
    if (this.writeArmed && this.hasCapacity()) {
      fireWrite = true;
      this.writeArmed = false;
    }
    this.updateWriterWait();
    if (fireRead) {
      this.readArmed = false;
      this.sink?.readActivated(this);
    }
    if (fireWrite && !this.closing) this.sink?.writeActivated(this);
  }

  private evaluateClosing(peerGone: boolean): void {
    if (peerGone) {
      // The peer will not read any more (it is closing too, or gone).
      this.finish(END_DROPPED);
      return;
    }
    if (this.ovfHead < this.ovf.length) {
      this.drainOverflow();
      this.wakeReader();
    }
    if (this.ovfHead === this.ovf.length && Atomics.load(this.i32, CTRL_STATE(this.side)) === END_CLOSING) {
      this.storeState(END_FLUSHED);
      this.port.postMessage(WAKE);
    }
    if (this.ovfHead === this.ovf.length && this.outstanding === 0) {
      this.finish(END_FLUSHED);
      return;
    }
    this.updateWriterWait();
  }

  private evaluatePeerGone(peerState: number): void {
    // Our unread messages are lost with the peer; what it wrote is still delivered.
    this.writeArmed = false;
    this.ovf = [];
    this.ovfHead = 0;
    const empty = this.inn.isEmpty();
    if (peerState === END_DROPPED || (empty && (this.portClosed || peerState === END_FLUSHED))) {
      this.finish(END_DROPPED);
      return;
    }
    if (!empty) {
      if (this.readArmed) {
        this.readArmed = false;
        this.sink?.readActivated(this);
      }
      return;
    }
    // Empty, but the peer is still moving its overflow into the ring: sleep until it
    // flushes (it wakes us) or finishes (its port closes).
    if (!this.sleeping) {
      this.inn.setAsleep();
      this.sleeping = true;
      if (!this.inn.isEmpty()) this.scheduleEvaluate();
    }
  }

  private finish(state: number): void {
    if (this.done) return;
    this.done = true;
    this.closing = true;
    this.readArmed = false;
    this.writeArmed = false;
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.storeState(state);
    this.ovf = [];
    this.ovfHead = 0;
    this.largeIn = [];
    this.largeHead = 0;
    // Closing the port tells the peer (its 'close' follows everything we posted) and
    // releases the ref that kept this thread alive.
    this.port.off("message", this.onMessage);
    this.port.close();
    this.deliverTerminated();
  }

  private deliverTerminated(): void {
    queueMicrotask(() => {
      if (this.fired || this.sink === undefined) return;
      this.fired = true;
      this.sink.pipeTerminated(this);
    });
  }
}
