/**
 * LocalPipe: both ends of a pipe in the same thread (inproc within a thread, and
 * socket <-> tcp/ipc session). Messages are handed over by reference: no copy.
 *
 * Each direction is one `Lane` shared by its writer and reader end. Capacity of a
 * lane = SNDHWM(writer) + RCVHWM(reader), 0 on either side = unlimited, as libzmq's
 * inproc. Sink notifications are deferred to a microtask so they never re-enter the
 * caller of read/write, and each is armed by the call that failed (one per arming).
 */
import { Deque } from "../internal/deque.js";
import type { Pipe, PipeSink } from "./pipe.js";

class Lane {
  readonly queue = new Deque<Buffer[]>();
  writerHwm = 0;
  readerHwm = 0;
  writerClosed = false;
  readerClosed = false;

  get capacity(): number {
    // A negative share means "not known yet" (a connect waiting for its bind): it adds nothing.
    return this.writerHwm === 0 || this.readerHwm === 0 ? Infinity : Math.max(this.writerHwm, 0) + Math.max(this.readerHwm, 0);
  }
}

export interface LocalPipeEndInfo {
  endpoint: string;
  socketType: string | undefined;
  routingId?: Buffer | undefined;
  sendHwm: number;
  receiveHwm: number;
}

export class LocalPipe implements Pipe {
  #sink: PipeSink | undefined;
  #peer!: LocalPipe;
  readonly #in: Lane;
  readonly #out: Lane;
  #readArmed = false;
  #writeArmed = false;
  #closed = false;
  #terminated = false;
  #terminationScheduled = false;
  readonly endpoint: string;
  peerRoutingId: Buffer | undefined;
  peerType: string | undefined;
  endReason: string | undefined;

  private constructor(endpoint: string, inLane: Lane, outLane: Lane) {
    this.endpoint = endpoint;
    this.#in = inLane;
    this.#out = outLane;
  }

  /** Makes a connected pair; `a` describes the first end's owner, `b` the second's. */
  static pair(a: LocalPipeEndInfo, b: LocalPipeEndInfo): [LocalPipe, LocalPipe] {
    const ab = new Lane();
    const ba = new Lane();
    const pa = new LocalPipe(a.endpoint, ba, ab);
    const pb = new LocalPipe(b.endpoint, ab, ba);
    pa.#peer = pb;
    pb.#peer = pa;
    pa.peerRoutingId = b.routingId;
    pa.peerType = b.socketType;
    pb.peerRoutingId = a.routingId;
    pb.peerType = a.socketType;
    pa.setHighWaterMarks(a.sendHwm, a.receiveHwm);
    pb.setHighWaterMarks(b.sendHwm, b.receiveHwm);
    return [pa, pb];
  }

  /** Tells the other end who owns this one, for an end adopted after the pair was made. */
  introduceOwner(owner: Pick<LocalPipeEndInfo, "socketType" | "routingId">): void {
    this.#peer.peerType = owner.socketType;
    this.#peer.peerRoutingId = owner.routingId;
  }

  /** Tells the other end's owner that this end now serves a new connection. */
  hiccup(): void {
    const peer = this.#peer;
    queueMicrotask(() => {
      if (!peer.#terminated) peer.#sink?.pipeHiccuped?.(peer);
    });
  }

  setSink(sink: PipeSink): void {
    this.#sink = sink;
  }

  get terminated(): boolean {
    return this.#terminated;
  }

  get outstanding(): number {
    return this.#out.queue.length;
  }

  setHighWaterMarks(sendHwm: number, receiveHwm: number): void {
    this.#out.writerHwm = sendHwm;
    this.#in.readerHwm = receiveHwm;
    // A larger capacity may unblock a waiting writer on either side.
    if (this.#writeArmed && this.checkWrite()) this.#notifyWrite();
    if (this.#peer.#writeArmed && this.#peer.checkWrite()) this.#peer.#notifyWrite();
  }

  read(): Buffer[] | undefined {
    if (this.#terminated) return undefined;
    const lane = this.#in;
    const msg = lane.queue.shift();
    if (msg === undefined) {
      if (lane.writerClosed) this.#scheduleTermination();
      else this.#readArmed = true;
      return undefined;
    }
    const peer = this.#peer;
    if (peer.#writeArmed && lane.queue.length < lane.capacity) peer.#notifyWrite();
    if (lane.writerClosed && lane.queue.length === 0) {
      // The peer lingers until its last message is read: that moment ends both ends.
      peer.#scheduleTermination();
      this.#scheduleTermination();
    }
    return msg;
  }

  checkWrite(): boolean {
    if (this.#closed || this.#out.readerClosed) return false;
    if (this.#out.queue.length < this.#out.capacity) return true;
    this.#writeArmed = true;
    return false;
  }

  write(msg: Buffer[]): boolean {
    if (!this.checkWrite()) return false;
    this.#out.queue.push(msg);
    return true;
  }

  flush(): void {
    const peer = this.#peer;
    if (peer.#readArmed && this.#out.queue.length > 0) peer.#notifyRead();
  }

  terminate(lingerMs: number, reason?: string): void {
    if (this.#terminated) return;
    if (reason !== undefined) this.#peer.endReason ??= reason;
    const out = this.#out;
    if (!this.#closed) {
      this.#closed = true;
      this.#in.readerClosed = true;
      this.#in.queue.clear();
      out.writerClosed = true;
      // The peer may be waiting to write into us or to read from us: both now resolve.
      const peer = this.#peer;
      if (peer.#writeArmed) peer.#notifyWrite();
    }
    if (lingerMs === 0) out.queue.clear();
    if (out.queue.length === 0) {
      this.#scheduleTermination();
      this.#peer.#scheduleTermination();
    } else if (this.#peer.#readArmed) {
      this.#peer.#notifyRead();
    }
  }

  #notifyRead(): void {
    this.#readArmed = false;
    queueMicrotask(() => {
      if (!this.#terminated) this.#sink?.readActivated(this);
    });
  }

  #notifyWrite(): void {
    this.#writeArmed = false;
    queueMicrotask(() => {
      if (!this.#terminated) this.#sink?.writeActivated(this);
    });
  }

  #scheduleTermination(): void {
    if (this.#terminationScheduled) return;
    this.#terminationScheduled = true;
    if (!this.#closed) {
      // Our peer is gone: stop accepting writes now, keep nothing for a reader.
      this.#closed = true;
      this.#out.writerClosed = true;
      this.#out.queue.clear();
      this.#in.readerClosed = true;
    }
    queueMicrotask(() => {
      this.#terminated = true;
      this.#sink?.pipeTerminated(this);
    });
  }
}
