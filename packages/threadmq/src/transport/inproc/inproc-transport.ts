/**
 * inproc:// within one thread: bind registers a name, connect joins the two sockets
 * with a LocalPipe pair (messages handed over by reference). Connect before bind
 * works: the connector gets its pipe at once and its messages wait in it (capacity:
 * the connector's SNDHWM) until a socket binds the name, which then adopts the other end.
 * Names are per context; cross-thread names go through the context's directory.
 */
import { ZmqError } from "../../errors.js";
import type { Endpoint } from "../../endpoint.js";
import { LocalPipe, type LocalPipeEndInfo } from "../../pipe/local-pipe.js";
import type { EndpointHandle, SocketCore, Transport } from "../transport.js";

interface Binding {
  socket: SocketCore;
  handle: EndpointHandle;
}

interface ParkedConnect {
  /** The end the binder will adopt. */
  pipe: LocalPipe;
  connector: EndpointHandle;
}

/** HWM share of an end whose owner is not known yet: adds nothing to the capacity. */
const UNKNOWN_SHARE = -1;

export class InprocTransport implements Transport {
  readonly #bound = new Map<string, Binding>();
  readonly #parked = new Map<string, ParkedConnect[]>();

  async bind(socket: SocketCore, endpoint: Endpoint): Promise<EndpointHandle> {
    const name = (endpoint as Extract<Endpoint, { scheme: "inproc" }>).name;
    if (this.#bound.has(name)) {
      throw new ZmqError("EADDRINUSE", `${endpoint.text} is already bound in this context; unbind it first or pick another name`);
    }
    const handle: EndpointHandle = {
      address: endpoint.text,
      close: () => {
        if (this.#bound.get(name)?.handle === handle) this.#bound.delete(name);
      },
    };
    this.#bound.set(name, { socket, handle });
    const parked = this.#parked.get(name) ?? [];
    this.#parked.delete(name);
    const owner = endInfo(socket, endpoint.text);
    for (const { pipe } of parked) {
      pipe.introduceOwner(owner);
      socket.attachPipe(pipe, handle);
      socket.emit({ type: "accept", address: endpoint.text });
    }
    return handle;
  }

  connect(socket: SocketCore, endpoint: Endpoint): EndpointHandle {
    const name = (endpoint as Extract<Endpoint, { scheme: "inproc" }>).name;
    const handle: EndpointHandle = {
      address: endpoint.text,
      close: () => {
        const list = this.#parked.get(name);
        if (!list) return;
        const remaining = list.filter((entry) => entry.connector !== handle);
        for (const entry of list) if (entry.connector === handle) entry.pipe.terminate(0);
        if (remaining.length > 0) this.#parked.set(name, remaining);
        else this.#parked.delete(name);
      },
    };
    const binding = this.#bound.get(name);
    const mine = endInfo(socket, endpoint.text);
    if (binding) {
      const [ours, theirs] = LocalPipe.pair(mine, endInfo(binding.socket, endpoint.text));
      socket.attachPipe(ours, handle);
      binding.socket.attachPipe(theirs, binding.handle);
      socket.emit({ type: "connect", address: endpoint.text });
      binding.socket.emit({ type: "accept", address: endpoint.text });
    } else {
      const pending: LocalPipeEndInfo = { endpoint: endpoint.text, socketType: undefined, routingId: undefined, sendHwm: UNKNOWN_SHARE, receiveHwm: UNKNOWN_SHARE };
      const [ours, theirs] = LocalPipe.pair(mine, pending);
      socket.attachPipe(ours, handle);
      const list = this.#parked.get(name) ?? [];
      list.push({ pipe: theirs, connector: handle });
      this.#parked.set(name, list);
    }
    return handle;
  }

  /** Ends every parked connect (the context is terminating). */
  close(): void {
    for (const list of this.#parked.values()) for (const { pipe } of list) pipe.terminate(0);
    this.#parked.clear();
  }
}

function endInfo(socket: SocketCore, endpoint: string): LocalPipeEndInfo {
  return {
    endpoint,
    socketType: socket.type,
    routingId: socket.option("routingId") as Buffer | undefined,
    sendHwm: socket.option("sendHighWaterMark") as number,
    receiveHwm: socket.option("receiveHighWaterMark") as number,
  };
}
