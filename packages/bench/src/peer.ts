/**
 * Peer: the other side of a benchmark, in a worker thread or in a child process, driven
 * by request/reply calls over a control channel that is independent of what is being
 * measured (a dedicated MessageChannel for threads, Node's IPC channel for processes).
 *
 * The peer script calls `serve(handlers)` from `./peer-child.js`; the parent calls
 * `peer.call("op", arg)`. Control calls cost a thread wake-up (~50 µs here), so a
 * benchmark uses them only around a measured stretch (arm, then "done"), never per message.
 *
 * Parent side of threads:   Peer.thread(url, { ctx })   (ctx: spawn with threadmq attached)
 * Parent side of processes: Peer.process(url)            (for tcp/ipc benchmarks)
 */
import { MessageChannel, Worker, type MessagePort, type TransferListItem } from "node:worker_threads";
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Context, Pair } from "threadmq";

export interface ControlRequest {
  readonly id: number;
  readonly op: string;
  readonly arg: unknown;
}

export interface ControlReply {
  readonly id: number;
  readonly ok: boolean;
  readonly value?: unknown;
  readonly error?: string;
}

export interface ThreadOptions {
  /** Start the worker with `ctx.spawn`, so `Context.attach()` works in it (see peer-child's `context()`). */
  readonly ctx?: Context;
  /** Anything structured-cloneable, available as `peerData` in the peer. */
  readonly data?: unknown;
  /** Extra resourceLimits, env, execArgv... passed to the Worker. */
  readonly execArgv?: string[];
}

export interface ProcessOptions {
  readonly data?: unknown;
  readonly execArgv?: string[];
}

const EXIT_GRACE_MS = 3000;

export class Peer {
  readonly kind: "thread" | "process";
  readonly #post: (msg: ControlRequest, transfer?: readonly TransferListItem[]) => void;
  readonly #pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  #nextId = 1;
  #exitCode: number | undefined;
  readonly #exited: Promise<number>;
  readonly #kill: () => void;
  readonly #release: () => void;
  /** The Worker, for thread peers. */
  readonly worker: Worker | undefined;
  /** The child process, for process peers. */
  readonly child: ChildProcess | undefined;

  private constructor(
    kind: "thread" | "process",
    post: (msg: ControlRequest, transfer?: readonly TransferListItem[]) => void,
    exited: Promise<number>,
    kill: () => void,
    release: () => void,
    worker?: Worker,
    child?: ChildProcess,
  ) {
    this.kind = kind;
    this.#post = post;
    this.#kill = kill;
    this.#release = release;
    this.worker = worker;
    this.child = child;
    this.#exited = exited.then((code) => {
      this.#exitCode = code;
      const error = new Error(`${kind} peer exited (code ${code}) with calls pending`);
      for (const p of this.#pending.values()) p.reject(error);
      this.#pending.clear();
      this.#release();
      return code;
    });
  }

  /** Starts a worker thread running `file` (a compiled .js module that calls `serve`). */
  static async thread(file: URL, options: ThreadOptions = {}): Promise<Peer> {
    const { port1, port2 } = new MessageChannel();
    const workerOptions = {
      workerData: { benchControl: port2, benchThreadmq: options.ctx !== undefined, benchData: options.data },
      transferList: [port2],
      ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    };
    const worker = options.ctx ? options.ctx.spawn(file, workerOptions) : new Worker(file, workerOptions);
    let workerError: Error | undefined;
    const exited = new Promise<number>((resolve) => {
      worker.on("error", (error) => (workerError = error));
      worker.on("exit", (code) => resolve(code));
    });
    const spawnedPipe = (worker as Worker & { pipe?: Pair }).pipe;
    const peer = new Peer(
      "thread",
      (msg, transfer) => port1.postMessage(msg, transfer ? [...transfer] : undefined),
      exited,
      () => void worker.terminate(),
      () => {
        port1.close();
        spawnedPipe?.close();
      },
      worker,
    );
    port1.on("message", (reply: ControlReply) => peer.#onReply(reply));
    exited.then(() => {
      if (workerError) console.error(`bench: worker ${file.pathname} failed: ${workerError.stack ?? workerError.message}`);
    });
    await peer.call("ping");
    return peer;
  }

  /** Starts a child process running `file` (a compiled .js module that calls `serve`). */
  static async process(file: URL, options: ProcessOptions = {}): Promise<Peer> {
    const child = fork(fileURLToPath(file), [], {
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { ...process.env, BENCH_PEER_DATA: JSON.stringify(options.data ?? null) },
      ...(options.execArgv ? { execArgv: options.execArgv } : {}),
    });
    const exited = new Promise<number>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 : 0))));
    const peer = new Peer(
      "process",
      (msg) => child.send(msg),
      exited,
      () => void child.kill("SIGKILL"),
      () => {},
      undefined,
      child,
    );
    child.on("message", (reply: ControlReply) => peer.#onReply(reply));
    await peer.call("ping");
    return peer;
  }

  /** Calls a handler of the peer; resolves with its (awaited) return value. */
  call<T = unknown>(op: string, arg?: unknown, transfer?: readonly TransferListItem[]): Promise<T> {
    if (this.#exitCode !== undefined) return Promise.reject(new Error(`${this.kind} peer already exited (code ${this.#exitCode})`));
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#post({ id, op, arg }, transfer);
    });
  }

  #onReply(reply: ControlReply): void {
    const pending = this.#pending.get(reply.id);
    if (!pending) return;
    this.#pending.delete(reply.id);
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(new Error(reply.error ?? "peer call failed"));
  }

  /** Asks the peer to clean up and exit; kills it if it does not within a few seconds. */
  async close(): Promise<void> {
    if (this.#exitCode === undefined) {
      this.call("exit").catch(() => {});
      const timer = setTimeout(() => this.#kill(), EXIT_GRACE_MS);
      await this.#exited;
      clearTimeout(timer);
    }
  }
}

/** Dedicated data channel for postMessage baselines: parent keeps `local`, hands `remote` to the peer. */
export function dataChannel(): { local: MessagePort; remote: MessagePort } {
  const { port1, port2 } = new MessageChannel();
  return { local: port1, remote: port2 };
}
