/**
 * Pool: piscina's shape over a threadmq load-balancing broker.
 *
 *   run() ──► queue ──► dispatch ──► backend ROUTER ══ inproc / tcp ══► DEALER serve()
 *                                       ▲                                   │
 *   settle ◄── DONE batches ◄───────────┴───────────────────────────────────┘
 *
 * The broker lives in the pool's thread: `run()` puts a task straight into its queue (no
 * socket hop for local callers), and the backend ROUTER talks to the workers with the
 * protocol in protocol.ts. Workers announce READY with credits; the broker hands each
 * task to the least-loaded worker, least recently used first (the guide's lbbroker
 * generalised to credits), so a free worker is always served before a busy one gets
 * more. When every worker is busy it pipelines a few more tasks per worker, as many as
 * fit in about a millisecond of that worker's measured run time (`pipeline` caps it):
 * trivial tasks then flow in batches, while a slow task holds back at most about a
 * millisecond of queued work.
 *
 * Hot path: tasks queued in one tick leave in one TASKS message per worker (dispatch
 * runs in a microtask), results arrive in DONE batches drained with tryReceive, and the
 * only promise per wake-up is the one receive() that waits for the next batch.
 */
import { EventEmitter } from "node:events";
import { randomUUID } from "node:crypto";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { deserialize } from "node:v8";
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort, type ResourceLimits, type WorkerOptions } from "node:worker_threads";
import { decode, encode, noSharingError } from "./codec.js";
import { Context, ZmqError, type Router } from "threadmq";
import { AbortError, PoolError, decodeThrown } from "./errors.js";
import { Deque } from "./deque.js";
import { Histogram, type HistogramSummary } from "./histogram.js";
import {
  BOOT_KEY,
  CMD_BYE,
  CMD_DONE,
  CMD_DONE_SHARED,
  CMD_READY,
  DONE_ENTRY_BYTES,
  PROTOCOL_VERSION,
  STATUS_OK,
  STATUS_OK_FRAME,
  frameAbort,
  framePing,
  frameStop,
  frameTasks,
  frameTasksShared,
  frameWho,
  type BootMessage,
  type ReadyInfo,
} from "./protocol.js";

export interface PoolOptions {
  /** The worker module (path or file: URL). It calls `serve(handler)`, or exports the handler (`name`). */
  filename?: string | URL | null;
  /** Export used as the handler when the module does not call serve() (default "default"). */
  name?: string;
  /** Worker threads the pool keeps running (default: os.availableParallelism()). 0 = only remote workers. */
  threads?: number;
  /** piscina compatibility: `threads` defaults to `maxThreads` (the pool does not grow or shrink). */
  maxThreads?: number;
  /** piscina compatibility: accepted, `threads` rules. */
  minThreads?: number;
  /** Tasks one worker thread runs at once (matters for async handlers). Default 1. */
  concurrentTasksPerWorker?: number;
  /**
   * Most tasks queued at one worker beyond those it runs, when all workers are busy
   * (pipelining hides the cross-thread wake-up). Adapted down to about 1 ms of that
   * worker's measured run time. 0 = strict one-task-at-a-time (piscina's behaviour). Default 32.
   */
  pipeline?: number;
  /** Tasks waiting for a worker at most (default Infinity; "auto" = threads²). */
  maxQueue?: number | "auto";
  /** At maxQueue: "reject" run() with ERR_POOL_QUEUE_FULL (default), or "wait" for room. */
  onQueueFull?: "reject" | "wait";
  /** The context to use (not terminated by the pool). Default: a context the pool owns. */
  context?: Context;
  /** The backend's inproc endpoint (default: a unique name). */
  endpoint?: string;
  /** Given to each thread as `workerData`. */
  workerData?: unknown;
  env?: WorkerOptions["env"];
  argv?: unknown[];
  execArgv?: string[];
  resourceLimits?: ResourceLimits;
  /** Any other Worker options. */
  workerOptions?: WorkerOptions;
  /** How long close() waits for a stopped thread to exit before terminating it (ms, default 5000). */
  closeTimeout?: number;
}

export interface RunOptions {
  /** Cancels the task: at once if queued, and tells its handler (`context.signal`) if running. */
  signal?: AbortSignal | null;
  /**
   * Accepted for piscina compatibility. Values are always copied into the pipe (threads
   * share memory rings, not ports), so the listed buffers stay usable.
   */
  transfer?: readonly unknown[];
  /** piscina's name for `transfer`. */
  transferList?: readonly unknown[];
}

/** Per-worker counters in {@link PoolStats}. */
export interface WorkerStats {
  id: string;
  kind: "thread" | "remote";
  ready: boolean;
  pid: number | undefined;
  threadId: number | undefined;
  hostname: string | undefined;
  concurrency: number;
  /** Tasks at the worker now (running or pipelined). */
  running: number;
  completed: number;
  failed: number;
}

export interface PoolStats {
  /** Tasks waiting for a worker. */
  queued: number;
  /** Tasks sent to a worker and not answered yet (running or pipelined there). */
  running: number;
  /** run() calls waiting for room in the queue (onQueueFull: "wait"). */
  waiting: number;
  completed: number;
  /** Tasks that rejected: thrown by the handler, worker lost, destroyed. */
  failed: number;
  /** Tasks cancelled by their AbortSignal (also counted in failed). */
  aborted: number;
  workers: WorkerStats[];
  /** Handler run time, measured in the worker (ms). */
  runTime: HistogramSummary;
  /** Time from run() to leaving for a worker (ms). */
  waitTime: HistogramSummary;
}

const QUEUED = 0;
const SENT = 1;
const SETTLED = 2;

class Task {
  id = 0;
  state = QUEUED;
  worker: WorkerState | undefined = undefined;
  queuedAt = 0;
  /** False while waiting for room in the queue (onQueueFull "wait"). */
  admitted = true;
  signal: AbortSignal | undefined = undefined;
  onAbort: (() => void) | undefined = undefined;
  constructor(
    /** The task itself until it leaves for a worker (cloned then, as piscina does for queued tasks). */
    public value: unknown,
    readonly resolve: (value: unknown) => void,
    readonly reject: (error: unknown) => void,
  ) {}
}

class WorkerState {
  ready = false;
  removed = false;
  /** Sent STOP or said BYE: gets no more tasks. */
  leaving = false;
  concurrency = 1;
  outstanding = 0;
  lastUsed = 0;
  completed = 0;
  failed = 0;
  /** Moving average of run time (ms); undefined until measured. */
  ewma: number | undefined = undefined;
  info: ReadyInfo | undefined = undefined;
  thread: Worker | undefined = undefined;
  /** Threads we spawned: the port shared memory travels on (codec.ts). */
  side: MessagePort | undefined = undefined;
  exited: Promise<void> | undefined = undefined;
  error: unknown = undefined;
  batch: Task[] = [];
  constructor(
    readonly key: string,
    readonly id: Buffer,
    readonly kind: "thread" | "remote",
  ) {}
}

/** About this much queued work (ms) may wait behind a running task at one worker. */
const PIPELINE_BUDGET_MS = 1;
const MAX_STARTUP_FAILURES = 3;
const bootstrapPath = fileURLToPath(new URL("./bootstrap.js", import.meta.url));

type State = "open" | "closing" | "closed" | "destroyed";

export class Pool<T = any, R = any> extends EventEmitter {
  readonly #context: Context;
  readonly #ownsContext: boolean;
  readonly #backend: Router;
  readonly #endpoint: string;
  readonly #filename: string | undefined;
  readonly #name: string;
  readonly #threads: number;
  readonly #concurrency: number;
  readonly #pipeline: number;
  readonly #maxQueue: number;
  readonly #onQueueFull: "reject" | "wait";
  readonly #workerOptions: WorkerOptions;
  readonly #closeTimeout: number;

  #state: State = "open";
  #nextTaskId = 1;
  #clock = 0;
  #threadSeq = 0;
  #startupFailures = 0;
  /** Tasks waiting for a worker; settled (aborted) ones are skipped lazily. */
  readonly #queue = new Deque<Task>();
  #queued = 0;
  /** run() calls waiting for room (onQueueFull "wait"); settled ones are skipped lazily. */
  readonly #admission = new Deque<Task>();
  #waiting = 0;
  readonly #inflight = new Map<number, Task>();
  readonly #workers = new Map<string, WorkerState>();
  readonly #whoSent = new Set<string>();
  #dispatchScheduled = false;
  #completed = 0;
  #failed = 0;
  #aborted = 0;
  readonly #runTime = new Histogram();
  readonly #waitTime = new Histogram();
  #needsDrain = false;
  #idleWaiters: (() => void)[] = [];
  #readyWaiters: { resolve(): void; reject(error: unknown): void }[] = [];
  #closePromise: Promise<void> | undefined;
  readonly #bound: Promise<void>;
  #bindError: PoolError | undefined;

  constructor(options: PoolOptions = {}) {
    super();
    if (typeof options !== "object" || options === null) throw new TypeError("Pool options must be an object");
    const threads = options.threads ?? options.maxThreads ?? availableParallelism();
    if (!Number.isInteger(threads) || threads < 0) throw new TypeError(`threads must be an integer >= 0, got ${String(threads)}`);
    if (threads > 0 && (options.filename === undefined || options.filename === null)) {
      throw new TypeError("Pool needs { filename }: the worker module its threads run");
    }
    const concurrency = options.concurrentTasksPerWorker ?? 1;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new TypeError(`concurrentTasksPerWorker must be an integer >= 1, got ${String(concurrency)}`);
    }
    const pipeline = options.pipeline ?? 32;
    if (!Number.isInteger(pipeline) || pipeline < 0) throw new TypeError(`pipeline must be an integer >= 0, got ${String(pipeline)}`);
    const maxQueue = options.maxQueue === "auto" ? Math.max(1, threads * threads) : options.maxQueue ?? Infinity;
    if (!(maxQueue === Infinity || (Number.isInteger(maxQueue) && maxQueue >= 0))) {
      throw new TypeError(`maxQueue must be an integer >= 0, "auto" or Infinity, got ${String(options.maxQueue)}`);
    }
    const onQueueFull = options.onQueueFull ?? "reject";
    if (onQueueFull !== "reject" && onQueueFull !== "wait") throw new TypeError(`onQueueFull must be "reject" or "wait", got ${String(onQueueFull)}`);
    const closeTimeout = options.closeTimeout ?? 5000;
    if (!(closeTimeout >= 0)) throw new TypeError(`closeTimeout must be a number of ms >= 0, got ${String(closeTimeout)}`);
    if (options.name !== undefined && typeof options.name !== "string") throw new TypeError("name must be a string");

    this.#filename = options.filename == null ? undefined : toFileUrl(options.filename);
    this.#name = options.name ?? "default";
    this.#threads = threads;
    this.#concurrency = concurrency;
    this.#pipeline = pipeline;
    this.#maxQueue = maxQueue;
    this.#onQueueFull = onQueueFull;
    this.#closeTimeout = closeTimeout;
    this.#workerOptions = {
      ...options.workerOptions,
      ...(options.workerData !== undefined ? { workerData: options.workerData } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
      ...(options.argv !== undefined ? { argv: options.argv } : {}),
      ...(options.execArgv !== undefined ? { execArgv: options.execArgv } : {}),
      ...(options.resourceLimits !== undefined ? { resourceLimits: options.resourceLimits } : {}),
    };
    this.#ownsContext = options.context === undefined;
    this.#context = options.context ?? new Context();
    this.#endpoint = options.endpoint ?? `inproc://threadmq.pool.${randomUUID()}`;
    this.#backend = this.#context.socket("ROUTER", {
      // Credits bound what is in flight per worker, so HWMs must never drop or block.
      sendHighWaterMark: 0,
      receiveHighWaterMark: 0,
      // An unknown peer is an error we want to see (a worker gone), not a silent drop.
      mandatory: true,
      // A worker that reconnects (tcp) takes its routing id back.
      handover: true,
      linger: 500,
    });
    // inproc binds register the name synchronously in the root; threads connect either way.
    this.#bound = this.#backend.bind(this.#endpoint);
    this.#bound.catch((error: unknown) => {
      // Nothing can reach this pool (e.g. the endpoint name is taken): say so to every caller.
      this.#bindError = new PoolError("ERR_POOL_INVALID", `the pool cannot listen on ${this.#endpoint}: ${(error as Error).message}`, { cause: error });
      this.#rejectWaiting(() => this.#bindError!);
      this.#rejectReadyWaiters(this.#bindError);
    });
    void this.#receiveLoop();
    void this.#monitorLoop();
    for (let i = 0; i < threads; i++) this.#spawn();
  }

  // ---- public surface ---------------------------------------------------------------

  /**
   * Runs one task on a worker; resolves with the handler's result, or rejects with what
   * it threw (same class name, message, code and cause).
   */
  run(task: T, options: RunOptions = {}): Promise<R> {
    if (typeof options !== "object" || options === null) return Promise.reject(new TypeError("run() options must be an object"));
    if (this.#state !== "open") {
      return Promise.reject(new PoolError("ERR_POOL_CLOSED", `cannot run a task: the pool is ${this.#state === "destroyed" ? "destroyed" : "closed"}`));
    }
    if (this.#bindError) return Promise.reject(this.#bindError);
    const signal = options.signal ?? undefined;
    if (signal !== undefined && !isAbortSignal(signal)) return Promise.reject(new TypeError("run() signal must be an AbortSignal"));
    const transfer = options.transfer ?? options.transferList;
    if (transfer !== undefined && !Array.isArray(transfer)) return Promise.reject(new TypeError("run() transfer must be an array"));
    if (signal?.aborted) return Promise.reject(new AbortError(signal.reason));
    // Callers already waiting for room keep their turn.
    const full = this.#waiting > 0 || (this.#queued >= this.#maxQueue && this.#idleCapacity() === 0);
    if (full && this.#onQueueFull === "reject") {
      return Promise.reject(new PoolError("ERR_POOL_QUEUE_FULL", `the task queue is full (maxQueue ${this.#maxQueue}); wait for 'drain' or raise maxQueue`));
    }
    if (this.#threads > 0 && this.#workers.size === 0) this.#ensureThreads(true);
    let resolve!: (value: unknown) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<R>((res, rej) => {
      resolve = res as (value: unknown) => void;
      reject = rej;
    });
    const record = new Task(task, resolve, reject);
    record.id = this.#takeId();
    record.queuedAt = performance.now();
    if (signal) {
      record.signal = signal;
      record.onAbort = () => this.#abort(record);
      signal.addEventListener("abort", record.onAbort, { once: true });
    }
    if (full) {
      record.admitted = false;
      this.#admission.push(record);
      this.#waiting++;
    } else {
      this.#enqueue(record);
    }
    return promise;
  }

  /** Binds the backend to one more endpoint (e.g. "tcp://0.0.0.0:5555") for process or remote workers; resolves with the bound address. */
  async listen(endpoint: string): Promise<string> {
    if (this.#state !== "open") throw new PoolError("ERR_POOL_CLOSED", "cannot listen: the pool is closed");
    await this.#backend.bind(endpoint);
    return this.#backend.lastEndpoint ?? endpoint;
  }

  /** The inproc endpoint of the backend (threads you start yourself can `serve({ endpoint })` there). */
  get endpoint(): string {
    return this.#endpoint;
  }

  /** The context the pool's sockets live in. */
  get context(): Context {
    return this.#context;
  }

  /**
   * Resolves once every thread the pool spawned has started and announced itself
   * (rejects with ERR_WORKER_INIT if none could start).
   */
  ready(): Promise<void> {
    if (this.#bindError) return Promise.reject(this.#bindError);
    return new Promise((resolve, reject) => {
      this.#readyWaiters.push({ resolve, reject });
      this.#checkReady();
    });
  }

  /** Tasks waiting for a worker (piscina's queueSize). */
  get queueSize(): number {
    return this.#queued;
  }

  /** Tasks completed successfully. */
  get completed(): number {
    return this.#completed;
  }

  /** True while the queue is at maxQueue; 'drain' follows when it empties (piscina's needsDrain). */
  get needsDrain(): boolean {
    return this.#needsDrain;
  }

  /** The worker threads the pool runs now. */
  get threads(): Worker[] {
    const list: Worker[] = [];
    for (const w of this.#workers.values()) if (w.thread && !w.removed) list.push(w.thread);
    return list;
  }

  get stats(): PoolStats {
    const workers: WorkerStats[] = [];
    for (const w of this.#workers.values()) {
      workers.push({
        id: w.key,
        kind: w.kind,
        ready: w.ready,
        pid: w.info?.pid,
        threadId: w.info?.threadId ?? w.thread?.threadId,
        hostname: w.info?.hostname,
        concurrency: w.concurrency,
        running: w.outstanding,
        completed: w.completed,
        failed: w.failed,
      });
    }
    return {
      queued: this.#queued,
      running: this.#inflight.size,
      waiting: this.#waiting,
      completed: this.#completed,
      failed: this.#failed,
      aborted: this.#aborted,
      workers,
      runTime: this.#runTime.summary(),
      waitTime: this.#waitTime.summary(),
    };
  }

  /**
   * Stops taking tasks, finishes every queued and running one, then stops the workers
   * and releases everything. Always resolves. `force`: reject queued tasks instead.
   */
  close(options: { force?: boolean } = {}): Promise<void> {
    if (this.#closePromise) return this.#closePromise;
    this.#state = "closing";
    if (options.force) this.#rejectWaiting(() => new PoolError("ERR_POOL_CLOSED", "the pool was closed (force) before this task started"));
    this.#closePromise = (async () => {
      await this.#idle();
      await this.#shutdown(false);
      this.#state = "closed";
    })();
    return this.#closePromise;
  }

  /** Rejects every queued and running task (ERR_POOL_DESTROYED), stops the workers at once. Always resolves. */
  destroy(): Promise<void> {
    if (this.#state === "destroyed" || this.#state === "closed") return this.#closePromise ?? Promise.resolve();
    const wasClosing = this.#closePromise;
    this.#state = "destroyed";
    const error = () => new PoolError("ERR_POOL_DESTROYED", "the pool was destroyed before this task finished");
    this.#rejectWaiting(error);
    const aborts = new Map<WorkerState, number[]>();
    for (const task of [...this.#inflight.values()]) {
      const w = task.worker!;
      let list = aborts.get(w);
      if (!list) aborts.set(w, (list = []));
      list.push(task.id);
      this.#settleFailed(task, error(), w);
    }
    for (const [w, ids] of aborts) this.#sendAbort(w, ids);
    this.#wakeIdle();
    this.#closePromise = (async () => {
      await this.#shutdown(true);
      await wasClosing?.catch(() => {});
    })();
    return this.#closePromise;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  // ---- queue ------------------------------------------------------------------------

  #takeId(): number {
    let id = this.#nextTaskId;
    while (this.#inflight.has(id) || id === 0) id = (id + 1) >>> 0;
    this.#nextTaskId = (id + 1) >>> 0;
    return id;
  }

  #enqueue(task: Task): void {
    this.#queue.push(task);
    this.#queued++;
    if (this.#queued >= this.#maxQueue && !this.#needsDrain) {
      this.#needsDrain = true;
      this.emit("needsDrain");
    }
    this.#scheduleDispatch();
  }

  #dequeue(): Task | undefined {
    for (let task = this.#queue.shift(); task !== undefined; task = this.#queue.shift()) {
      if (task.state === QUEUED) {
        this.#queued--;
        return task;
      }
    }
    return undefined;
  }

  /** Moves run() calls that waited for room into the queue. */
  #admit(): void {
    while (this.#waiting > 0 && this.#queued < this.#maxQueue) {
      const task = this.#admission.shift();
      if (!task) break;
      if (task.state !== QUEUED) continue;
      this.#waiting--;
      task.admitted = true;
      this.#enqueue(task);
    }
  }

  /** Free credits at workers right now (a full queue with free workers is not full). */
  #idleCapacity(): number {
    let free = 0;
    for (const w of this.#workers.values()) {
      if (w.ready && !w.leaving && !w.removed) free += Math.max(0, w.concurrency - w.outstanding);
    }
    return free;
  }

  #scheduleDispatch(): void {
    if (this.#dispatchScheduled) return;
    this.#dispatchScheduled = true;
    queueMicrotask(this.#dispatchTask);
  }

  readonly #dispatchTask = (): void => {
    this.#dispatchScheduled = false;
    this.#dispatch();
  };

  /** How many tasks worker `w` may hold now. */
  #limit(w: WorkerState): number {
    if (this.#pipeline === 0 || w.ewma === undefined) return w.concurrency + (this.#pipeline === 0 ? 0 : 1);
    const depth = Math.min(this.#pipeline, Math.max(1, Math.floor(PIPELINE_BUDGET_MS / Math.max(w.ewma, 1e-4))));
    return w.concurrency + depth;
  }

  /** Least loaded first, then least recently used. */
  #pick(): WorkerState | undefined {
    let best: WorkerState | undefined;
    for (const w of this.#workers.values()) {
      if (!w.ready || w.leaving || w.removed || w.outstanding >= this.#limit(w)) continue;
      if (!best || w.outstanding < best.outstanding || (w.outstanding === best.outstanding && w.lastUsed < best.lastUsed)) best = w;
    }
    return best;
  }

  #dispatch(): void {
    if (this.#queued === 0 || this.#state === "destroyed") return;
    const touched: WorkerState[] = [];
    const now = performance.now();
    while (this.#queued > 0) {
      const w = this.#pick();
      if (!w) break;
      const task = this.#dequeue();
      if (!task) break;
      task.state = SENT;
      task.worker = w;
      this.#inflight.set(task.id, task);
      this.#waitTime.record(now - task.queuedAt);
      w.outstanding++;
      w.lastUsed = ++this.#clock;
      if (w.batch.length === 0) touched.push(w);
      w.batch.push(task);
    }
    for (const w of touched) this.#sendBatch(w);
    if (this.#waiting > 0) this.#admit();
    if (this.#needsDrain && this.#queued === 0) {
      this.#needsDrain = false;
      this.emit("drain");
    }
  }

  #sendBatch(w: WorkerState): void {
    let batch = w.batch;
    w.batch = [];
    let encoded = encodeBatch(batch, w.side !== undefined);
    if (encoded === undefined) {
      // Some task cannot be cloned (or shares memory with a process): it fails alone.
      batch = batch.filter((task) => {
        try {
          if (encode(task.value).shared.length > 0 && !w.side) throw noSharingError();
          return true;
        } catch (error) {
          w.outstanding--;
          this.#settleFailed(task, new PoolError("ERR_POOL_CLONE", `the task cannot be sent to a worker: ${(error as Error).message}`, { cause: error }), undefined);
          return false;
        }
      });
      if (batch.length === 0) return;
      encoded = encodeBatch(batch, w.side !== undefined)!;
    }
    let command = frameTasks;
    if (encoded.shared.length > 0) {
      // Posted before the message that refers to it is written (see codec.ts).
      w.side!.postMessage(encoded.shared);
      command = frameTasksShared;
    }
    const payload = encoded.bytes;
    const n = batch.length;
    const header = Buffer.allocUnsafe(n * 4);
    for (let i = 0; i < n; i++) header.writeUInt32LE(batch[i]!.id, i * 4);
    const frames = [w.id, command, header, payload];
    try {
      // HWMs are unlimited, so this only fails if the peer is gone.
      if (!this.#backend.trySend(frames)) this.#backend.send(frames).catch(() => {});
    } catch (error) {
      if (encoded.shared.length > 0) receiveMessageOnPort(w.side!); // take back the unread side message
      // The batch never left: back to the front of the queue, in order, for another worker.
      for (let i = n - 1; i >= 0; i--) {
        const task = batch[i]!;
        if (task.state !== SENT) continue;
        this.#inflight.delete(task.id);
        task.state = QUEUED;
        task.worker = undefined;
        w.outstanding--;
        this.#queue.unshift(task);
        this.#queued++;
      }
      this.#workerLost(w, error instanceof ZmqError && error.code === "EHOSTUNREACH" ? undefined : error);
      this.#scheduleDispatch();
      return;
    }
    for (let i = 0; i < n; i++) batch[i]!.value = undefined;
  }

  #sendAbort(w: WorkerState, ids: number[]): void {
    const header = Buffer.allocUnsafe(ids.length * 4);
    ids.forEach((id, i) => header.writeUInt32LE(id, i * 4));
    this.#sendTo(w, [frameAbort, header]);
  }

  /** Sends a control message; false if the worker is gone. */
  #sendTo(w: WorkerState, frames: Buffer[]): boolean {
    try {
      if (!this.#backend.trySend([w.id, ...frames])) this.#backend.send([w.id, ...frames]).catch(() => {});
      return true;
    } catch {
      return false;
    }
  }

  #abort(task: Task): void {
    if (task.state === SETTLED) return;
    const reason = task.signal?.reason;
    if (task.state === QUEUED) {
      task.state = SETTLED;
      if (!task.admitted) this.#waiting--;
      else this.#queued--;
      this.#aborted++;
      this.#failed++;
      task.reject(new AbortError(reason));
      this.#admit();
      this.#wakeIdle();
      return;
    }
    // Running: tell the worker (its handler's signal fires), answer the caller now. The
    // worker's credit comes back with the DONE for it, which is then ignored.
    const w = task.worker!;
    this.#aborted++;
    this.#settleFailed(task, new AbortError(reason), w);
    this.#sendAbort(w, [task.id]);
  }

  #rejectWaiting(error: () => PoolError): void {
    for (const task of this.#admission.clear()) if (task.state === QUEUED) this.#settleFailed(task, error(), undefined);
    this.#waiting = 0;
    for (let task = this.#dequeue(); task; task = this.#dequeue()) this.#settleFailed(task, error(), undefined);
    this.#queued = 0;
  }

  // ---- results ------------------------------------------------------------------------

  #settleFailed(task: Task, error: unknown, w: WorkerState | undefined): void {
    if (task.state === SETTLED) return;
    task.state = SETTLED;
    this.#inflight.delete(task.id);
    if (task.onAbort) task.signal!.removeEventListener("abort", task.onAbort);
    this.#failed++;
    if (w) w.failed++;
    task.reject(error);
  }

  #onDone(w: WorkerState, msg: Buffer[], shared: boolean): void {
    const header = msg[2]!;
    const lists = shared && w.side ? (receiveMessageOnPort(w.side)?.message as (SharedArrayBuffer[] | null)[] | undefined) : undefined;
    const n = (header.length / DONE_ENTRY_BYTES) | 0;
    let inline: unknown[] | undefined;
    let inlineAt = 0;
    let frameAt = 4;
    for (let i = 0; i < n; i++) {
      const at = i * DONE_ENTRY_BYTES;
      const id = header.readUInt32LE(at);
      const status = header.readUInt32LE(at + 4);
      const ms = header.readDoubleLE(at + 8);
      if (w.outstanding > 0) w.outstanding--;
      w.ewma = w.ewma === undefined ? ms : w.ewma + (ms - w.ewma) * 0.125;
      this.#runTime.record(ms);
      let payload: Buffer | undefined;
      let value: unknown;
      if (status === STATUS_OK) {
        inline ??= decode(msg[3]!, undefined) as unknown[];
        value = inline[inlineAt++];
      } else {
        payload = msg[frameAt++];
      }
      const task = this.#inflight.get(id);
      if (task === undefined || task.worker !== w) continue;
      this.#inflight.delete(id);
      task.state = SETTLED;
      if (task.onAbort) task.signal!.removeEventListener("abort", task.onAbort);
      if (status === STATUS_OK_FRAME) {
        try {
          value = decode(payload!, lists?.[frameAt - 5] ?? undefined);
        } catch (error) {
          this.#failed++;
          w.failed++;
          task.reject(new PoolError("ERR_POOL_CLONE", `the result could not be read: ${(error as Error).message}`, { cause: error }));
          continue;
        }
      } else if (status !== STATUS_OK) {
        this.#failed++;
        w.failed++;
        let thrown: unknown;
        try {
          thrown = decodeThrown(payload!);
        } catch (error) {
          thrown = new PoolError("ERR_POOL_CLONE", "the task's error could not be read", { cause: error });
        }
        task.reject(thrown);
        continue;
      }
      this.#completed++;
      w.completed++;
      task.resolve(value);
    }
  }

  #onReady(key: string, id: Buffer, info: ReadyInfo): void {
    this.#whoSent.delete(key);
    let w = this.#workers.get(key);
    if (w?.ready) {
      // A known worker starting over (reconnected, restarted): what it held is gone.
      this.#rejectInflightOf(w, undefined);
    }
    if (!w) {
      w = new WorkerState(key, Buffer.from(id), "remote");
      this.#workers.set(key, w);
      this.emit("workerCreate", w.key);
    }
    w.ready = true;
    w.info = info;
    w.concurrency = Math.max(1, info.concurrency | 0);
    w.outstanding = Math.max(0, info.busy | 0);
    w.lastUsed = 0;
    if (this.#state !== "open" && this.#state !== "closing") {
      w.leaving = true;
      this.#sendTo(w, [frameStop]);
      return;
    }
    if (w.kind === "thread") this.#startupFailures = 0;
    this.#checkReady();
    this.#scheduleDispatch();
  }

  #handle(msg: Buffer[]): void {
    const id = msg[0]!;
    const command = msg[1]?.[0];
    const key = id.toString("latin1");
    const w = this.#workers.get(key);
    if (command === CMD_READY) {
      let info: ReadyInfo;
      try {
        info = deserialize(msg[2]!) as ReadyInfo;
      } catch {
        return;
      }
      if (info?.protocol !== PROTOCOL_VERSION) {
        // Another version of this package: it would misread our tasks. It gets none.
        try {
          this.#backend.trySend([id, frameStop]);
        } catch {
          // gone again
        }
        return;
      }
      this.#onReady(key, id, info);
      return;
    }
    if (!w || !w.ready) {
      // Results from a worker we forgot (it was presumed lost): ask it to announce itself.
      if (!this.#whoSent.has(key)) {
        this.#whoSent.add(key);
        try {
          this.#backend.trySend([id, frameWho]);
        } catch {
          // gone again
        }
      }
      return;
    }
    if (command === CMD_DONE || command === CMD_DONE_SHARED) this.#onDone(w, msg, command === CMD_DONE_SHARED);
    else if (command === CMD_BYE) {
      w.leaving = true;
      if (w.kind === "remote") this.#removeWorker(w, undefined);
    }
  }

  async #receiveLoop(): Promise<void> {
    const backend = this.#backend;
    try {
      for (;;) {
        let msg = backend.tryReceive();
        if (msg === undefined) msg = await backend.receive();
        do this.#handle(msg);
        while ((msg = backend.tryReceive()) !== undefined);
        this.#dispatch();
        this.#wakeIdle();
      }
    } catch {
      // The backend closed (shutdown) or the context terminated.
    }
  }

  /** Processes whatever already arrived (before judging a worker that exited). */
  #drainBackend(): void {
    if (this.#backend.closed) return;
    try {
      let msg: Buffer[] | undefined;
      while ((msg = this.#backend.tryReceive()) !== undefined) this.#handle(msg);
    } catch {
      // closing
    }
  }

  async #monitorLoop(): Promise<void> {
    try {
      for await (const event of this.#backend.events) {
        if (event.type === "disconnect") this.#probe();
      }
    } catch {
      // socket closed
    }
  }

  /** A peer went away: find which worker by asking the ROUTER (mandatory) to reach each one. */
  #probe(): void {
    if (this.#backend.closed) return;
    this.#drainBackend();
    for (const w of [...this.#workers.values()]) {
      if (!w.ready || w.removed) continue;
      try {
        this.#backend.trySend([w.id, framePing]);
      } catch (error) {
        if (error instanceof ZmqError && error.code === "EHOSTUNREACH") this.#workerLost(w, undefined);
      }
    }
    this.#wakeIdle();
  }

  // ---- workers --------------------------------------------------------------------------

  /** Spawns threads up to `threads`; `retry` forgets earlier startup failures (a new run() asks again). */
  #ensureThreads(retry = false): void {
    if (this.#state === "destroyed" || this.#state === "closed") return;
    if (retry) this.#startupFailures = 0;
    let threads = 0;
    for (const w of this.#workers.values()) if (w.kind === "thread" && !w.removed) threads++;
    for (; threads < this.#threads; threads++) this.#spawn();
  }

  #spawn(): void {
    const key = `thread-${++this.#threadSeq}`;
    const w = new WorkerState(key, Buffer.from(key, "latin1"), "thread");
    const handle = this.#context.handle();
    const side = new MessageChannel();
    w.side = side.port1;
    const boot: BootMessage = {
      side: side.port2,
      filename: this.#filename!,
      name: this.#name,
      endpoint: this.#endpoint,
      routingId: key,
      concurrency: this.#concurrency,
      handle,
    };
    let worker: Worker;
    try {
      worker = new Worker(bootstrapPath, this.#workerOptions);
    } catch (error) {
      handle.port.close();
      side.port1.close();
      side.port2.close();
      throw error;
    }
    worker.postMessage({ [BOOT_KEY]: boot }, [handle.port, side.port2]);
    w.thread = worker;
    this.#workers.set(key, w);
    worker.on("error", (error) => {
      w.error ??= error;
    });
    w.exited = new Promise((resolve) => {
      worker.once("exit", (code) => {
        this.#onThreadExit(w, code);
        resolve();
      });
    });
    this.emit("workerCreate", key);
  }

  #onThreadExit(w: WorkerState, code: number): void {
    // Results it wrote before dying are still in the pipe: take them first.
    this.#drainBackend();
    const wasReady = w.ready;
    if (!w.removed) {
      if (!wasReady && this.#state !== "destroyed") {
        this.#startupFailures++;
        const error = new PoolError(
          "ERR_WORKER_INIT",
          `a worker thread failed to start: ${w.error instanceof Error ? w.error.message : `it exited with code ${code}`}`,
          w.error === undefined ? undefined : { cause: w.error },
        );
        this.#removeWorker(w, error);
        if (!this.#anyWorkerUsable()) {
          // Nobody can run the queued tasks: fail them rather than leave them pending.
          this.#rejectWaiting(() => error);
          this.#rejectReadyWaiters(error);
        }
      } else {
        const cause = w.error ?? (code !== 0 ? new Error(`exit code ${code}`) : undefined);
        this.#removeWorker(
          w,
          new PoolError("ERR_WORKER_EXITED", `the worker thread running this task exited${w.error instanceof Error ? `: ${w.error.message}` : ` with code ${code}`}`, cause === undefined ? undefined : { cause }),
        );
      }
    }
    const wanted = this.#state === "open" || (this.#state === "closing" && this.#queued > 0);
    if (wanted && this.#startupFailures < MAX_STARTUP_FAILURES) this.#ensureThreads();
    this.#checkReady();
    if (this.#state === "closing" && !this.#anyWorkerUsable() && this.#queued > 0) {
      this.#rejectWaiting(() => new PoolError("ERR_POOL_CLOSED", "the pool closed and no worker is left to run this task"));
    }
    this.#wakeIdle();
  }

  #anyWorkerUsable(): boolean {
    for (const w of this.#workers.values()) if (!w.removed && !w.leaving) return true;
    return false;
  }

  #workerLost(w: WorkerState, error: unknown): void {
    if (w.removed) return;
    if (w.thread) {
      // A thread's 'exit' is the one place that settles its tasks (with its error, if any);
      // until then it gets nothing more.
      w.leaving = true;
      void w.thread.terminate();
      return;
    }
    this.#removeWorker(
      w,
      new PoolError("ERR_WORKER_EXITED", `the ${w.kind === "thread" ? "worker thread" : "remote worker"} ${w.key} running this task went away`, error === undefined ? undefined : { cause: error }),
    );
    this.#wakeIdle();
  }

  #rejectInflightOf(w: WorkerState, error: unknown): void {
    const reason = error ?? new PoolError("ERR_WORKER_EXITED", `the worker ${w.key} running this task restarted`);
    for (const task of [...this.#inflight.values()]) if (task.worker === w) this.#settleFailed(task, reason, w);
    w.outstanding = 0;
  }

  #removeWorker(w: WorkerState, error: unknown): void {
    if (w.removed) return;
    w.removed = true;
    w.side?.close();
    this.#rejectInflightOf(w, error);
    this.#workers.delete(w.key);
    this.emit("workerDestroy", w.key);
    this.#scheduleDispatch();
  }

  #checkReady(): void {
    if (this.#readyWaiters.length === 0) return;
    let starting = 0;
    let ready = 0;
    for (const w of this.#workers.values()) {
      if (w.removed) continue;
      if (w.ready) ready++;
      else if (w.kind === "thread") starting++;
    }
    if (starting > 0) return;
    if (ready > 0 || this.#threads === 0) {
      for (const waiter of this.#readyWaiters.splice(0)) waiter.resolve();
    } else if (this.#startupFailures >= MAX_STARTUP_FAILURES || this.#state !== "open") {
      this.#rejectReadyWaiters(new PoolError("ERR_WORKER_INIT", "no worker thread could start"));
    }
  }

  #rejectReadyWaiters(error: unknown): void {
    for (const waiter of this.#readyWaiters.splice(0)) waiter.reject(error);
  }

  // ---- shutdown -------------------------------------------------------------------------

  #idle(): Promise<void> {
    return new Promise((resolve) => {
      this.#idleWaiters.push(resolve);
      this.#wakeIdle();
    });
  }

  #wakeIdle(): void {
    if (this.#idleWaiters.length === 0) return;
    // Closing with queued work and nobody who could ever run it: fail it rather than wait.
    const noMoreWorkers = this.#threads === 0 || this.#startupFailures >= MAX_STARTUP_FAILURES;
    if (this.#state === "closing" && !this.#anyWorkerUsable() && this.#queued + this.#waiting > 0 && noMoreWorkers) {
      this.#rejectWaiting(() => new PoolError("ERR_POOL_CLOSED", "the pool closed and no worker is left to run this task"));
    }
    if (this.#queued + this.#waiting + this.#inflight.size > 0) return;
    for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  async #shutdown(destroying: boolean): Promise<void> {
    await this.#bound.catch(() => {});
    const exits: Promise<void>[] = [];
    for (const w of [...this.#workers.values()]) {
      w.leaving = true;
      if (!this.#backend.closed && w.ready) this.#sendTo(w, [frameStop]);
      if (w.thread) {
        const thread = w.thread;
        if (destroying || !w.ready) void thread.terminate();
        else {
          const timer = setTimeout(() => void thread.terminate(), this.#closeTimeout);
          void w.exited!.then(() => clearTimeout(timer));
        }
        exits.push(w.exited!);
      }
    }
    await Promise.all(exits);
    // Remote workers were told to stop; give the STOP a moment on the wire (linger), then go.
    this.#backend.close();
    this.#rejectReadyWaiters(new PoolError("ERR_POOL_CLOSED", "the pool closed"));
    if (this.#ownsContext) await this.#context.term();
    for (const w of [...this.#workers.values()]) this.#removeWorker(w, new PoolError("ERR_POOL_CLOSED", "the pool closed"));
  }
}

/**
 * One serializer for the whole batch (its fixed cost dwarfs the per-value one); undefined
 * if a value cannot be cloned, or shares memory with a worker that cannot share it.
 */
function encodeBatch(batch: Task[], canShare: boolean): { bytes: Buffer; shared: SharedArrayBuffer[] } | undefined {
  const values = new Array<unknown>(batch.length);
  for (let i = 0; i < batch.length; i++) values[i] = batch[i]!.value;
  try {
    const encoded = encode(values);
    return encoded.shared.length > 0 && !canShare ? undefined : encoded;
  } catch {
    return undefined;
  }
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof value === "object" && value !== null && typeof (value as AbortSignal).addEventListener === "function" && "aborted" in value;
}

function toFileUrl(filename: string | URL): string {
  if (filename instanceof URL) return filename.href;
  if (typeof filename !== "string" || filename.length === 0) throw new TypeError("filename must be a path or a file: URL");
  if (/^(file|data):/i.test(filename)) return filename;
  return pathToFileURL(filename).href;
}
