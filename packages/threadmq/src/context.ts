/**
 * Context: owns sockets, their transports and their lifetime, as libzmq's zmq_ctx.
 * One root context lives in the main thread; workers get a view of it with
 * `Context.attach()` (same inproc namespace, same lifetime).
 */
import { MessageChannel, Worker, isMainThread, parentPort, receiveMessageOnPort, type MessagePort, type WorkerOptions } from "node:worker_threads";
import { randomUUID } from "node:crypto";
import { ZmqError } from "./errors.js";
import { holdThread, releaseThread } from "./internal/keep-alive.js";
import { InprocTransport, type ToRoot, type ToThread } from "./transport/inproc/inproc-transport.js";
import { StreamTransport } from "./transport/stream/stream-transport.js";
import type { Transport } from "./transport/transport.js";
import type { ContextCore, SocketBase } from "./socket/socket-base.js";
import { isSocketType, socketTypes, type SocketType } from "./socket/socket-type.js";
import { Pair } from "./socket/pair.js";
import { Publisher, XPublisher } from "./socket/xpublisher.js";
import { Subscriber, XSubscriber } from "./socket/xsubscriber.js";
import { Request } from "./socket/request.js";
import { Reply } from "./socket/reply.js";
import { Dealer } from "./socket/dealer.js";
import { Router } from "./socket/router.js";
import { Pull } from "./socket/pull.js";
import { Push } from "./socket/push.js";
import type { SocketOptions } from "./options/types.js";

/** The socket class for each type name. */
export interface SocketClasses {
  PAIR: Pair;
  PUB: Publisher;
  SUB: Subscriber;
  REQ: Request;
  REP: Reply;
  DEALER: Dealer;
  ROUTER: Router;
  PULL: Pull;
  PUSH: Push;
  XPUB: XPublisher;
  XSUB: XSubscriber;
}

type SocketConstructor = new (context: ContextCore, options?: object) => SocketBase;

const constructors: Record<SocketType, SocketConstructor> = {
  PAIR: Pair,
  PUB: Publisher,
  SUB: Subscriber,
  REQ: Request,
  REP: Reply,
  DEALER: Dealer,
  ROUTER: Router,
  PULL: Pull,
  PUSH: Push,
  XPUB: XPublisher,
  XSUB: XSubscriber,
};

/**
 * What a worker needs to attach to a context: pass it in `workerData` (and its `port`
 * in `transferList`), then call `Context.attach(handle)` in the worker.
 */
export interface ContextHandle {
  readonly port: MessagePort;
  /** For workers made by `spawn`: the inproc name of the parent's end of `pipe`. */
  readonly pipe?: string;
}

/** A worker started by `ctx.spawn`, with the parent's end of its PAIR pipe. */
export type SpawnedWorker = Worker & { readonly pipe: Pair };

const BOOT = "threadmq.attach";
let attached: Context | undefined;

export class Context {
  readonly #sockets = new Set<SocketBase>();
  readonly #lingering = new Set<Promise<void>>();
  readonly #transports = new Map<string, Transport>();
  readonly #inproc: InprocTransport;
  /** Root: control ports of attached threads. Attached: the port to the root. */
  readonly #threadPorts = new Set<MessagePort>();
  readonly #rootPort: MessagePort | undefined;
  /** In a spawned worker: the parent's pipe name, until `pipe` is first used. */
  #pipeName: string | undefined;
  #pipe: Pair | undefined;
  /** Sockets the context made itself (spawn pipes): closed by term, not left to the user. */
  readonly #owned = new Set<SocketBase>();
  #terminating = false;
  #termPromise: Promise<void> | undefined;
  #allClosed: (() => void) | undefined;
  readonly #core: ContextCore;

  /** Creates a root context. In a worker, use `Context.attach()` to join the main thread's. */
  constructor();
  /** @internal */
  constructor(rootPort: MessagePort);
  constructor(rootPort?: MessagePort) {
    this.#rootPort = rootPort;
    this.#inproc = new InprocTransport(rootPort);
    if (rootPort) {
      rootPort.on("message", (message: ToThread) => this.#inproc.handleFromRoot(message, () => this.shutdown()));
      rootPort.unref();
    }
    const stream = new StreamTransport();
    this.#transports.set("inproc", this.#inproc);
    this.#transports.set("tcp", stream);
    this.#transports.set("ipc", stream);
    // The view sockets get of us: narrow, and not part of the public surface.
    const self = this;
    this.#core = {
      get terminating() {
        return self.#terminating;
      },
      transport: (scheme) => this.#transport(scheme),
      socketClosed: (socket, lingerDone) => this.#socketClosed(socket, lingerDone),
    };
  }

  /**
   * Creates a socket of the given type (`"REQ"`, `"PUB"`, ...). The result's type follows the
   * literal, so a `"SUB"` socket has no `send`.
   *
   * @example
   * ```ts
   * const rep = ctx.socket("REP", { linger: 0 });
   * await rep.bind("tcp://127.0.0.1:5555");
   * ```
   */
  socket<T extends SocketType>(type: T, options?: SocketOptions<SocketClasses[T]>): SocketClasses[T] {
    if (!isSocketType(type)) {
      throw new ZmqError("EINVAL", `unknown socket type ${JSON.stringify(type)}; use one of ${socketTypes.join(", ")}`);
    }
    if (this.#terminating) throw new ZmqError("ETERM", "cannot create a socket: the context was terminated");
    return this.#makeSocket(type, options);
  }

  #makeSocket<T extends SocketType>(type: T, options?: SocketOptions<SocketClasses[T]>): SocketClasses[T] {
    const socket = new constructors[type](this.#core, options);
    this.#sockets.add(socket);
    if (this.#terminating) socket.contextTerminating();
    return socket as unknown as SocketClasses[T];
  }

  /**
   * In a worker: joins the context of the thread that started it (same inproc namespace,
   * same lifetime). Without an argument it works in workers started by `ctx.spawn`;
   * otherwise pass the handle from `ctx.handle()`. Returns the same view on every call.
   */
  static attach(handle?: ContextHandle): Context {
    if (attached) return attached;
    if (isMainThread) throw new ZmqError("EINVAL", "Context.attach() is for worker threads; in the main thread use new Context()");
    let token = handle;
    if (!token) {
      const boot = parentPort ? receiveMessageOnPort(parentPort)?.message : undefined;
      token = (boot as Record<string, ContextHandle> | undefined)?.[BOOT];
      if (!token) {
        throw new ZmqError("EINVAL", "Context.attach() without a handle only works in a worker started by ctx.spawn(); pass ctx.handle() in workerData");
      }
    }
    if (typeof token !== "object" || token === null || typeof (token.port as MessagePort | undefined)?.postMessage !== "function") {
      throw new ZmqError("EINVAL", "Context.attach(handle) needs the object returned by ctx.handle(), with its port in transferList");
    }
    const context = new Context(token.port);
    context.#pipeName = token.pipe;
    attached = context;
    return context;
  }

  /** In a worker started by `ctx.spawn`: the child's end of the PAIR pipe to the parent. */
  get pipe(): Pair {
    if (!this.#pipe) {
      if (this.#pipeName === undefined) {
        throw new ZmqError("EINVAL", "this context has no pipe: only a worker started by ctx.spawn() has one");
      }
      // Made on first use, so a worker that never talks to its parent has no hidden socket.
      // Reached after term too (a worker closing its pipe on the way out): then it is born
      // terminated, and only `close` works on it, as on every socket of this context.
      this.#pipe = this.#makeSocket("PAIR");
      this.#owned.add(this.#pipe);
      if (!this.#terminating) this.#pipe.connect(`inproc://${this.#pipeName}`);
    }
    return this.#pipe;
  }

  /**
   * Starts a worker thread with this context attached (the guide's attached-thread pattern).
   * `options` go to `new Worker` unchanged. The worker calls `Context.attach()`, and
   * `.pipe` is a PAIR between parent and child.
   */
  spawn(filename: string | URL, options?: WorkerOptions): SpawnedWorker {
    if (this.#terminating) throw new ZmqError("ETERM", "cannot spawn: the context was terminated");
    const name = `threadmq.spawn.${randomUUID()}`;
    const pipe = this.socket("PAIR");
    this.#owned.add(pipe);
    // inproc registers the name synchronously (root) or connect-first covers the gap (worker).
    pipe.bind(`inproc://${name}`).catch(() => {});
    const { port } = this.handle();
    const worker = new Worker(filename, options);
    worker.postMessage({ [BOOT]: { port, pipe: name } }, [port]);
    return Object.assign(worker, { pipe });
  }

  /**
   * A handle for a Worker you start yourself:
   * `new Worker(file, { workerData: { handle }, transferList: [handle.port] })`, then
   * `Context.attach(workerData.handle)` in the worker.
   */
  handle(): ContextHandle {
    const { port1, port2 } = new MessageChannel();
    if (this.#rootPort) this.#rootPort.postMessage({ op: "adopt", port: port1 } satisfies ToRoot, [port1]);
    else this.#serveThread(port1);
    return { port: port2 };
  }

  #serveThread(port: MessagePort): void {
    this.#threadPorts.add(port);
    port.on("close", () => this.#threadPorts.delete(port));
    this.#inproc.serveThread(port, (adopted) => this.#serveThread(adopted));
  }

  /** Sockets of this context that are not closed yet. */
  get sockets(): ReadonlySet<SocketBase> {
    return this.#sockets;
  }

  /**
   * Shuts the context down: every waiting call on its sockets rejects with ETERM, and every
   * later call (except `close`) throws ETERM. Does not wait.
   */
  shutdown(): void {
    if (this.#terminating) return;
    this.#terminating = true;
    for (const socket of this.#sockets) socket.contextTerminating();
    this.#inproc.close();
    for (const port of this.#threadPorts) port.postMessage({ op: "term" } satisfies ToThread);
  }

  /**
   * Terminates the context (zmq_ctx_term): shuts it down, then resolves once every socket has
   * been closed and has finished lingering. The pipes of `spawn` and `Context.attach()` belong
   * to the context and are closed here; every other socket must be closed by its user.
   */
  term(): Promise<void> {
    if (this.#termPromise) return this.#termPromise;
    this.shutdown();
    for (const socket of this.#owned) socket.close();
    // Like zmq_ctx_term, term blocks (keeps the thread alive) until sockets are closed and
    // their lingering output is delivered or expired.
    holdThread();
    this.#termPromise = (async () => {
      if (this.#sockets.size > 0) await new Promise<void>((resolve) => (this.#allClosed = resolve));
      while (this.#lingering.size > 0) await Promise.all([...this.#lingering]);
    })().finally(releaseThread);
    return this.#termPromise;
  }

  #transport(scheme: "inproc" | "tcp" | "ipc"): Transport {
    return this.#transports.get(scheme)!;
  }

  #socketClosed(socket: SocketBase, lingerDone: Promise<void>): void {
    this.#sockets.delete(socket);
    const tracked = lingerDone.then(() => {
      this.#lingering.delete(tracked);
    });
    this.#lingering.add(tracked);
    if (this.#sockets.size === 0) this.#allClosed?.();
  }
}
