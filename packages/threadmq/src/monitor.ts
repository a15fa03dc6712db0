/**
 * Monitor events (`sock.events`): what happened to a socket's endpoints and
 * connections, as libzmq's zmq_socket_monitor reports it. Events are buffered only
 * once somebody asked for `events`, and at most `MAX_BUFFERED` of them (oldest
 * dropped), so an unread monitor never grows without bound.
 */
import { Deque } from "./internal/deque.js";
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
  readonly #buffer = new Deque<MonitorEvent>();
  readonly #waiters = new Deque<(result: IteratorResult<MonitorEvent>) => void>();

  /** @internal */
  emit(event: MonitorEvent): void {
    if (!this.#enabled || this.#ended) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      releaseThread();
      return waiter({ value: event, done: false });
    }
    if (this.#buffer.length >= MAX_BUFFERED) this.#buffer.shift();
    this.#buffer.push(event);
  }

  /** @internal Ends iteration after the buffered events (the socket closed). */
  end(): void {
    if (this.#ended) return;
    this.emit({ type: "end", address: "" });
    this.#ended = true;
    for (const waiter of this.#waiters.clear()) {
      releaseThread();
      waiter({ value: undefined, done: true });
    }
  }

  /** @internal Starts buffering: called when the user first reads `events`. */
  enable(): this {
    this.#enabled = true;
    return this;
  }

  /** Waits for the next event; resolves `undefined` once the socket closed and all events were read. */
  async next(): Promise<MonitorEvent | undefined> {
    const result = await this.#next();
    return result.done ? undefined : result.value;
  }

  #next(): Promise<IteratorResult<MonitorEvent>> {
    const event = this.#buffer.shift();
    if (event) return Promise.resolve({ value: event, done: false });
    if (this.#ended) return Promise.resolve({ value: undefined, done: true });
    // Waiting for an event keeps the thread alive, as a waiting receive does, until close.
    holdThread();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<MonitorEvent> {
    return { next: () => this.#next() };
  }
}
