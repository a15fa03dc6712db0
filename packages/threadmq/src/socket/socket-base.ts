/**
 * SocketBase: what every socket type shares — options, endpoints, the pipe set,
 * and turning the type's non-blocking hooks (`xSend`, `xRecv`) into promises that
 * wait in line. Owned by one thread; never shared.
 *
 * Blocking, as libzmq's socket_base: try the hook; if it would block, the call waits
 * (FIFO, in call order) until a pipe event lets the hook succeed, the timeout expires
 * (EAGAIN), the socket closes (ENOTSOCK) or the context terminates (ETERM).
 * A socket type only implements the x-hooks and composes routing strategies.
 */
import { ZmqError } from "../errors.js";
import { parseEndpoint } from "../endpoint.js";
import { Deque } from "../internal/deque.js";
import { holdThread, releaseThread } from "../internal/keep-alive.js";
import { toMessage, type Message, type MessageLike } from "../message.js";
import { Monitor, type MonitorEvent } from "../monitor.js";
import {
  isOptionName,
  optionDescriptors,
  optionsFor,
  type OptionDescriptor,
  type OptionName,
  type OptionValue,
} from "../options/descriptors.js";
import type { Pipe, PipeSink } from "../pipe/pipe.js";
import type { CommonOptions } from "../options/types.js";
import type { EndpointHandle, SocketCore, Transport } from "../transport/transport.js";
import type { SocketType } from "./socket-type.js";
import { Endpoints } from "./endpoints.js";
import { installSurface } from "./surface.js";

export type { Readable, Writable } from "./surface.js";

/** What a socket needs from its context. */
export interface ContextCore {
  readonly terminating: boolean;
  transport(scheme: "inproc" | "tcp" | "ipc"): Transport;
  socketClosed(socket: SocketBase, lingerDone: Promise<void>): void;
}

/** Counters of what passed through a socket (`sock.stats`). */
export interface SocketStats {
  /** Whole messages accepted by `send`/`trySend`. */
  messagesSent: number;
  /** Whole messages handed to the application. */
  messagesReceived: number;
  /** Messages the pattern discarded: PUB/XPUB at HWM, ROUTER to an unknown or full peer, REP reply to a gone peer. */
  messagesDropped: number;
  /** Inbound messages discarded because they did not fit the pattern (REQ: wrong peer or envelope). */
  messagesDiscarded: number;
}

interface SendWaiter {
  msg: Message;
  resolve(): void;
  reject(error: ZmqError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface ReceiveWaiter {
  resolve(msg: Message): void;
  reject(error: ZmqError): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const RESOLVED = Promise.resolve();

export abstract class SocketBase implements PipeSink, SocketCore {
  /** The socket type, e.g. `"DEALER"`. */
  readonly type: SocketType;
  readonly #context: ContextCore;
  readonly #options = new Map<OptionName, OptionValue>();
  readonly #pipes = new Set<Pipe>();
  readonly #endpoints = new Endpoints();
  readonly #sendWaiters = new Deque<SendWaiter>();
  readonly #receiveWaiters = new Deque<ReceiveWaiter>();
  readonly #readinessListeners = new Set<() => void>();
  #monitor: Monitor | undefined;
  #closed = false;
  /** Copied from the context when it terminates, so the hot path checks a field. */
  #terminating = false;
  #lingerDone: (() => void) | undefined;
  #lingerTimer: ReturnType<typeof setTimeout> | undefined;
  #lastEndpoint: string | undefined;
  readonly #stats: SocketStats = { messagesSent: 0, messagesReceived: 0, messagesDropped: 0, messagesDiscarded: 0 };

  protected constructor(context: ContextCore, type: SocketType, options: object | undefined) {
    this.#context = context;
    this.type = type;
    for (const name of optionsFor(type)) this.#options.set(name, optionDescriptors[name].defaultFor(type));
    if (options !== undefined) {
      if (typeof options !== "object" || options === null) {
        throw new ZmqError("EINVAL", `socket options must be an object, got ${String(options)}`);
      }
      for (const [name, value] of Object.entries(options)) this.#setOption(name, value);
    }
  }

  // ---- hooks for socket types ----------------------------------------------------

  /** A new pipe joined; register it with the type's strategies. */
  protected abstract xAttachPipe(pipe: Pipe): void;
  /** A pipe ended; forget it. */
  protected abstract xPipeTerminated(pipe: Pipe): void;
  /** A pipe reconnected (tcp/ipc): state the peer kept per connection must be sent again. */
  protected xHiccuped(_pipe: Pipe): void {}
  /** A pipe that had nothing to read has a message now. */
  protected xReadActivated(_pipe: Pipe): void {}
  /** A pipe that was full has room now. */
  protected xWriteActivated(_pipe: Pipe): void {}
  /** Sends one whole message: true if accepted (or dropped by the pattern), false if it would block. */
  protected xSend(_msg: Message): boolean {
    throw new ZmqError("ENOTSUP", `${this.type} sockets cannot send`);
  }
  /** Takes one whole message for the application, or undefined if none is ready. */
  protected xRecv(): Message | undefined {
    throw new ZmqError("ENOTSUP", `${this.type} sockets cannot receive`);
  }
  /** True when a receive would succeed now (for Poller). */
  protected abstract xHasIn(): boolean;
  /** True when a send would not block now (for Poller). */
  protected abstract xHasOut(): boolean;
  /** An option changed after construction. */
  protected xOptionChanged(_name: OptionName): void {}
  /** Whether this type can send / receive at all (ENOTSUP otherwise). */
  protected abstract readonly canSend: boolean;
  protected abstract readonly canReceive: boolean;

  // ---- helpers for socket types ------------------------------------------------

  /** Counts a message the pattern dropped on purpose. */
  protected countDropped(): void {
    this.#stats.messagesDropped++;
  }

  /** Counts an inbound message discarded for not fitting the pattern. */
  protected countDiscarded(): void {
    this.#stats.messagesDiscarded++;
  }

  /** True while calls are waiting to send; lockstep types use it to keep call order. */
  protected get sendsPending(): boolean {
    return this.#sendWaiters.length > 0;
  }

  /** True while calls are waiting to receive; lockstep types use it to keep call order. */
  protected get receivesPending(): boolean {
    return this.#receiveWaiters.length > 0;
  }

  /** Re-runs waiting calls after a state change that a pipe event did not signal. */
  protected stateChanged(): void {
    this.#pump();
  }

  // ---- options --------------------------------------------------------------

  /** @internal Current value of an option. */
  option(name: OptionName): OptionValue {
    return this.#options.get(name);
  }

  protected get options(): ReadonlyMap<OptionName, OptionValue> {
    return this.#options;
  }

  #setOption(name: string, value: unknown): void {
    if (!isOptionName(name)) {
      throw new ZmqError("EINVAL", `unknown option "${name}" for a ${this.type} socket`);
    }
    if (!this.#options.has(name)) {
      throw new ZmqError("EINVAL", `option "${name}" does not apply to ${this.type} sockets`);
    }
    this.#options.set(name, (optionDescriptors[name] as OptionDescriptor).parse(value, name));
  }

  /** @internal Sets an option through its property accessor. */
  setOptionValue(name: string, value: unknown): void {
    this.#setOption(name, value);
    if (name === "sendHighWaterMark" || name === "receiveHighWaterMark") {
      for (const pipe of this.#pipes) pipe.setHighWaterMarks(this.#hwm("sendHighWaterMark"), this.#hwm("receiveHighWaterMark"));
    }
    if (name === "busyPoll") for (const pipe of this.#pipes) pipe.setPollWindow?.(this.#options.get("busyPoll") as number);
    this.xOptionChanged(name as OptionName);
    this.#pump();
  }

  #hwm(name: "sendHighWaterMark" | "receiveHighWaterMark"): number {
    return this.#options.get(name) as number;
  }

  // ---- state ----------------------------------------------------------------

  /** True after `close()`. */
  get closed(): boolean {
    return this.#closed;
  }

  /** @internal True once the context is terminating. */
  get terminating(): boolean {
    return this.#terminating;
  }

  /** The endpoint of the last successful bind or connect, with any port 0 resolved. */
  get lastEndpoint(): string | undefined {
    return this.#lastEndpoint;
  }

  /** Counters: messages sent, received, dropped by the pattern, discarded on arrival. */
  get stats(): Readonly<SocketStats> {
    return { ...this.#stats };
  }

  /** Monitor events for this socket, as an async iterable. Buffering starts on first access. */
  get events(): Monitor {
    if (!this.#monitor) {
      this.#monitor = new Monitor().enable();
      if (this.#closed) this.#monitor.end();
    }
    return this.#monitor;
  }

  /** @internal */
  emit(event: MonitorEvent): void {
    this.#monitor?.emit(event);
  }

  /** True if a message can be received now without waiting. */
  get readable(): boolean {
    return !this.#closed && this.canReceive && this.xHasIn();
  }

  /** True if a message can be sent now without waiting. */
  get writable(): boolean {
    return !this.#closed && this.canSend && this.#sendWaiters.length === 0 && this.xHasOut();
  }

  /** @internal Poller: called after any pipe event until removed. */
  onReadiness(listener: () => void): () => void {
    this.#readinessListeners.add(listener);
    return () => this.#readinessListeners.delete(listener);
  }

  #checkUsable(): void {
    if (this.#closed) throw new ZmqError("ENOTSOCK", `this ${this.type} socket is closed`);
    if (this.#terminating) throw new ZmqError("ETERM", "the context was terminated");
  }

  // ---- endpoints -------------------------------------------------------------

  /**
   * Binds to an endpoint (`inproc://name`, `tcp://host:port`, `tcp://*:0`, `ipc:///path`).
   * Resolves once listening; `lastEndpoint` then tells the resolved address.
   */
  bind(endpoint: string): Promise<void> {
    this.#checkUsable();
    // Argument errors throw here, synchronously; conditions of the moment (EADDRINUSE) reject.
    return this.#bind(endpoint, parseEndpoint(endpoint));
  }

  async #bind(endpoint: string, parsed: ReturnType<typeof parseEndpoint>): Promise<void> {
    const handle = await this.#context.transport(parsed.scheme).bind(this, parsed);
    if (this.#closed) {
      handle.close();
      throw new ZmqError("ENOTSOCK", `this ${this.type} socket was closed while binding ${endpoint}`);
    }
    this.#endpoints.add("bind", endpoint, handle);
    this.#lastEndpoint = handle.address;
    this.emit({ type: "bind", address: handle.address });
  }

  /**
   * Connects to an endpoint. Returns at once; the connection is made (and remade)
   * in the background, and works before the peer binds, as in libzmq.
   */
  connect(endpoint: string): void {
    this.#checkUsable();
    const parsed = parseEndpoint(endpoint);
    if (parsed.scheme === "tcp" && parsed.port === "*") {
      throw new ZmqError("EINVAL", `cannot connect to a wildcard port in "${endpoint}"; give the port number`);
    }
    const handle = this.#context.transport(parsed.scheme).connect(this, parsed);
    this.#endpoints.add("connect", endpoint, handle);
    this.#lastEndpoint = handle.address;
  }

  /** Stops listening on an endpoint given to `bind` (or its resolved `lastEndpoint`) and ends its connections. */
  unbind(endpoint: string): Promise<void> {
    this.#checkUsable();
    this.#dropBinding("bind", endpoint);
    return RESOLVED;
  }

  /** Ends a connection made by `connect`. */
  disconnect(endpoint: string): void {
    this.#checkUsable();
    this.#dropBinding("connect", endpoint);
  }

  #dropBinding(kind: "bind" | "connect", endpoint: string): void {
    parseEndpoint(endpoint);
    const linger = this.#options.get("linger") as number;
    for (const pipe of this.#endpoints.remove(kind, endpoint)) pipe.terminate(linger);
  }

  // ---- pipes -------------------------------------------------------------------

  /** @internal A transport made a pipe for us. */
  attachPipe(pipe: Pipe, origin: EndpointHandle): void {
    if (this.#closed) {
      pipe.terminate(0);
      return;
    }
    pipe.setSink(this);
    pipe.setHighWaterMarks(this.#hwm("sendHighWaterMark"), this.#hwm("receiveHighWaterMark"));
    pipe.setPollWindow?.(this.#options.get("busyPoll") as number);
    this.#pipes.add(pipe);
    this.#endpoints.pipeAdded(pipe, origin);
    this.xAttachPipe(pipe);
    this.#pump();
  }

  /** @internal */
  readActivated(pipe: Pipe): void {
    if (!this.#pipes.has(pipe)) return;
    this.xReadActivated(pipe);
    this.#pump();
  }

  /** @internal */
  pipeHiccuped(pipe: Pipe): void {
    if (!this.#pipes.has(pipe)) return;
    this.xHiccuped(pipe);
    this.#pump();
  }

  /** @internal */
  writeActivated(pipe: Pipe): void {
    if (!this.#pipes.has(pipe)) return;
    this.xWriteActivated(pipe);
    this.#pump();
  }

  /** @internal */
  pipeTerminated(pipe: Pipe): void {
    if (!this.#pipes.delete(pipe)) return;
    const origin = this.#endpoints.pipeRemoved(pipe);
    this.xPipeTerminated(pipe);
    // A pipe ended with a reason was reported by its transport when the connection was lost.
    if (!this.#closed && origin && pipe.endReason === undefined) this.emit({ type: "disconnect", address: origin.address });
    if (this.#closed) {
      if (this.#pipes.size === 0) this.#finishLinger();
    } else {
      this.#pump();
    }
  }

  /** Number of live pipes (peers). */
  protected get pipeCount(): number {
    return this.#pipes.size;
  }

  // ---- send / receive ------------------------------------------------------------

  /** @internal Implementation of the public `send`. */
  sendMessage(value: MessageLike): Promise<void> {
    this.#checkUsable();
    if (!this.canSend) throw new ZmqError("ENOTSUP", `${this.type} sockets cannot send`);
    const msg = toMessage(value);
    if (this.#sendWaiters.length === 0) {
      try {
        if (this.#trySendNow(msg)) return RESOLVED;
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#wait<void>(this.#sendWaiters, "sendTimeout", "send", (resolve, reject) => ({ msg, resolve, reject, timer: undefined }));
  }

  /** @internal Implementation of the public `trySend`. */
  trySendMessage(value: MessageLike): boolean {
    this.#checkUsable();
    if (!this.canSend) throw new ZmqError("ENOTSUP", `${this.type} sockets cannot send`);
    const msg = toMessage(value);
    // Never overtake callers already waiting in line.
    if (this.#sendWaiters.length > 0) return false;
    return this.#trySendNow(msg);
  }

  #trySendNow(msg: Message): boolean {
    if (!this.xSend(msg)) return false;
    this.#stats.messagesSent++;
    return true;
  }

  /** @internal Implementation of the public `receive`. */
  receiveMessage(): Promise<Message> {
    this.#checkUsable();
    if (!this.canReceive) throw new ZmqError("ENOTSUP", `${this.type} sockets cannot receive`);
    if (this.#receiveWaiters.length === 0) {
      try {
        const msg = this.#tryReceiveNow() ?? this.#spinReceive();
        if (msg) return Promise.resolve(msg);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return this.#wait<Message>(this.#receiveWaiters, "receiveTimeout", "receive", (resolve, reject) => ({ resolve, reject, timer: undefined }));
  }

  /**
   * Puts a call in line until the pump serves it, its timeout expires (EAGAIN) or the socket
   * closes; a waiting call keeps the thread alive.
   */
  #wait<T>(
    queue: Deque<SendWaiter | ReceiveWaiter>,
    option: "sendTimeout" | "receiveTimeout",
    verb: "send" | "receive",
    make: (resolve: (value: T) => void, reject: (error: ZmqError) => void) => SendWaiter | ReceiveWaiter,
  ): Promise<T> {
    const timeout = this.#options.get(option) as number;
    if (timeout === 0) return Promise.reject(new ZmqError("EAGAIN", `this ${this.type} socket cannot ${verb} now (${option} is 0)`));
    return new Promise<T>((resolve, reject) => {
      const waiter = make(resolve, reject);
      if (timeout > 0) {
        waiter.timer = setTimeout(() => {
          queue.remove(waiter);
          releaseThread();
          reject(new ZmqError("EAGAIN", `${this.type} ${verb} timed out after ${timeout} ms (${option})`));
        }, timeout);
      }
      holdThread();
      queue.push(waiter);
    });
  }

  /** @internal Implementation of the public `tryReceive`. */
  tryReceiveMessage(): Message | undefined {
    this.#checkUsable();
    if (!this.canReceive) throw new ZmqError("ENOTSUP", `${this.type} sockets cannot receive`);
    if (this.#receiveWaiters.length > 0) return undefined;
    return this.#tryReceiveNow();
  }

  #tryReceiveNow(): Message | undefined {
    let msg = this.xRecv();
    if (msg === undefined) return undefined;
    if (this.#options.get("conflate") === true) {
      // ZMQ_CONFLATE: only the newest queued message counts; older ones are discarded.
      for (let newer = this.xRecv(); newer !== undefined; newer = this.xRecv()) {
        this.#stats.messagesDiscarded++;
        msg = newer;
      }
    }
    this.#stats.messagesReceived++;
    return msg;
  }

  /** Opt-in busy poll: spin up to `busyPoll` µs before going to sleep on an empty socket. */
  #spinReceive(): Message | undefined {
    const micros = this.#options.get("busyPoll") as number;
    if (micros === 0) return undefined;
    const deadline = performance.now() + micros / 1000;
    // Reading the clock costs more than looking at an empty pipe: look 16 times per reading.
    for (;;) {
      for (let i = 0; i < 16; i++) {
        const msg = this.#tryReceiveNow();
        if (msg) return msg;
      }
      if (performance.now() >= deadline) return undefined;
    }
  }

  /** Serves waiting calls in order for as long as the hooks let them through. */
  #pump(): void {
    let progress = true;
    while (progress) {
      progress = false;
      while (this.#sendWaiters.length > 0) {
        const waiter = this.#sendWaiters.peek()!;
        let sent: boolean;
        try {
          sent = this.#trySendNow(waiter.msg);
        } catch (error) {
          this.#sendWaiters.shift();
          this.#settle(waiter);
          waiter.reject(error as ZmqError);
          progress = true;
          continue;
        }
        if (!sent) break;
        this.#sendWaiters.shift();
        this.#settle(waiter);
        waiter.resolve();
        progress = true;
      }
      while (this.#receiveWaiters.length > 0) {
        let msg: Message | undefined;
        const waiter = this.#receiveWaiters.peek()!;
        try {
          msg = this.#tryReceiveNow();
        } catch (error) {
          this.#receiveWaiters.shift();
          this.#settle(waiter);
          waiter.reject(error as ZmqError);
          progress = true;
          continue;
        }
        if (msg === undefined) break;
        this.#receiveWaiters.shift();
        this.#settle(waiter);
        waiter.resolve(msg);
        progress = true;
      }
    }
    for (const listener of this.#readinessListeners) listener();
  }

  #settle(waiter: SendWaiter | ReceiveWaiter): void {
    if (waiter.timer !== undefined) clearTimeout(waiter.timer);
    releaseThread();
  }

  #rejectAll(error: () => ZmqError): void {
    for (const waiter of this.#sendWaiters.clear()) {
      this.#settle(waiter);
      waiter.reject(error());
    }
    for (const waiter of this.#receiveWaiters.clear()) {
      this.#settle(waiter);
      waiter.reject(error());
    }
  }

  // ---- lifecycle ---------------------------------------------------------------

  /** @internal The context is terminating: blocked calls fail with ETERM. */
  contextTerminating(): void {
    this.#terminating = true;
    this.#rejectAll(() => new ZmqError("ETERM", "the context was terminated"));
    for (const listener of this.#readinessListeners) listener();
  }

  /**
   * Closes the socket. Unread inbound messages are discarded; outbound messages already
   * queued are still delivered for up to `linger` ms. Waiting calls reject with ENOTSOCK.
   * Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#rejectAll(() => new ZmqError("ENOTSOCK", `the ${this.type} socket was closed while the call was waiting`));
    this.#endpoints.closeAll();
    const linger = this.#options.get("linger") as number;
    const lingerDone = new Promise<void>((resolve) => (this.#lingerDone = resolve));
    if (this.#pipes.size === 0) this.#finishLinger();
    else {
      if (linger > 0) {
        this.#lingerTimer = setTimeout(() => {
          for (const pipe of this.#pipes) pipe.terminate(0);
        }, linger);
      }
      for (const pipe of [...this.#pipes]) pipe.terminate(linger);
    }
    this.#monitor?.emit({ type: "close", address: this.#lastEndpoint ?? "" });
    this.#monitor?.end();
    for (const listener of this.#readinessListeners) listener();
    this.#context.socketClosed(this, lingerDone);
  }

  /** @internal The context gives up waiting for linger. */
  abandonLinger(): void {
    for (const pipe of [...this.#pipes]) pipe.terminate(0);
  }

  #finishLinger(): void {
    if (this.#lingerTimer !== undefined) clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    this.#lingerDone?.();
    this.#lingerDone = undefined;
  }

  /** Closes the socket (`await using sock = ctx.socket(...)`). */
  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal Poller readiness. */
  hasIn(): boolean {
    return !this.#closed && this.canReceive && this.xHasIn();
  }

  /** @internal Poller readiness. */
  hasOut(): boolean {
    return !this.#closed && this.canSend && this.#sendWaiters.length === 0 && this.xHasOut();
  }
}

export interface SocketBase extends CommonOptions {}

installSurface(SocketBase.prototype);
