/**
 * Monitor events (`sock.events`): what happened to a socket's endpoints and
 * connections, as libzmq's zmq_socket_monitor reports it.
 *
 * Events are recorded once somebody asked for `events`, in a log of at most
 * `MAX_BUFFERED` entries (oldest dropped), so an unread monitor never grows without
 * bound. Every `for await` over the monitor reads the log with its own cursor, from the
 * oldest recorded event on, so several readers (a logger and a test, say) each see every
 * event. Iteration ends after the socket closed and the log is read.
 */
import { holdThread, releaseThread } from "./internal/keep-alive.js";

export type MonitorEventType =
  | "bind"
  | "bind:error"
  | "accept"
  | "accept:error"
  | "connect"
  | "connect:delay"
  | "connect:retry"
  | "disconnect"
  | "handshake"
  | "handshake-failed"
  | "close"
  | "end";

/** One monitor event. `address` is the endpoint concerned; `reason` explains failures. */
export interface MonitorEvent {
  type: MonitorEventType;
  address: string;
  reason?: string;
  /** For `connect:retry`: milliseconds until the next attempt. */
  interval?: number;
}

const MAX_BUFFERED = 1000;

export class Monitor implements AsyncIterable<MonitorEvent> {
  #enabled = false;
  #ended = false;
  /** The log: `#log[i]` is event number `#first + i`. */
  #log: MonitorEvent[] = [];
  #first = 0;
  readonly #waiters = new Set<() => void>();
  /** The cursor of `next()`. */
  #cursor = 0;

  /** @internal */
  emit(event: MonitorEvent): void {
    if (!this.#enabled || this.#ended) return;
    this.#log.push(event);
    if (this.#log.length > MAX_BUFFERED) {
      this.#log = this.#log.slice(this.#log.length - MAX_BUFFERED);
      this.#first += 1;
    }
    this.#wake();
  }

  /** @internal Ends iteration after the recorded events (the socket closed). */
  end(): void {
    if (this.#ended) return;
    this.emit({ type: "end", address: "" });
    this.#ended = true;
    this.#wake();
  }

  /** @internal Starts recording: called when the user first reads `events`. */
  enable(): this {
    this.#enabled = true;
    return this;
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** Event number `position`, waiting for it; undefined once the log ended before it. */
  async #at(position: number): Promise<{ event: MonitorEvent; position: number } | undefined> {
    for (;;) {
      const index = Math.max(position, this.#first) - this.#first;
      const event = this.#log[index];
      if (event) return { event, position: this.#first + index + 1 };
      if (this.#ended) return undefined;
      // Waiting for an event keeps the thread alive, as a waiting receive does, until close.
      holdThread();
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#waiters.delete(wake);
          resolve();
        };
        this.#waiters.add(wake);
      }).finally(releaseThread);
    }
  }

  /** Waits for the next event of the shared cursor; `undefined` once the socket closed and all were read. */
  async next(): Promise<MonitorEvent | undefined> {
    const found = await this.#at(this.#cursor);
    if (!found) return undefined;
    this.#cursor = found.position;
    return found.event;
  }

  [Symbol.asyncIterator](): AsyncIterator<MonitorEvent> {
    let position = this.#first;
    return {
      next: async () => {
        const found = await this.#at(position);
        if (!found) return { value: undefined, done: true };
        position = found.position;
        return { value: found.event, done: false };
      },
      return: async () => ({ value: undefined, done: true }),
    };
  }
}
