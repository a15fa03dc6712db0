/**
 * inproc:// — one namespace per context, shared by the main thread and every attached
 * worker. Owned by one thread; each thread with a context has one.
 *
 * - Both sockets in this thread, bound first: a LocalPipe pair, messages handed over by
 *   reference.
 * - Anything else (the binder in another thread, or not bound yet): the connector makes a
 *   SharedPipe at once and attaches its end, so messages queue from the first send (capacity:
 *   its SNDHWM until the binder adds its RCVHWM). The other end's descriptor travels to the
 *   root's directory, which hands it to the binding thread now or when the bind happens.
 * - The root (main thread) owns the directory: which thread binds which name, and the
 *   descriptors waiting for a bind. Attached threads reach it over a control MessagePort.
 */
import type { MessagePort, TransferListItem } from "node:worker_threads";
import { ZmqError, type WireError } from "../../errors.js";
import type { Endpoint } from "../../endpoint.js";
import { LocalPipe, type LocalPipeEndInfo } from "../../pipe/local-pipe.js";
import { createSharedPipe, openSharedPipe, type SharedPipeDescriptor } from "../../pipe/shared-pipe-setup.js";
import { holdThread, releaseThread } from "../../internal/keep-alive.js";
import type { EndpointHandle, SocketCore, Transport } from "../transport.js";

interface Binding {
  socket: SocketCore;
  handle: EndpointHandle;
}

/** Control messages from an attached thread to the root. */
export type ToRoot =
  | { op: "bind"; id: number; name: string }
  | { op: "unbind"; name: string }
  | { op: "connect"; name: string; pipe: SharedPipeDescriptor }
  | { op: "adopt"; port: MessagePort };

/** Control messages from the root to an attached thread. */
export type ToThread =
  | { op: "bound"; id: number; error?: WireError }
  | { op: "attach"; name: string; pipe: SharedPipeDescriptor }
  | { op: "term" };

type Owner = "here" | MessagePort;

export class InprocTransport implements Transport {
  readonly #bound = new Map<string, Binding>();
  /** Root only: who binds each name in the whole context. */
  readonly #directory = new Map<string, Owner>();
  /** Root only: descriptors of connects waiting for a bind. */
  readonly #waiting = new Map<string, SharedPipeDescriptor[]>();
  /** Attached threads only: the root's control port, and binds awaiting its answer. */
  readonly #root: MessagePort | undefined;
  readonly #pendingBinds = new Map<number, { resolve(): void; reject(error: ZmqError): void }>();
  #nextBindId = 0;

  /** `root` is the control port to the main thread's directory; omit it in the main thread. */
  constructor(root?: MessagePort) {
    this.#root = root;
  }

  get isRoot(): boolean {
    return this.#root === undefined;
  }

  async bind(socket: SocketCore, endpoint: Endpoint): Promise<EndpointHandle> {
    const name = inprocName(endpoint);
    if (this.#bound.has(name) || (this.isRoot && this.#directory.has(name))) throw addressInUse(endpoint.text);
    const handle: EndpointHandle = {
      address: endpoint.text,
      close: () => {
        if (this.#bound.get(name)?.handle !== handle) return;
        this.#bound.delete(name);
        if (this.#root) this.#root.postMessage({ op: "unbind", name } satisfies ToRoot);
        else this.#directory.delete(name);
      },
    };
    this.#bound.set(name, { socket, handle });
    if (this.#root) {
      try {
        await this.#askRoot(name);
      } catch (error) {
        this.#bound.delete(name);
        throw error;
      }
    } else {
      this.#directory.set(name, "here");
      const waiting = this.#waiting.get(name) ?? [];
      this.#waiting.delete(name);
      for (const descriptor of waiting) this.#adopt(name, descriptor);
    }
    return handle;
  }

  #askRoot(name: string): Promise<void> {
    const id = this.#nextBindId++;
    // The control port is unref'd, so the answer alone would not keep this thread alive.
    holdThread();
    return new Promise<void>((resolve, reject) => {
      this.#pendingBinds.set(id, { resolve, reject });
      this.#root!.postMessage({ op: "bind", id, name } satisfies ToRoot);
    }).finally(releaseThread);
  }

  connect(socket: SocketCore, endpoint: Endpoint): EndpointHandle {
    const name = inprocName(endpoint);
    const handle: EndpointHandle = { address: endpoint.text, close: () => {} };
    const binding = this.#bound.get(name);
    if (binding) {
      const [ours, theirs] = LocalPipe.pair(endInfo(socket, endpoint.text), endInfo(binding.socket, endpoint.text));
      socket.attachPipe(ours, handle);
      binding.socket.attachPipe(theirs, binding.handle);
      binding.socket.emit({ type: "accept", address: endpoint.text });
    } else {
      const { local, remote, transfer } = createSharedPipe({ ...sharedInfo(socket), endpoint: endpoint.text });
      socket.attachPipe(local, handle);
      if (this.#root) this.#root.postMessage({ op: "connect", name, pipe: remote } satisfies ToRoot, transfer);
      else this.#route(name, remote, transfer);
    }
    socket.emit({ type: "connect", address: endpoint.text });
    return handle;
  }

  /** Root: sends a connector's descriptor to the binding thread, or keeps it until a bind. */
  #route(name: string, descriptor: SharedPipeDescriptor, transfer: readonly TransferListItem[] = []): void {
    const owner = this.#directory.get(name);
    if (owner === "here") this.#adopt(name, descriptor);
    else if (owner) owner.postMessage({ op: "attach", name, pipe: descriptor } satisfies ToThread, [...transfer]);
    else {
      const list = this.#waiting.get(name) ?? [];
      list.push(descriptor);
      this.#waiting.set(name, list);
    }
  }

  /** Opens a descriptor for the socket bound to `name` in this thread. */
  #adopt(name: string, descriptor: SharedPipeDescriptor): void {
    const binding = this.#bound.get(name);
    if (!binding) {
      // The bind went away while the descriptor travelled: end the connector's pipe.
      openSharedPipe(descriptor, { socketType: "", sendHwm: 1, receiveHwm: 1 }).terminate(0);
      return;
    }
    const pipe = openSharedPipe(descriptor, sharedInfo(binding.socket));
    binding.socket.attachPipe(pipe, binding.handle);
    binding.socket.emit({ type: "accept", address: binding.handle.address });
  }

  // ---- control channel ----------------------------------------------------------

  /** Root: serves one attached thread's control port until it closes (the thread ended). */
  serveThread(port: MessagePort, onAdopt: (port: MessagePort) => void): void {
    port.on("message", (message: ToRoot) => {
      switch (message.op) {
        case "bind": {
          const taken = this.#directory.has(message.name);
          if (!taken) this.#directory.set(message.name, port);
          port.postMessage({
            op: "bound",
            id: message.id,
            ...(taken ? { error: addressInUse(`inproc://${message.name}`).toWire() } : {}),
          } satisfies ToThread);
          if (!taken) {
            const waiting = this.#waiting.get(message.name) ?? [];
            this.#waiting.delete(message.name);
            for (const descriptor of waiting) this.#route(message.name, descriptor, transferablesOf(descriptor));
          }
          break;
        }
        case "unbind":
          if (this.#directory.get(message.name) === port) this.#directory.delete(message.name);
          break;
        case "connect":
          this.#route(message.name, message.pipe, transferablesOf(message.pipe));
          break;
        case "adopt":
          onAdopt(message.port);
          break;
      }
    });
    port.on("close", () => {
      for (const [name, owner] of this.#directory) if (owner === port) this.#directory.delete(name);
    });
    port.unref();
  }

  /** Attached thread: handles what the root sends. */
  handleFromRoot(message: ToThread, onTerm: () => void): void {
    switch (message.op) {
      case "bound": {
        const pending = this.#pendingBinds.get(message.id);
        this.#pendingBinds.delete(message.id);
        if (message.error) pending?.reject(ZmqError.fromWire(message.error));
        else pending?.resolve();
        break;
      }
      case "attach":
        this.#adopt(message.name, message.pipe);
        break;
      case "term":
        onTerm();
        break;
    }
  }

  /** Ends every connect still waiting for a bind (the context terminates), so nothing hangs. */
  close(): void {
    for (const list of this.#waiting.values()) {
      for (const descriptor of list) openSharedPipe(descriptor, { socketType: "", sendHwm: 1, receiveHwm: 1 }).terminate(0);
    }
    this.#waiting.clear();
    for (const pending of this.#pendingBinds.values()) pending.reject(new ZmqError("ETERM", "the context was terminated"));
    this.#pendingBinds.clear();
  }
}

function inprocName(endpoint: Endpoint): string {
  return (endpoint as Extract<Endpoint, { scheme: "inproc" }>).name;
}

function addressInUse(address: string): ZmqError {
  return new ZmqError("EADDRINUSE", `${address} is already bound in this context; unbind it first or pick another name`);
}

function endInfo(socket: SocketCore, endpoint: string): LocalPipeEndInfo {
  return { endpoint, ...sharedInfo(socket) };
}

function sharedInfo(socket: SocketCore) {
  const routingId = socket.option("routingId") as Buffer | undefined;
  return {
    socketType: socket.type as string,
    ...(routingId ? { routingId } : {}),
    sendHwm: socket.option("sendHighWaterMark") as number,
    receiveHwm: socket.option("receiveHighWaterMark") as number,
  };
}

/** What must be transferred along with a descriptor. */
function transferablesOf(descriptor: SharedPipeDescriptor): TransferListItem[] {
  return [descriptor.port];
}
