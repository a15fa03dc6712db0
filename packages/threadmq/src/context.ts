/**
 * Context: owns sockets, their transports and their lifetime, as libzmq's zmq_ctx.
 * One root context lives in the main thread; workers get a view of it with
 * `Context.attach()` (same inproc namespace, same lifetime).
 */
import { ZmqError } from "./errors.js";
import { InprocTransport } from "./transport/inproc/inproc-transport.js";
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

/** Pluggable network transports, registered by the tcp/ipc module. */
const networkTransports = new Map<"tcp" | "ipc", () => Transport>();

/** @internal */
export function registerNetworkTransport(scheme: "tcp" | "ipc", make: () => Transport): void {
  networkTransports.set(scheme, make);
}

export class Context {
  readonly #sockets = new Set<SocketBase>();
  readonly #lingering = new Set<Promise<void>>();
  readonly #transports = new Map<string, Transport>();
  readonly #inproc = new InprocTransport();
  #terminating = false;
  #termPromise: Promise<void> | undefined;
  #allClosed: (() => void) | undefined;
  readonly #core: ContextCore;

  constructor() {
    this.#transports.set("inproc", this.#inproc);
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
    const socket = new constructors[type](this.#core, options);
    this.#sockets.add(socket);
    return socket as unknown as SocketClasses[T];
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
  }

  /**
   * Terminates the context (zmq_ctx_term): shuts it down, then resolves once every socket has
   * been closed and has finished lingering.
   */
  term(): Promise<void> {
    if (this.#termPromise) return this.#termPromise;
    this.shutdown();
    this.#termPromise = (async () => {
      if (this.#sockets.size > 0) await new Promise<void>((resolve) => (this.#allClosed = resolve));
      while (this.#lingering.size > 0) await Promise.all([...this.#lingering]);
    })();
    return this.#termPromise;
  }

  #transport(scheme: "inproc" | "tcp" | "ipc"): Transport {
    let transport = this.#transports.get(scheme);
    if (!transport) {
      const make = networkTransports.get(scheme as "tcp" | "ipc");
      if (!make) throw new ZmqError("EPROTONOSUPPORT", `the ${scheme} transport is not available in this build`);
      transport = make();
      this.#transports.set(scheme, transport);
    }
    return transport;
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
