/**
 * Transports the socket-pattern scenarios run over. Every scenario is written as a
 * function of a transport; today only same-thread inproc exists, tcp and ipc are
 * added to `transports` when they plug in.
 *
 *   for (const transport of transports) test(`... (${transport})`, async (t) => { ... });
 */
import net from "node:net";
import os from "node:os";
import path from "node:path";
import type { MonitorEvent, MonitorEventType, Socket } from "threadmq";

export type TransportName = "inproc" | "tcp" | "ipc";

/** The transports every pattern test runs over. Extend with "tcp", "ipc" once they exist. */
export const transports: readonly TransportName[] = ["inproc", "tcp", "ipc"];

/** Transports with real connections (handshakes, asynchronous delivery). */
export const networkTransports: readonly TransportName[] = transports.filter((tr) => tr !== "inproc");

/** What libzmq's tests call SETTLE_TIME: used only where libzmq itself sleeps and no signal exists. */
export const SETTLE_MS = 300;

/** How long a helper waits for a signal before it gives up and fails the test. */
export const DEADLINE_MS = 5000;

let counter = 0;

/** A name unique in this process, e.g. for an inproc endpoint. */
export function uniqueName(prefix = "ep"): string {
  return `${prefix}-${process.pid}-${++counter}`;
}

/**
 * Binds `sock` to a fresh endpoint of `transport` and returns the endpoint peers
 * should connect to (for tcp the port the OS picked, from `lastEndpoint`).
 */
export async function bindEndpoint(sock: Socket, transport: TransportName): Promise<string> {
  switch (transport) {
    case "inproc": {
      const ep = `inproc://${uniqueName("bind")}`;
      await sock.bind(ep);
      return ep;
    }
    case "tcp": {
      await sock.bind("tcp://127.0.0.1:0");
      const ep = sock.lastEndpoint;
      if (ep === undefined || ep.endsWith(":0")) throw new Error(`tcp bind did not resolve its port (lastEndpoint ${String(ep)})`);
      return ep;
    }
    case "ipc": {
      const ep = `ipc://${path.join(os.tmpdir(), `${uniqueName("threadmq-test")}.sock`)}`;
      await sock.bind(ep);
      return ep;
    }
  }
}

/**
 * An endpoint nobody has bound yet, for connect-before-bind scenarios.
 * tcp: a port that was free a moment ago.
 */
export async function freshEndpoint(transport: TransportName): Promise<string> {
  switch (transport) {
    case "inproc":
      return `inproc://${uniqueName("fresh")}`;
    case "ipc":
      return `ipc://${path.join(os.tmpdir(), `${uniqueName("threadmq-test")}.sock`)}`;
    case "tcp":
      return await new Promise<string>((resolve, reject) => {
        const server = net.createServer();
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
          const address = server.address();
          server.close(() => {
            if (address && typeof address === "object") resolve(`tcp://127.0.0.1:${address.port}`);
            else reject(new Error("could not find a free tcp port"));
          });
        });
      });
  }
}

/** Resolves after one turn of the event loop: every queued microtask (pipe notification) has run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Lets asynchronous deliveries land where no signal exists (subscriptions reaching a
 * PUB, a message crossing a tcp connection). inproc: one event-loop turn (its
 * notifications are microtasks). tcp/ipc: SETTLE_MS, as libzmq's own tests do.
 */
export async function settle(transport: TransportName): Promise<void> {
  if (transport === "inproc") return tick();
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  await tick();
}

/**
 * Collects a socket's monitor events from the moment it is created, so tests can
 * wait for "handshake", "disconnect", ... with a deadline. One per socket (the
 * monitor is a single-consumer iterable); get it with `watch(sock)`.
 */
export class EventWatch {
  readonly seen: MonitorEvent[] = [];
  #wakers: Array<() => void> = [];

  constructor(sock: Socket) {
    void (async () => {
      for await (const event of sock.events) {
        this.seen.push(event);
        for (const wake of this.#wakers.splice(0)) wake();
      }
      for (const wake of this.#wakers.splice(0)) wake();
    })();
  }

  count(type: MonitorEventType): number {
    return this.seen.filter((e) => e.type === type).length;
  }

  /** Waits until at least `count` events of `type` have been seen in total. */
  async waitFor(type: MonitorEventType, count = 1, timeoutMs = DEADLINE_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.count(type) < count) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${count} "${type}" monitor event(s); saw ${JSON.stringify(this.seen.map((e) => e.type))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wakers.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

const watches = new WeakMap<Socket, EventWatch>();

/** The event watch of `sock`, started on first call (call it before bind/connect). */
export function watch(sock: Socket): EventWatch {
  let w = watches.get(sock);
  if (!w) {
    w = new EventWatch(sock);
    watches.set(sock, w);
  }
  return w;
}

/**
 * Connects each of `peers` to `endpoint` (bound by `binder`), in order, and returns once
 * the binder has a pipe to every one of them, so that round-robin order equals connect
 * order. inproc: connect is immediate. tcp/ipc: waits for the binder's "handshake"
 * monitor event per peer (never a blind sleep, never a retry).
 */
export async function connectPeers(transport: TransportName, binder: Socket, endpoint: string, peers: readonly Socket[]): Promise<void> {
  if (transport === "inproc") {
    for (const peer of peers) peer.connect(endpoint);
    return;
  }
  const w = watch(binder);
  let expected = w.count("handshake");
  for (const peer of peers) {
    const pw = watch(peer);
    const peerExpected = pw.count("handshake") + 1;
    peer.connect(endpoint);
    expected++;
    await w.waitFor("handshake", expected);
    await pw.waitFor("handshake", peerExpected);
  }
}

/**
 * Returns a function that waits for the next `type` event on `sock` that happens after
 * this call. Call it before the action, await the result after:
 *   const disconnected = expectEvent(push, "disconnect"); pull.close(); await disconnected();
 */
export function expectEvent(sock: Socket, type: MonitorEventType, timeoutMs = DEADLINE_MS): () => Promise<void> {
  const w = watch(sock);
  const target = w.count(type) + 1;
  return () => w.waitFor(type, target, timeoutMs);
}
