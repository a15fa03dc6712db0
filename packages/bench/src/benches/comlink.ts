/**
 * comlink over threadmq vs comlink over a MessagePort, main -> one worker thread calling
 * `api.add(1, 2)` (workers/comlink-api.ts):
 * - "comlink over MessagePort (node adapter)": comlink's own node adapter on a MessagePort
 *   (a MessageChannel of its own, not the bench's control channel); the baseline;
 * - "comlink over threadmq PAIR": @threadmq/comlink's `socketEndpoint` on the PAIR that
 *   `ctx.spawn` makes between parent and worker (inproc, SharedArrayBuffer ring);
 * - "... busyPoll 100µs" (one call at a time only): the same with `busyPoll` on both ends.
 * Cases: calls/s with 1000 calls in flight, and round trip of one call at a time.
 * Targets: threadmq no slower than the MessagePort; with busyPoll, faster.
 */
import type * as ComlinkTypes from "comlink";
import type nodeAdapter from "comlink/dist/umd/node-adapter.js";
import { Context, type SpawnedWorker } from "threadmq";
import { Peer, dataChannel } from "../peer.js";
import type { BenchModule, MetricSpec, Session, Variant } from "../types.js";
import { LATENCY, inFlightRate, sequentialLatency } from "./common.js";

// Loaded when a variant opens (main.ts loads every module to list them).
const loadComlink = () => import("comlink");
const loadNodeEndpoint = async () => {
  const adapter = (await import("comlink/dist/umd/node-adapter.js")).default;
  // comlink's node adapter is a UMD module: at run time its default export is the function itself.
  return ((adapter as unknown as { default?: unknown }).default ?? adapter) as unknown as typeof nodeAdapter.default;
};

const API = new URL("../workers/comlink-api.js", import.meta.url);
const IN_FLIGHT = 1000;

interface Api {
  add(a: number, b: number): number;
}

const CALLS: MetricSpec = { key: "rate", label: "calls/s", kind: "rate", better: "higher" };

const PORT = "comlink over MessagePort (node adapter)";
const PAIR = "comlink over threadmq PAIR";
const POLL_MICROS = 100;
const PAIR_POLL = `comlink over threadmq PAIR, busyPoll ${POLL_MICROS}µs`;

type Measure = (api: ComlinkTypes.Remote<Api>) => Promise<Record<string, number>>;

function portVariant(measure: Measure): Variant {
  return {
    name: PORT,
    note: "Comlink.wrap(nodeEndpoint(port)) / Comlink.expose(api, nodeEndpoint(port)) on a dedicated MessageChannel",
    async open(): Promise<Session> {
      const Comlink = await loadComlink();
      const nodeEndpoint = await loadNodeEndpoint();
      const peer = await Peer.thread(API);
      const { local, remote } = dataChannel();
      await peer.call("port", { port: remote }, [remote]);
      const api = Comlink.wrap<Api>(nodeEndpoint(local));
      return {
        run: () => measure(api),
        async close() {
          api[Comlink.releaseProxy]();
          local.close();
          await peer.close();
        },
      };
    },
  };
}

function pairVariant(measure: Measure, busyPoll = 0): Variant {
  return {
    name: busyPoll === 0 ? PAIR : PAIR_POLL,
    note:
      busyPoll === 0
        ? "Comlink.wrap(socketEndpoint(worker.pipe)) / Comlink.expose(api, socketEndpoint(Context.attach().pipe)), inproc PAIR made by ctx.spawn, default options"
        : `the same, with busyPoll ${busyPoll} µs on both ends of the PAIR`,
    async open(): Promise<Session> {
      const Comlink = await loadComlink();
      const { socketEndpoint } = await import("@threadmq/comlink");
      const ctx = new Context();
      const peer = await Peer.thread(API, { ctx });
      await peer.call("socket", { busyPoll });
      const pipe = (peer.worker as SpawnedWorker).pipe;
      pipe.busyPoll = busyPoll;
      const endpoint = socketEndpoint(pipe);
      const api = Comlink.wrap<Api>(endpoint as unknown as ComlinkTypes.Endpoint);
      return {
        run: () => measure(api),
        async close() {
          api[Comlink.releaseProxy]();
          await peer.close();
          endpoint.close();
          for (const s of [...ctx.sockets]) s.close();
          await ctx.term();
        },
      };
    },
  };
}

const mod: BenchModule = {
  name: "comlink",
  title: "comlink over threadmq vs over a MessagePort, main ↔ worker",
  description:
    "comlink calls of api.add(1, 2) from the main thread to a worker: over a threadmq PAIR (@threadmq/comlink socketEndpoint on the ctx.spawn pipe) vs over a MessagePort with comlink's node adapter. Calls/s with 1000 in flight, and the round trip of one call at a time (also with busyPoll 100 µs on both ends of the PAIR).",
  cases: (o) => {
    const calls = o.scale(50_000, 2_000);
    const latency = o.scale(1_000, 200);
    return [
      {
        name: "calls, 1000 in flight",
        metrics: [CALLS],
        baseline: PORT,
        variants: [portVariant((api) => inFlightRate(() => api.add(1, 2), calls, IN_FLIGHT)), pairVariant((api) => inFlightRate(() => api.add(1, 2), calls, IN_FLIGHT))],
        targets: [{ label: "no slower than MessagePort", variant: PAIR, metric: "rate", op: ">=", value: { variant: PORT } }],
      },
      {
        name: "one call at a time",
        metrics: LATENCY,
        primary: "p50",
        secondary: "p99",
        baseline: PORT,
        samplesPerRound: 3,
        // threadmq's path is JS end to end: its first few thousand round trips run before
        // V8 has optimized it (up to ~3x slower), so warm every variant up for 3 samples.
        warmup: 3,
        variants: [
          portVariant((api) => sequentialLatency(() => api.add(1, 2), latency)),
          pairVariant((api) => sequentialLatency(() => api.add(1, 2), latency)),
          pairVariant((api) => sequentialLatency(() => api.add(1, 2), latency), POLL_MICROS),
        ],
        targets: [
          // Both are bound by the same OS thread wake-up; 5% covers round-to-round jitter of the medians (as in reqrep-latency).
          { label: "p50 no slower than MessagePort (+5%)", variant: PAIR, metric: "p50", op: "<=", value: { variant: PORT, factor: 1.05 } },
          // Opt-in: replies within the window need no wake-up at all.
          { label: "busyPoll p50 faster than MessagePort", variant: PAIR_POLL, metric: "p50", op: "<=", value: { variant: PORT } },
        ],
      },
    ];
  },
};

export default mod;
