/**
 * ZmtpEngine: one ZMTP 3.1 connection over a byte stream (a node `net.Socket`, or any Duplex):
 * greeting, mechanism handshake, framing, PING/PONG heartbeats, subscriptions, limits
 * (zeromq-reference §5, checklist §5.13).
 *
 * Ownership and threading: the engine owns the stream from construction on (it attaches its
 * listeners, writes, pauses, ends and destroys it); it runs on the thread that made it and calls
 * its host only from stream events, timers or microtasks — never from inside a method the host
 * called (`send`, `resumeInput`, `close`), so hosts need no re-entrancy guards.
 *
 * Lifecycle: greeting → handshake → ready → closed.
 * - On construction we write our whole 64-byte greeting. Once the peer's greeting is accepted we
 *   write our READY at once, without waiting for the peer's READY (§5.7).
 * - `host.handshakeDone(peer)` fires once, before the first `host.message`.
 * - `host.engineClosed(reason)` fires exactly once, always asynchronously, also after `close()`.
 *   After it (in fact from the moment the engine closes) no other host callback fires.
 * - A malformed or hostile peer closes this connection only and is reported via the reason;
 *   nothing is thrown into the caller and the process is never brought down by peer bytes.
 *   Programming errors (bad options, empty message to `send`) throw ZmqError EINVAL synchronously.
 *
 * Outbound flow (backpressure):
 * - `send(frames)` always accepts the message (the engine never drops) and returns `writable`.
 *   Messages are batched and written once per event-loop turn, or once per 'drain' while the
 *   stream is congested: one write (writev via cork/uncork) for many messages.
 * - `writable` is false while the stream waits for 'drain' or once the bytes encoded/queued in
 *   the engine reach `writeHighWaterMark`. The host should then stop pulling messages from its
 *   pipe (the socket's SNDHWM lives there) until `host.drained()`, which fires once after a
 *   `send` returned false (or `writable` was read as false) and room exists again.
 * - Messages sent before the handshake completes are queued and go out right after it, before
 *   anything sent from within `handshakeDone`. If the handshake fails they are discarded.
 *
 * Inbound flow: `host.message` may return `false` to say "my pipe is full": the engine stops
 * delivering and stops reading the stream until `resumeInput()`. Nothing is lost; decoded-but-
 * undelivered bytes stay in the decoder. Heartbeat deadlines are not enforced while paused, since
 * the silence is ours.
 *
 * Subscriptions: outbound, a SUB/XSUB engine turns single-frame [0x01‖topic]/[0x00‖topic]
 * messages into SUBSCRIBE/CANCEL commands for a ZMTP ≥ 3.1 peer and leaves them as message
 * frames for a 3.0 peer. Inbound, a PUB/XPUB engine delivers both forms as the single-frame
 * message [0x01‖topic] / [0x00‖topic]; other types ignore SUBSCRIBE/CANCEL commands.
 *
 * Heartbeats (§5.11): with heartbeatInterval > 0, a PING (ttl = heartbeatTimeToLive/100 ds) goes
 * out every interval after the handshake, and heartbeatTimeout (default: the interval) is armed
 * after each PING unless already armed; any inbound byte disarms it, expiry closes the
 * connection. A PING from the peer is answered with PONG (context echoed, ≤16 bytes); a PING
 * with ttl > 0 arms a ttl*100 ms deadline, likewise disarmed by any inbound byte.
 * handshakeInterval (default 30 s, 0 = none) bounds greeting + handshake. All timers are unref'd
 * and cleared on close.
 *
 * Close: `close()` writes whatever is already encoded, half-closes (FIN) and keeps reading
 * (discarding) until the peer closes too, destroying the stream after `closeTimeout` at the
 * latest. Queued pre-handshake messages are dropped. Faults close abruptly (destroy), except a
 * refused handshake, which first flushes the ERROR command.
 */
import type { Duplex } from "node:stream";
import { ZmqError } from "../errors.js";
import { encodePing, encodePong, type Command } from "./commands.js";
import { Decoder, type DecodedEvent } from "./decoder.js";
import { Encoder } from "./encoder.js";
import { encodeGreeting, GreetingParser, GREETING_SIZE, type PeerGreeting } from "./greeting.js";
import type { HandshakeFailureCause, Mechanism, PeerMetadata } from "./mechanism.js";
import { NullMechanism } from "./mechanisms/null.js";
import { isPublisherType, isSubscriberType, isZmtpSocketType } from "./socket-types.js";

export type { HandshakeFailureCause, PeerMetadata } from "./mechanism.js";

export interface EngineOptions {
  /** Our ZMTP socket type, exact spelling ("DEALER", ...). */
  socketType: string;
  /** Our routing id, announced as Identity by REQ/DEALER/ROUTER (default: empty). */
  routingId?: Buffer | undefined;
  /** True on the accepting (bind) side. NULL ignores it; PLAIN/CURVE will use it. */
  asServer: boolean;
  /** Inbound message limit in bytes, -1 = none (default). See DecoderOptions. */
  maxMessageSize?: number | undefined;
  /** ms between our PINGs after the handshake; 0 = no heartbeats (default). */
  heartbeatInterval?: number | undefined;
  /** ms to wait for any traffic after a PING; -1/undefined = heartbeatInterval. */
  heartbeatTimeout?: number | undefined;
  /** ms the peer should wait for our traffic, sent in PING as ttl/100 ds; 0 = none (default). */
  heartbeatTimeToLive?: number | undefined;
  /** ms allowed for greeting + handshake; 0 = unlimited. Default 30000. */
  handshakeInterval?: number | undefined;
  /** Outbound buffering, in bytes, above which `writable` turns false. Default 256 KiB. */
  writeHighWaterMark?: number | undefined;
  /** ms a graceful close waits for the peer to close before destroying the stream. Default 2000. */
  closeTimeout?: number | undefined;
  /** Application metadata ("X-..." names) for READY. */
  metadata?: ReadonlyMap<string, Buffer> | undefined;
  /** Security mechanism; default a NullMechanism built from the options above. */
  mechanism?: Mechanism | undefined;
}

/** The peer as the handshake revealed it. */
export interface PeerInfo extends PeerMetadata {
  major: number;
  /** Minor version the peer announced (0 = ZMTP 3.0, 1 = 3.1, ...). */
  minor: number;
  mechanism: string;
}

/** Why a connection ended; `detail` is a human-readable account for logs and monitor events. */
export type EngineCloseReason =
  /** `close()` was called. */
  | { kind: "local"; handshakeDone: boolean; detail: string }
  /** The peer ended or reset the connection (EOF, or the stream closed under us). */
  | { kind: "peer-closed"; handshakeDone: boolean; detail: string }
  /** The stream reported an error (ECONNRESET, EPIPE, ...); `code` is the Node error code. */
  | { kind: "stream-error"; handshakeDone: boolean; detail: string; code: string | undefined }
  /** Greeting or handshake refused or timed out; see `cause`. */
  | { kind: "handshake-failed"; handshakeDone: false; cause: HandshakeFailureCause; detail: string }
  /** Malformed traffic after the handshake (bad flags, oversize frame, bad command, ERROR). */
  | { kind: "protocol-error"; handshakeDone: true; detail: string }
  /** heartbeatTimeout after our PING, or the peer's PING ttl, expired in silence. */
  | { kind: "heartbeat-timeout"; handshakeDone: true; detail: string };

export interface EngineHost {
  /** Handshake complete; messages may flow. Fires once, before any `message`. */
  handshakeDone(peer: PeerInfo): void;
  /**
   * One whole inbound message (subscriptions normalised, see the header). Return `false` to pause
   * input until `engine.resumeInput()`; any other return value keeps it flowing.
   */
  message(frames: Buffer[]): boolean | void;
  /** `writable` became true again after a `send` returned false. */
  drained(): void;
  /** The connection is over; fires exactly once, asynchronously. */
  engineClosed(reason: EngineCloseReason): void;
  /** Optional tap: every command received after the handshake (PING, PONG, SUBSCRIBE, ...). */
  commandReceived?(command: Command): void;
}

export type EngineState = "greeting" | "handshake" | "ready" | "closed";

const DEFAULT_HANDSHAKE_INTERVAL = 30_000;
const DEFAULT_WRITE_HWM = 256 * 1024;
const DEFAULT_CLOSE_TIMEOUT = 2_000;

function optionalMs(name: string, value: number | undefined, fallback: number, min = 0): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < min) throw new ZmqError("EINVAL", `engine option ${name} must be a number ≥ ${min}, got ${value}`);
  return Math.floor(value);
}

/** handshake: handshakeInterval; ping: next PING; pong: heartbeatTimeout after our PING;
 *  ttl: the peer's PING ttl; close: graceful-close deadline. */
type TimerName = "handshake" | "ping" | "pong" | "ttl" | "close";

export class ZmtpEngine {
  readonly #stream: Duplex;
  readonly #host: EngineHost;
  readonly #socketType: string;
  readonly #mechanism: Mechanism;
  readonly #heartbeatInterval: number;
  readonly #heartbeatTimeout: number;
  readonly #heartbeatTtl: number;
  readonly #writeHwm: number;
  readonly #closeTimeout: number;

  #state: EngineState = "greeting";
  readonly #greeting: GreetingParser;
  #peerGreeting: PeerGreeting | undefined;
  #peer: PeerInfo | undefined;
  readonly #decoder: Decoder;
  readonly #encoder = new Encoder();
  #preQueue: Buffer[][] = [];
  #preQueueBytes = 0;

  #flushScheduled = false;
  #waitingDrain = false;
  #blocked = false; // a send saw writable === false; owe the host a drained()
  #inputPaused = false;
  #inputEnded = false;
  #pumping = false;
  #inboundChunks = 0; // liveness counter for heartbeat deadlines

  readonly #timers = new Map<TimerName, NodeJS.Timeout>();

  constructor(stream: Duplex, options: EngineOptions, host: EngineHost) {
    if (!isZmtpSocketType(options.socketType)) {
      throw new ZmqError("EINVAL", `engine option socketType ${JSON.stringify(options.socketType)} is not a ZMTP socket type`);
    }
    if (options.routingId !== undefined && options.routingId.length > 255) {
      throw new ZmqError("EINVAL", `routingId is limited to 255 bytes, got ${options.routingId.length}`);
    }
    this.#stream = stream;
    this.#host = host;
    this.#socketType = options.socketType;
    const maxMessageSize = options.maxMessageSize ?? -1;
    if (!Number.isFinite(maxMessageSize)) throw new ZmqError("EINVAL", `engine option maxMessageSize must be a number, got ${maxMessageSize}`);
    this.#heartbeatInterval = optionalMs("heartbeatInterval", options.heartbeatInterval, 0);
    const timeout = options.heartbeatTimeout ?? -1;
    this.#heartbeatTimeout = timeout < 0 ? this.#heartbeatInterval : optionalMs("heartbeatTimeout", timeout, 0);
    this.#heartbeatTtl = optionalMs("heartbeatTimeToLive", options.heartbeatTimeToLive, 0);
    const handshakeInterval = optionalMs("handshakeInterval", options.handshakeInterval, DEFAULT_HANDSHAKE_INTERVAL);
    this.#writeHwm = optionalMs("writeHighWaterMark", options.writeHighWaterMark, DEFAULT_WRITE_HWM, 1);
    this.#closeTimeout = optionalMs("closeTimeout", options.closeTimeout, DEFAULT_CLOSE_TIMEOUT);
    try {
      this.#mechanism =
        options.mechanism ?? new NullMechanism({ socketType: options.socketType, routingId: options.routingId, metadata: options.metadata });
    } catch (err) {
      throw new ZmqError("EINVAL", `engine options rejected: ${(err as Error).message}`);
    }
    this.#greeting = new GreetingParser(this.#mechanism.name);
    this.#decoder = new Decoder({ maxMessageSize });

    stream.on("data", this.#onData);
    stream.on("end", this.#onEnd);
    stream.on("error", this.#onError); // stays attached for good: a late EPIPE must not go unhandled
    stream.on("close", this.#onClose);
    stream.on("drain", this.#onDrain);
    // libzmq sets TCP_NODELAY on every tcp connection; batching is done here instead of by Nagle.
    const maybeNet = stream as Duplex & { setNoDelay?: (on: boolean) => unknown };
    if (typeof maybeNet.setNoDelay === "function") maybeNet.setNoDelay(true);

    if (stream.destroyed) {
      this.#terminate({ kind: "peer-closed", handshakeDone: false, detail: "stream was already destroyed" }, "abort");
      return;
    }
    // libzmq itself can only send the greeting piecewise; sending all 64 bytes at once is fine (§5.2).
    // as-server stays 0 for NULL; libzmq never reads it anyway.
    stream.write(encodeGreeting({ mechanism: this.#mechanism.name, asServer: this.#mechanism.name !== "NULL" && options.asServer }));
    if (handshakeInterval > 0) {
      this.#arm("handshake", handshakeInterval, () => {
        const where = this.#state === "greeting" ? `greeting (${this.#greeting.received} of ${GREETING_SIZE} bytes received)` : `${this.#mechanism.name} handshake`;
        this.#fail({ kind: "handshake-failed", handshakeDone: false, cause: "timeout", detail: `handshake not completed within ${handshakeInterval} ms, stuck in the ${where}` });
      });
    }
  }

  get state(): EngineState {
    return this.#state;
  }

  /** The peer, once the handshake is done. */
  get peer(): PeerInfo | undefined {
    return this.#peer;
  }

  /** Outbound bytes not yet taken by the kernel: encoded, queued before the handshake, or in the stream. */
  get bufferedBytes(): number {
    return this.#encoder.pendingBytes + this.#preQueueBytes + this.#stream.writableLength;
  }

  /**
   * True while the host may keep sending: not closed, the stream is not waiting for 'drain', and
   * fewer than writeHighWaterMark bytes wait in the engine. Reading false here (or getting false
   * from `send`) entitles the host to one `drained()` call once it turns true again.
   */
  get writable(): boolean {
    const ok = this.#isWritable();
    if (!ok && this.#state !== "closed") this.#blocked = true;
    return ok;
  }

  #isWritable(): boolean {
    // The stream's own buffer is bounded by its highWaterMark because we stop writing while it
    // waits for 'drain'; counting it here could leave us waiting for a 'drain' never promised.
    return this.#state !== "closed" && !this.#waitingDrain && this.#encoder.pendingBytes + this.#preQueueBytes < this.#writeHwm;
  }

  /**
   * Queues one whole message (the engine takes ownership of the Buffers). Returns `writable`;
   * after false, wait for `host.drained()`. After close the message is discarded and false returned.
   */
  send(frames: Buffer[]): boolean {
    if (!Array.isArray(frames) || frames.length === 0) throw new ZmqError("EINVAL", "a message needs at least one frame");
    if (this.#state === "closed") return false;
    if (this.#state === "ready") {
      this.#encoder.message(frames);
      this.#scheduleFlush();
    } else {
      this.#preQueue.push(frames);
      for (const f of frames) this.#preQueueBytes += f.length + 9;
    }
    return this.writable;
  }

  /** Resumes delivery after `host.message` returned false. Delivery restarts asynchronously. */
  resumeInput(): void {
    if (!this.#inputPaused || this.#state === "closed") return;
    this.#inputPaused = false;
    queueMicrotask(() => {
      if (this.#state === "closed" || this.#inputPaused) return;
      this.#pump();
      // #pump may have closed us or paused again (narrowing can't see through the call).
      if ((this.#state as EngineState) !== "closed" && !this.#inputPaused) this.#stream.resume();
    });
  }

  /** Graceful close (see the header). Idempotent; `engineClosed({ kind: "local" })` follows. */
  close(): void {
    if (this.#state === "closed") return;
    this.#terminate({ kind: "local", handshakeDone: this.#peer !== undefined, detail: "closed by its owner" }, "graceful");
  }

  // ---- inbound ------------------------------------------------------------------------------

  readonly #onData = (chunk: Buffer | string): void => {
    if (this.#state === "closed") return; // draining after a graceful close
    const bytes = typeof chunk === "string" ? Buffer.from(chunk, "latin1") : chunk;
    this.#inboundChunks++;
    this.#heardFromPeer();
    if (this.#state === "greeting") {
      const step = this.#greeting.feed(bytes);
      if (step.status === "incomplete") return;
      if (step.status === "fault") {
        this.#fail({ kind: "handshake-failed", handshakeDone: false, cause: step.cause === "mechanism" ? "mechanism" : "greeting", detail: step.reason });
        return;
      }
      this.#peerGreeting = step.greeting;
      this.#state = "handshake";
      for (const body of this.#mechanism.start()) this.#encoder.command(body);
      this.#flush();
      this.#decoder.push(step.rest);
    } else {
      this.#decoder.push(bytes);
    }
    this.#pump();
  };

  /** Delivers decoded events until the decoder needs bytes, input is paused, or we closed. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#state !== "closed" && !this.#inputPaused) {
        let ev: DecodedEvent | undefined;
        try {
          ev = this.#decoder.next();
        } catch (err) {
          // The decoder promises not to throw; if it ever does, drop this connection, not the process.
          ev = { kind: "fault", reason: `internal decoder error: ${(err as Error).message}` };
        }
        if (ev === undefined) break;
        this.#handle(ev);
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#inputEnded && !this.#inputPaused && this.#state !== "closed") this.#peerClosed();
  }

  #handle(ev: DecodedEvent): void {
    const handshaking = this.#state !== "ready";
    switch (ev.kind) {
      case "fault":
        if (handshaking) this.#fail({ kind: "handshake-failed", handshakeDone: false, cause: "protocol", detail: ev.reason });
        else this.#fail({ kind: "protocol-error", handshakeDone: true, detail: ev.reason });
        return;
      case "message":
        if (handshaking) {
          this.#fail({ kind: "handshake-failed", handshakeDone: false, cause: "protocol", detail: "message frame received before the handshake completed" });
          return;
        }
        this.#deliver(ev.frames);
        return;
      case "command":
        if (handshaking) this.#handshakeCommand(ev.command);
        else this.#trafficCommand(ev.command);
        return;
    }
  }

  #handshakeCommand(command: Command): void {
    const step = this.#mechanism.onCommand(command);
    for (const body of step.send) this.#encoder.command(body);
    if (step.kind === "continue") {
      this.#flush();
    } else if (step.kind === "failed") {
      this.#terminate({ kind: "handshake-failed", handshakeDone: false, cause: step.cause, detail: step.detail }, step.send.length > 0 ? "graceful" : "abort");
    } else {
      const greeting = this.#peerGreeting!;
      this.#peer = { ...step.peer, major: greeting.major, minor: greeting.minor, mechanism: greeting.mechanism };
      this.#disarm("handshake");
      this.#state = "ready";
      // RFC 37 / §5.3: SUBSCRIBE/CANCEL commands exist from 3.1 on; a 3.0 peer gets 0x01/0x00 frames.
      this.#encoder.subscriptionCommands = isSubscriberType(this.#socketType) && (greeting.major > 3 || greeting.minor >= 1);
      for (const frames of this.#preQueue) this.#encoder.message(frames);
      this.#preQueue = [];
      this.#preQueueBytes = 0;
      this.#host.handshakeDone(this.#peer);
      if (this.#state !== "ready") return; // the host closed us from handshakeDone
      this.#flush();
      if (this.#heartbeatInterval > 0) this.#arm("ping", this.#heartbeatInterval, this.#sendPing);
    }
  }

  #trafficCommand(command: Command): void {
    this.#host.commandReceived?.(command);
    if (this.#state !== "ready") return;
    switch (command.kind) {
      case "ping":
        this.#encoder.command(encodePong(command.context));
        this.#scheduleFlush();
        if (command.ttl > 0) {
          this.#arm("ttl", command.ttl * 100, () => this.#deadline("ttl", `peer PING ttl of ${command.ttl * 100} ms expired without traffic`));
        }
        return;
      case "subscribe":
      case "cancel":
        if (isPublisherType(this.#socketType)) {
          const msg = Buffer.allocUnsafe(1 + command.topic.length);
          msg[0] = command.kind === "subscribe" ? 1 : 0;
          command.topic.copy(msg, 1);
          this.#deliver([msg]);
        }
        return;
      case "error":
        this.#fail({ kind: "protocol-error", handshakeDone: true, detail: `peer sent ERROR after the handshake: ${command.reason}` });
        return;
      default:
        // PONG needs nothing beyond the liveness already noted; READY repeats, JOIN/LEAVE and
        // unknown commands are ignored, as libzmq drops commands it has no use for.
        return;
    }
  }

  #deliver(frames: Buffer[]): void {
    if (this.#host.message(frames) === false && this.#state !== "closed") {
      this.#inputPaused = true;
      this.#stream.pause();
    }
  }

  readonly #onEnd = (): void => {
    if (this.#state === "closed") {
      // The peer answered our graceful close: finish handing our tail to the kernel, then go.
      const stream = this.#stream;
      if (stream.writableFinished) stream.destroy();
      else stream.once("finish", () => stream.destroy());
      return;
    }
    this.#inputEnded = true;
    // While paused the decoder may still hold whole messages: deliver them first (see #pump).
    if (!this.#inputPaused) this.#peerClosed();
  };

  #peerClosed(): void {
    let detail: string;
    if (this.#state === "greeting") detail = `peer closed the connection during the greeting (${this.#greeting.received} of ${GREETING_SIZE} bytes received)`;
    else if (this.#state === "handshake") detail = `peer closed the connection during the ${this.#mechanism.name} handshake`;
    else {
      const lost = this.#decoder.finish();
      detail = lost === undefined ? "peer closed the connection" : `peer closed the connection; ${lost}, partial data dropped`;
    }
    this.#terminate({ kind: "peer-closed", handshakeDone: this.#peer !== undefined, detail }, "abort");
  }

  readonly #onError = (err: Error & { code?: string }): void => {
    if (this.#state === "closed") return;
    this.#terminate({ kind: "stream-error", handshakeDone: this.#peer !== undefined, detail: err.message, code: err.code }, "abort");
  };

  readonly #onClose = (): void => {
    this.#disarm("close");
    if (this.#state === "closed") return;
    this.#terminate({ kind: "peer-closed", handshakeDone: this.#peer !== undefined, detail: "the stream closed" }, "abort");
  };

  // ---- outbound -----------------------------------------------------------------------------

  #scheduleFlush(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    // At the end of this event-loop turn, not the next microtask: a sender that awaits each
    // send yields a microtask per message, and must still get one write for all of them.
    // In a request/reply exchange the reply still leaves in the same turn it was made.
    setImmediate(() => {
      this.#flushScheduled = false;
      if (this.#state !== "closed") this.#flush();
    });
  }

  /** Writes everything encoded in one go, unless the stream asked us to wait for 'drain'. */
  #flush(): void {
    if (!this.#waitingDrain && this.#encoder.pendingBytes > 0) {
      if (!this.#write(this.#encoder.take())) this.#waitingDrain = true;
    }
    if (this.#blocked && this.#isWritable()) {
      this.#blocked = false;
      this.#host.drained();
    }
  }

  /** Writes chunks as one writev when there are several; returns the stream's write() verdict. */
  #write(chunks: Buffer[]): boolean {
    const stream = this.#stream;
    if (stream.destroyed || !stream.writable || chunks.length === 0) return true;
    if (chunks.length === 1) return stream.write(chunks[0]);
    let ok = true;
    stream.cork();
    for (const c of chunks) ok = stream.write(c);
    stream.uncork();
    return ok;
  }

  readonly #onDrain = (): void => {
    this.#waitingDrain = false;
    if (this.#state !== "closed") this.#flush();
  };

  // ---- heartbeats ---------------------------------------------------------------------------

  readonly #sendPing = (): void => {
    if (this.#state !== "ready") return;
    this.#encoder.command(encodePing(this.#heartbeatTtl / 100));
    this.#flush();
    // libzmq arms the timeout only if none is pending: missing PONGs don't push the deadline out.
    if (!this.#timers.has("pong") && this.#heartbeatTimeout > 0) {
      this.#arm("pong", this.#heartbeatTimeout, () =>
        this.#deadline("pong", `no traffic from the peer within heartbeatTimeout ${this.#heartbeatTimeout} ms after our PING`),
      );
    }
    this.#arm("ping", this.#heartbeatInterval, this.#sendPing);
  };

  /** Any inbound byte proves the peer alive (libzmq: any frame). */
  #heardFromPeer(): void {
    this.#disarm("pong");
    this.#disarm("ttl");
  }

  #deadline(which: "pong" | "ttl", detail: string): void {
    if (this.#state !== "ready") return;
    // Timers run before I/O in each loop turn: after a long synchronous stall the peer's bytes may
    // be waiting in the kernel while this fires. Decide only after one more poll phase.
    const seen = this.#inboundChunks;
    setImmediate(() => {
      if (this.#inboundChunks === seen) this.#expire(which, detail);
    }).unref();
  }

  #expire(which: "pong" | "ttl", detail: string): void {
    if (this.#state !== "ready") return;
    if (this.#inputPaused) {
      // We stopped reading, so silence proves nothing; look again one period later.
      const ms = which === "pong" ? this.#heartbeatTimeout : Math.max(this.#heartbeatInterval, 100);
      this.#arm(which, ms, () => this.#deadline(which, detail));
      return;
    }
    this.#fail({ kind: "heartbeat-timeout", handshakeDone: true, detail });
  }

  /** (Re)starts a named, unref'd timer; it forgets itself when it fires. */
  #arm(name: TimerName, ms: number, fn: () => void): void {
    this.#disarm(name);
    const t = setTimeout(() => {
      this.#timers.delete(name);
      fn();
    }, ms);
    t.unref();
    this.#timers.set(name, t);
  }

  #disarm(name: TimerName): void {
    const t = this.#timers.get(name);
    if (t !== undefined) {
      clearTimeout(t);
      this.#timers.delete(name);
    }
  }

  // ---- closing ------------------------------------------------------------------------------

  /** Abrupt close because of the peer or a deadline. */
  #fail(reason: EngineCloseReason): void {
    this.#terminate(reason, "abort");
  }

  #terminate(reason: EngineCloseReason, mode: "graceful" | "abort"): void {
    if (this.#state === "closed") return;
    this.#state = "closed";
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.#preQueue = [];
    this.#preQueueBytes = 0;
    const stream = this.#stream;
    if (mode === "graceful" && !stream.destroyed) {
      this.#write(this.#encoder.take());
      stream.end();
      // Keep reading (and discarding) so the peer's FIN is seen; closing with unread input would
      // make the kernel send RST, which can destroy our own unsent tail.
      if (this.#inputPaused) stream.resume();
      this.#arm("close", this.#closeTimeout, () => stream.destroy());
    } else {
      this.#encoder.take();
      stream.destroy();
    }
    queueMicrotask(() => this.#host.engineClosed(reason));
  }
}
