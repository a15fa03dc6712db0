/**
 * The worker side: `serve(handler)` connects a DEALER to the pool's backend, announces
 * READY with its credits, and runs the tasks it is sent.
 *
 * The same module works as a thread the pool spawned (inproc; the endpoint and context
 * come from the pool's boot message), as a thread you start yourself (pass `endpoint` and
 * `context`), or as a process or on another host (`endpoint: "tcp://..."`, or the
 * THREADMQ_POOL_ENDPOINT environment variable).
 *
 * Hot path: messages are drained with tryReceive, a batch of tasks runs, and all results
 * produced meanwhile leave as one DONE message; one promise per wake-up, not per task.
 */
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { serialize } from "node:v8";
import { isMainThread, receiveMessageOnPort, threadId, type MessagePort } from "node:worker_threads";
import { decode, encode, noSharingError } from "./codec.js";
import { Context, type Dealer } from "threadmq";
import { Deque } from "./deque.js";
import { encodeThrown } from "./errors.js";
import {
  CMD_ABORT,
  CMD_PING,
  CMD_STOP,
  CMD_TASKS,
  CMD_TASKS_SHARED,
  CMD_WHO,
  CONCURRENCY_ENV,
  DONE_ENTRY_BYTES,
  ENDPOINT_ENV,
  PROTOCOL_VERSION,
  STATUS_OK,
  STATUS_OK_FRAME,
  STATUS_THROWN,
  frameBye,
  frameDone,
  frameDoneShared,
  frameReady,
  type BootMessage,
  type ReadyInfo,
} from "./protocol.js";

/** What a handler gets besides the task. */
export interface TaskContext {
  /** Aborted when the caller's AbortSignal fires (or the pool is destroyed) while the task runs. */
  readonly signal: AbortSignal;
  /** The pool's id of this task (unique per pool while it runs). */
  readonly taskId: number;
}

/** A task handler: returns the result, or a promise of it; what it throws rejects the task. */
export type Handler<T = any, R = any> = (task: T, context: TaskContext) => R | PromiseLike<R>;

export interface ServeOptions {
  /**
   * The pool's backend endpoint. Default: the pool's own (in a thread it spawned), else
   * the THREADMQ_POOL_ENDPOINT environment variable.
   */
  endpoint?: string;
  /** Context for the socket. Default: the attached one (pool threads), else a new one that serve() owns. */
  context?: Context;
  /** Tasks run at once (useful for async handlers). Default: the pool's concurrentTasksPerWorker, or 1. */
  concurrency?: number;
  /** Routing id to announce. Default: the pool's name for its threads, a random one otherwise. */
  routingId?: string;
}

/** A running worker; `closed` settles when it stopped (the pool closed it, or close()). */
export interface Server {
  readonly closed: Promise<void>;
  /** Finishes the tasks it holds, tells the pool it leaves, and closes. */
  close(): Promise<void>;
}

interface GlobalState {
  boot?: BootMessage;
  served?: boolean;
}

/** Shared with the bootstrap even if two copies of this module were loaded. */
export const globalState: GlobalState = ((globalThis as Record<symbol, GlobalState>)[Symbol.for("threadmq.pool.worker")] ??= {});

class TaskInfo implements TaskContext {
  readonly taskId: number;
  #controller: AbortController | undefined;
  #abortReason: unknown;
  #aborted = false;

  constructor(taskId: number) {
    this.taskId = taskId;
  }

  // Made on first use: an AbortController per task is costly and most handlers never look.
  get signal(): AbortSignal {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }
}

interface Pending {
  id: number;
  value: unknown;
  info: TaskInfo | undefined;
  aborted: boolean;
}

const FLUSH_EVERY = 32;
const FLUSH_AFTER_MS = 0.05;
const emptyFrame = Buffer.alloc(0);

const abortReason = () => new DOMException("The task was aborted by its caller", "AbortError");

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === "object" || typeof value === "function") && typeof (value as PromiseLike<unknown>).then === "function";
}

class WorkerServer implements Server {
  readonly closed: Promise<void>;
  readonly #socket: Dealer;
  readonly #handler: Handler;
  readonly #concurrency: number;
  readonly #ownedContext: Context | undefined;
  /** Received, not started. */
  readonly #queue = new Deque<Pending>();
  /** Started, not finished (async handlers). */
  readonly #running = new Map<number, Pending>();
  #syncRunning = 0;
  // Results waiting to be sent: header entries, primitive results (cloned in one go at
  // flush), and object results or thrown values (serialized when they happen, so a handler
  // that reuses a returned object cannot change a result after the fact).
  #outHeader = Buffer.allocUnsafe(DONE_ENTRY_BYTES * 64);
  #outCount = 0;
  /** When the oldest unsent result's task started. */
  #firstUnsent = 0;
  #outInline: unknown[] = [];
  #outFrames: Buffer[] = [];
  /** Per entry of #outFrames: the shared memory it refers to (threads of the pool only). */
  #outShared: (SharedArrayBuffer[] | null)[] | undefined;
  readonly #side: MessagePort | undefined;
  #flushScheduled = false;
  #stopping = false;
  #done = false;
  #resolveClosed!: () => void;

  constructor(handler: Handler, socket: Dealer, concurrency: number, ownedContext: Context | undefined, side: MessagePort | undefined) {
    this.#handler = handler;
    this.#side = side;
    this.#socket = socket;
    this.#concurrency = concurrency;
    this.#ownedContext = ownedContext;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#announce();
    void this.#loop();
  }

  get #held(): number {
    return this.#queue.length + this.#running.size + this.#syncRunning;
  }

  #announce(): void {
    const info: ReadyInfo = {
      protocol: PROTOCOL_VERSION,
      concurrency: this.#concurrency,
      busy: this.#held,
      pid: process.pid,
      threadId,
      hostname: hostname(),
    };
    this.#send([frameReady, serialize(info)]);
  }

  #send(frames: Buffer[]): void {
    if (this.#done) return;
    try {
      if (!this.#socket.trySend(frames)) this.#socket.send(frames).catch(() => {});
    } catch {
      // Socket closed or context terminated: the loop ends on its own.
    }
  }

  async #loop(): Promise<void> {
    const socket = this.#socket;
    try {
      for (;;) {
        let msg = socket.tryReceive();
        if (msg === undefined) {
          this.#flush();
          if (this.#stopping && this.#held === 0) break;
          msg = await socket.receive();
        }
        do {
          this.#onMessage(msg);
          if (this.#done) return;
        } while ((msg = socket.tryReceive()) !== undefined);
        this.#pump();
      }
    } catch {
      // ENOTSOCK / ETERM: closed under us.
    }
    await this.#finish();
  }

  #onMessage(msg: Buffer[]): void {
    const command = msg[0]?.[0];
    switch (command) {
      case CMD_TASKS:
      case CMD_TASKS_SHARED: {
        const header = msg[1]!;
        const n = header.length >>> 2;
        let values: unknown[];
        try {
          const shared = command === CMD_TASKS_SHARED && this.#side ? (receiveMessageOnPort(this.#side)?.message as SharedArrayBuffer[]) : undefined;
          values = decode(msg[2]!, shared) as unknown[];
        } catch (error) {
          for (let i = 0; i < n; i++) this.#thrown(header.readUInt32LE(i * 4), error, 0);
          break;
        }
        for (let i = 0; i < n; i++) {
          this.#queue.push({ id: header.readUInt32LE(i * 4), value: values[i], info: undefined, aborted: false });
        }
        break;
      }
      case CMD_ABORT: {
        const header = msg[1]!;
        for (let i = 0; i < header.length; i += 4) this.#abort(header.readUInt32LE(i));
        break;
      }
      case CMD_STOP:
        this.#stopping = true;
        break;
      case CMD_WHO:
        this.#announce();
        break;
      case CMD_PING:
      default:
        break;
    }
  }

  #abort(id: number): void {
    const running = this.#running.get(id);
    if (running) {
      running.aborted = true;
      running.info?.abort(abortReason());
      return;
    }
    this.#queue.forEach((pending) => {
      if (pending.id === id) pending.aborted = true;
    });
  }

  /** Starts queued tasks while below the concurrency. Sync handlers finish inline. */
  #pump(): void {
    const queue = this.#queue;
    while (queue.length > 0 && this.#running.size < this.#concurrency) {
      const task = queue.shift()!;
      if (task.aborted) {
        // Cancelled before it started: the caller was answered already; return the credit.
        this.#thrown(task.id, abortReason(), 0);
        continue;
      }
      this.#start(task);
      // Hand results over in slices (by count, or as soon as a task took a while), so the
      // pool works on them, and sends more, while we go on.
      if (this.#outCount >= FLUSH_EVERY || (this.#outCount > 0 && performance.now() - this.#firstUnsent > FLUSH_AFTER_MS)) this.#flush();
    }
  }

  #start(task: Pending): void {
    const started = performance.now();
    let value: unknown;
    try {
      const info = new TaskInfo(task.id);
      task.info = info;
      const input = task.value;
      task.value = undefined;
      this.#syncRunning++;
      try {
        value = this.#handler(input, info);
      } finally {
        this.#syncRunning--;
      }
    } catch (error) {
      this.#thrown(task.id, error, performance.now() - started);
      return;
    }
    if (isThenable(value)) {
      this.#running.set(task.id, task);
      Promise.resolve(value).then(
        (result) => this.#asyncDone(task, started, true, result),
        (error) => this.#asyncDone(task, started, false, error),
      );
      return;
    }
    this.#ok(task.id, value, performance.now() - started);
  }

  #asyncDone(task: Pending, started: number, ok: boolean, value: unknown): void {
    this.#running.delete(task.id);
    if (ok) this.#ok(task.id, value, performance.now() - started);
    else this.#thrown(task.id, value, performance.now() - started);
    this.#pump();
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      queueMicrotask(() => {
        this.#flushScheduled = false;
        this.#flush();
        if (this.#stopping && this.#held === 0 && !this.#done) void this.#finish();
      });
    }
  }

  #ok(id: number, value: unknown, ms: number): void {
    if (value === null || (typeof value !== "object" && typeof value !== "function")) {
      this.#entry(id, STATUS_OK, ms);
      this.#outInline.push(value);
      return;
    }
    let encoded: { bytes: Buffer; shared: SharedArrayBuffer[] };
    try {
      encoded = encode(value);
      if (encoded.shared.length > 0 && !this.#side) throw noSharingError();
    } catch (error) {
      this.#thrown(id, error, ms);
      return;
    }
    this.#entry(id, STATUS_OK_FRAME, ms);
    if (encoded.shared.length > 0) {
      this.#outShared ??= [];
      this.#outShared[this.#outFrames.length] = encoded.shared;
    }
    this.#outFrames.push(encoded.bytes);
  }

  #thrown(id: number, error: unknown, ms: number): void {
    this.#entry(id, STATUS_THROWN, ms);
    this.#outFrames.push(encodeThrown(error));
  }

  #entry(id: number, status: number, ms: number): void {
    if (this.#outCount === 0) this.#firstUnsent = performance.now() - ms;
    const at = this.#outCount * DONE_ENTRY_BYTES;
    if (at + DONE_ENTRY_BYTES > this.#outHeader.length) {
      const bigger = Buffer.allocUnsafe(this.#outHeader.length * 2);
      this.#outHeader.copy(bigger, 0, 0, at);
      this.#outHeader = bigger;
    }
    const header = this.#outHeader;
    header.writeUInt32LE(id, at);
    header.writeUInt32LE(status, at + 4);
    header.writeDoubleLE(ms, at + 8);
    this.#outCount++;
  }

  #flush(): void {
    const n = this.#outCount;
    if (n === 0) return;
    // The header buffer is reused: hand the socket a copy of the used part.
    const header = Buffer.from(this.#outHeader.subarray(0, n * DONE_ENTRY_BYTES));
    // Primitives only, so this cannot fail.
    const inline = this.#outInline.length > 0 ? encode(this.#outInline).bytes : emptyFrame;
    let command = frameDone;
    if (this.#outShared) {
      // Posted before the message that refers to it is written (see codec.ts).
      const lists = Array.from(this.#outFrames, (_, i) => this.#outShared![i] ?? null);
      this.#side!.postMessage(lists);
      this.#outShared = undefined;
      command = frameDoneShared;
    }
    const frames = [command, header, inline];
    for (const frame of this.#outFrames) frames.push(frame);
    this.#outCount = 0;
    this.#outInline = [];
    this.#outFrames = [];
    this.#send(frames);
  }

  async #finish(): Promise<void> {
    if (this.#done) return;
    this.#flush();
    if (!this.#stopping) this.#send([frameBye]);
    this.#done = true;
    // Queued results still reach the pool (linger), then the socket goes.
    this.#socket.close();
    this.#side?.close();
    if (this.#ownedContext) await this.#ownedContext.term();
    this.#resolveClosed();
  }

  async close(): Promise<void> {
    this.#stopping = true;
    if (this.#held === 0) await this.#finish();
    return this.closed;
  }
}

/**
 * Serves tasks for a pool: call it once in the worker module.
 *
 * @example
 * ```ts
 * import { serve } from "@threadmq/pool";
 * serve(({ a, b }) => a + b);
 * ```
 */
export function serve<T = any, R = any>(handler: Handler<T, R>, options: ServeOptions = {}): Server {
  if (typeof handler !== "function") throw new TypeError("serve(handler) needs a function that takes a task and returns its result");
  if (typeof options !== "object" || options === null) throw new TypeError("serve() options must be an object");
  const boot = globalState.boot;
  const endpoint = options.endpoint ?? boot?.endpoint ?? process.env[ENDPOINT_ENV];
  if (!endpoint) {
    throw new TypeError(
      `serve() does not know where the pool is: run this module from a Pool, pass { endpoint }, or set ${ENDPOINT_ENV}`,
    );
  }
  const concurrency = options.concurrency ?? boot?.concurrency ?? (Number(process.env[CONCURRENCY_ENV]) || 1);
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError(`serve() concurrency must be a positive integer, got ${String(concurrency)}`);
  let context = options.context;
  let owned: Context | undefined;
  if (!context) {
    if (boot) context = Context.attach(boot.handle);
    else if (isMainThread) context = owned = new Context();
    else throw new TypeError("serve() in a thread the pool did not start needs { context: Context.attach(handle) }");
  }
  const ofPool = boot !== undefined && options.endpoint === undefined;
  if (ofPool && globalState.served) throw new TypeError("serve() was already called in this pool thread; call it once per thread");
  const routingId = options.routingId ?? (ofPool ? boot.routingId : `remote-${randomUUID()}`);
  const socket = context.socket("DEALER", {
    routingId,
    linger: 1000,
    // Credits bound what is in flight; HWMs must never be what stops a message.
    sendHighWaterMark: 0,
    receiveHighWaterMark: 0,
  });
  socket.connect(endpoint);
  globalState.served = true;
  return new WorkerServer(handler as Handler, socket, concurrency, owned, ofPool ? boot.side : undefined);
}
