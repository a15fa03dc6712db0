/**
 * A socket's endpoint bookkeeping: its live binds and connects, and which of them made
 * each pipe, so unbind/disconnect end exactly that endpoint's pipes. Owned by one socket.
 */
import { ZmqError } from "../errors.js";
import type { Pipe } from "../pipe/pipe.js";
import type { EndpointHandle } from "../transport/transport.js";

type Kind = "bind" | "connect";

interface Binding {
  kind: Kind;
  requested: string;
  handle: EndpointHandle;
}

export class Endpoints {
  readonly #bindings: Binding[] = [];
  readonly #origin = new Map<Pipe, EndpointHandle>();

  add(kind: Kind, requested: string, handle: EndpointHandle): void {
    this.#bindings.push({ kind, requested, handle });
  }

  /**
   * Removes the bind or connect named `endpoint` (as given, or as resolved), closes it, and
   * returns the pipes it made; throws ENOENT if there is none. A wildcard (`tcp://…:*`,
   * `ipc://*`) names nothing to unbind: libzmq wants the resolved `lastEndpoint`.
   */
  remove(kind: Kind, endpoint: string): Pipe[] {
    const index = this.#bindings.findIndex(
      (b) =>
        b.kind === kind &&
        (b.requested === endpoint || b.handle.address === endpoint) &&
        !(kind === "bind" && isWildcard(endpoint) && b.handle.address !== endpoint),
    );
    if (index < 0) throw new ZmqError("ENOENT", `${endpoint} is not ${kind === "bind" ? "bound" : "connected"} on this socket`);
    const [binding] = this.#bindings.splice(index, 1);
    binding!.handle.close();
    return [...this.#origin].filter(([, origin]) => origin === binding!.handle).map(([pipe]) => pipe);
  }

  /** Closes every bind and connect (the socket closes). */
  closeAll(): void {
    for (const binding of this.#bindings.splice(0)) binding.handle.close();
  }

  pipeAdded(pipe: Pipe, origin: EndpointHandle): void {
    this.#origin.set(pipe, origin);
  }

  /** Forgets a pipe; returns the endpoint that made it. */
  pipeRemoved(pipe: Pipe): EndpointHandle | undefined {
    const origin = this.#origin.get(pipe);
    this.#origin.delete(pipe);
    return origin;
  }
}

/** An endpoint whose address is chosen at bind time: tcp port `*` or 0, `ipc://*`. */
function isWildcard(endpoint: string): boolean {
  return /^tcp:\/\/.*:(\*|0)$/.test(endpoint) || endpoint === "ipc://*";
}
