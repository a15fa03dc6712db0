/**
 * Poller: waits until any registered socket can receive (POLLIN) or send (POLLOUT),
 * as zmq_poll and the guide's mspoller. Readiness follows libzmq per type (a REQ is
 * POLLIN only while awaiting a reply, a REP POLLOUT only while it owes one).
 */
import { ZmqError } from "./errors.js";
import { holdThread, releaseThread } from "./internal/keep-alive.js";
import type { SocketBase } from "./socket/socket-base.js";

/** The socket has a message to receive. */
export const POLLIN = 1;
/** The socket can send without waiting. */
export const POLLOUT = 2;

export class Poller {
  readonly #registered = new Map<SocketBase, number>();

  /** Watches `socket` for `events` (POLLIN, POLLOUT or both); registering again replaces them. */
  register(socket: SocketBase, events: number = POLLIN): void {
    if (!Number.isInteger(events) || events <= 0 || (events & ~(POLLIN | POLLOUT)) !== 0) {
      throw new ZmqError("EINVAL", `poll events must be POLLIN, POLLOUT or POLLIN | POLLOUT, got ${String(events)}`);
    }
    if (typeof (socket as Partial<SocketBase>)?.onReadiness !== "function") {
      throw new ZmqError("EINVAL", "Poller.register needs a threadmq socket");
    }
    this.#registered.set(socket, events);
  }

  /** Stops watching `socket`. */
  unregister(socket: SocketBase): void {
    this.#registered.delete(socket);
  }

  /** The registered sockets that are ready now, with their ready events. */
  #ready(): Map<SocketBase, number> {
    const ready = new Map<SocketBase, number>();
    for (const [socket, wanted] of this.#registered) {
      let events = 0;
      if (wanted & POLLIN && socket.hasIn()) events |= POLLIN;
      if (wanted & POLLOUT && socket.hasOut()) events |= POLLOUT;
      if (events) ready.set(socket, events);
    }
    return ready;
  }

  /**
   * Resolves as soon as any registered socket is ready, with a map from each ready socket
   * to its ready events; resolves an empty map after `timeoutMs` (-1 or omitted = no limit,
   * 0 = check once).
   */
  poll(timeoutMs = -1): Promise<Map<SocketBase, number>> {
    if (!Number.isInteger(timeoutMs) || timeoutMs < -1) {
      throw new ZmqError("EINVAL", `poll timeout must be an integer >= -1 (ms), got ${String(timeoutMs)}`);
    }
    const now = this.#ready();
    if (now.size > 0 || timeoutMs === 0) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const removers: (() => void)[] = [];
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (settle: () => void) => {
        for (const remove of removers) remove();
        if (timer !== undefined) clearTimeout(timer);
        releaseThread();
        settle();
      };
      const check = () => {
        // As zmq_poll: a terminated context or a closed socket ends the wait with an error.
        for (const socket of this.#registered.keys()) {
          if (socket.terminating) return finish(() => reject(new ZmqError("ETERM", "the context was terminated while polling")));
          if (socket.closed) return finish(() => reject(new ZmqError("ENOTSOCK", `a ${socket.type} socket registered with this Poller was closed while polling`)));
        }
        const ready = this.#ready();
        if (ready.size > 0) finish(() => resolve(ready));
      };
      // A poll waits as a blocked zmq_poll does: it keeps the thread alive until it settles.
      holdThread();
      for (const socket of this.#registered.keys()) removers.push(socket.onReadiness(check));
      if (timeoutMs > 0) timer = setTimeout(() => finish(() => resolve(new Map())), timeoutMs);
    });
  }
}
