/**
 * Building blocks shared by the throughput modules: variants that push n messages from
 * the main thread to a receiver peer (workers/sink.js) and time until it reports n
 * received. The clock runs from just before the first send to the moment the receiver's
 * "done" reply arrives (so it includes draining everything still queued, plus one
 * control wake-up of ~50 µs, negligible at these counts).
 */
import { Context, type Push } from "threadmq";
import { Peer, dataChannel } from "../peer.js";
import { latencySummary, ratePerSecond } from "../stats.js";
import type { MetricSpec, Session, Variant } from "../types.js";

export const SINK = new URL("../workers/sink.js", import.meta.url);
export const ECHO = new URL("../workers/echo.js", import.meta.url);

export const RATE: MetricSpec = { key: "rate", label: "msgs/s", kind: "rate", better: "higher" };

let unique = 0;
/** A fresh inproc / endpoint name, unique in this process. */
export function uniqueName(prefix: string): string {
  return `bench-${prefix}-${process.pid}-${++unique}`;
}

export function sizeLabel(bytes: number): string {
  return bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} B`;
}

function check(got: { count: number; bytes: number }, n: number, size: number, who: string): void {
  if (got.count !== n || got.bytes !== n * size) {
    throw new Error(`${who}: receiver got ${got.count} messages / ${got.bytes} bytes, expected ${n} / ${n * size}`);
  }
}

/** Timed stretch: arm the receiver, start the clock, send, wait for "done". */
async function timed(peer: Peer, mode: string, n: number, size: number, who: string, send: () => void | Promise<void>) {
  await peer.call("arm", { n, mode });
  const done = peer.call<{ count: number; bytes: number }>("done");
  const t0 = performance.now();
  await send();
  const got = await done;
  const ms = performance.now() - t0;
  check(got, n, size, who);
  return { rate: ratePerSecond(n, ms) };
}

export type TmqMode = "await" | "try";

/**
 * threadmq PUSH (main, bound) -> PULL (connected) over cross-thread inproc (receiver in a
 * worker thread), or over tcp 127.0.0.1 with the receiver in a worker thread or a child
 * process (a root context of its own there).
 * "await": `await push.send()` per message, receiver `await pull.receive()` per message.
 * "try":   `push.trySend()` and `pull.tryReceive()`, each falling back to the awaiting call
 *          only when it would block: the idiomatic fast path.
 */
export function threadmqPushPull(
  name: string,
  mode: TmqMode,
  size: number,
  n: number,
  socketOptions: object = {},
  transport: "inproc" | "tcp" = "inproc",
  where: "thread" | "process" = "thread",
): Variant {
  return {
    name,
    note:
      (transport === "tcp" ? `tcp 127.0.0.1, PUSH bound in main, PULL connected in a worker ${where}; ` : "") +
      (mode === "await"
        ? "await push.send() / await pull.receive() per message"
        : "trySend / tryReceive loops, falling back to await send() / receive() when they would block"),
    async open(): Promise<Session> {
      if (transport === "inproc" && where === "process") throw new Error("inproc cannot cross processes");
      const ctx = new Context();
      const push: Push = ctx.socket("PUSH", { linger: 0, ...socketOptions });
      await push.bind(transport === "inproc" ? `inproc://${uniqueName("push")}` : "tcp://127.0.0.1:0");
      const endpoint = push.lastEndpoint!;
      let peer: Peer | undefined;
      try {
        peer = where === "thread" ? await Peer.thread(SINK, { ctx }) : await Peer.process(SINK);
        await peer.call("tmq.open", { endpoint, options: { linger: 0, ...socketOptions } });
      } catch (error) {
        push.close();
        await peer?.close();
        await ctx.term();
        throw error;
      }
      const p = peer;
      const buf = Buffer.alloc(size, 0x61);
      return {
        run: () =>
          timed(p, mode, n, size, name, async () => {
            if (mode === "await") {
              for (let i = 0; i < n; i++) await push.send(buf);
            } else {
              for (let i = 0; i < n; i++) if (!push.trySend(buf)) await push.send(buf);
            }
          }),
        async close() {
          push.close();
          await p.close();
          for (const s of [...ctx.sockets]) s.close();
          await ctx.term();
        },
      };
    },
  };
}

/**
 * Raw MessagePort.postMessage from main to the worker, `batch` messages per call
 * (batch 1: one Uint8Array per call; batch 64: an array of 64 distinct Uint8Arrays per
 * call, so structured clone copies each). No flow control: the sender posts everything,
 * the receiver counts.
 */
export function postMessageVariant(name: string, size: number, n: number, batch: number): Variant {
  return {
    name,
    note: batch === 1 ? "port.postMessage(uint8array) per message" : `port.postMessage([${batch} distinct uint8arrays]) per call`,
    async open(): Promise<Session> {
      const peer = await Peer.thread(SINK);
      const { local, remote } = dataChannel();
      await peer.call("port", { port: remote }, [remote]);
      const one = Buffer.alloc(size, 0x61);
      const many = Array.from({ length: batch }, () => Buffer.alloc(size, 0x61));
      const total = Math.ceil(n / batch) * batch;
      return {
        run: () =>
          timed(peer, "port", total, size, name, () => {
            if (batch === 1) for (let i = 0; i < total; i++) local.postMessage(one);
            else for (let i = 0; i < total; i += batch) local.postMessage(many);
          }),
        async close() {
          local.close();
          await peer.close();
        },
      };
    },
  };
}

/**
 * zeromq.js (libzmq) PUSH in the main thread, PULL in a worker thread (or a child process),
 * `await push.send()` per message. zeromq.js shares one global libzmq context between the
 * threads of a process, so inproc works across worker threads.
 */
export function zeromqPushPull(name: string, transport: "inproc" | "tcp", size: number, n: number, where: "thread" | "process" = "thread"): Variant {
  return {
    name,
    note: `zeromq.js ${transport}: Push.bind in main, Pull.connect in a worker ${where}; await send() / await receive() per message`,
    async open(): Promise<Session> {
      if (transport === "inproc" && where === "process") throw new Error("inproc cannot cross processes");
      const zmq = await import("zeromq");
      const push = new zmq.Push({ linger: 0 });
      await push.bind(transport === "inproc" ? `inproc://${uniqueName("zmq")}` : "tcp://127.0.0.1:*");
      const endpoint = push.lastEndpoint!;
      let peer: Peer | undefined;
      try {
        peer = where === "thread" ? await Peer.thread(SINK) : await Peer.process(SINK);
        await peer.call("zmq.open", { endpoint });
      } catch (error) {
        push.close();
        await peer?.close();
        throw error;
      }
      const p = peer;
      const buf = Buffer.alloc(size, 0x61);
      return {
        run: () =>
          timed(p, "zmq", n, size, name, async () => {
            for (let i = 0; i < n; i++) await push.send(buf);
          }),
        async close() {
          push.close();
          await p.close();
        },
      };
    },
  };
}

/**
 * Calls/s of an async call: runs `total` calls keeping `inFlight` of them outstanding
 * (that many lanes, each awaiting its call before starting the next one).
 */
export async function inFlightRate(call: () => Promise<unknown>, total: number, inFlight: number): Promise<{ rate: number }> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < total) {
      started++;
      await call();
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
  return { rate: ratePerSecond(total, performance.now() - t0) };
}

/** Round-trip latency of an async call, `n` calls one after the other: p50/p99/mean/min/max in µs. */
export async function sequentialLatency(call: () => Promise<unknown>, n: number) {
  const lat = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    lat[i] = (performance.now() - t0) * 1000;
  }
  return latencySummary(lat);
}

/** p50 (primary), p99 and mean of a round trip, in µs. */
export const LATENCY: readonly MetricSpec[] = [
  { key: "p50", label: "p50", kind: "micros", better: "lower" },
  { key: "p99", label: "p99", kind: "micros", better: "lower" },
  { key: "mean", label: "mean", kind: "micros", better: "lower" },
];
