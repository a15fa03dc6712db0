/**
 * 3. Cross-thread REQ/REP round trip, main (REQ) <-> worker (REP), 16 B: p50/p99 latency.
 * threadmq default vs threadmq with busyPoll on both sockets vs a MessagePort ping-pong.
 * Targets: default p50 no slower than the postMessage ping-pong; busyPoll p50 < 10 µs.
 */
import { Context, type Request } from "threadmq";
import { Peer, dataChannel } from "../peer.js";
import { latencySummary } from "../stats.js";
import type { BenchModule, MetricSpec, Session, Variant } from "../types.js";
import { ECHO, uniqueName } from "./common.js";

const METRICS: MetricSpec[] = [
  { key: "p50", label: "p50", kind: "micros", better: "lower" },
  { key: "p99", label: "p99", kind: "micros", better: "lower" },
  { key: "mean", label: "mean", kind: "micros", better: "lower" },
];

const SIZE = 16;

function threadmqVariant(name: string, n: number, busyPoll: number): Variant {
  return {
    name,
    note: busyPoll === 0 ? "REQ (main) / REP (worker), default options" : `REQ and REP with busyPoll ${busyPoll} µs`,
    async open(): Promise<Session> {
      const ctx = new Context();
      const req: Request = ctx.socket("REQ", { linger: 0, busyPoll });
      const endpoint = `inproc://${uniqueName("rr")}`;
      await req.bind(endpoint);
      const peer = await Peer.thread(ECHO, { ctx });
      await peer.call("tmq.rep", { endpoint, options: { linger: 0, busyPoll } });
      const buf = Buffer.alloc(SIZE, 0x61);
      const lat = new Float64Array(n);
      return {
        async run() {
          for (let i = 0; i < n; i++) {
            const t0 = performance.now();
            await req.send(buf);
            const [reply] = await req.receive();
            lat[i] = (performance.now() - t0) * 1000;
            if (reply!.length !== SIZE) throw new Error(`reply of ${reply!.length} bytes`);
          }
          return latencySummary(lat);
        },
        async close() {
          req.close();
          await peer.close();
          for (const s of [...ctx.sockets]) s.close();
          await ctx.term();
        },
      };
    },
  };
}

function postMessageVariant(name: string, n: number): Variant {
  return {
    name,
    note: "port.postMessage(16 B) to the worker, which posts it back; await the echo",
    async open(): Promise<Session> {
      const peer = await Peer.thread(ECHO);
      const { local, remote } = dataChannel();
      await peer.call("port", { port: remote }, [remote]);
      let waiting: ((m: Uint8Array) => void) | undefined;
      local.on("message", (m: Uint8Array) => {
        const w = waiting;
        waiting = undefined;
        w?.(m);
      });
      const buf = Buffer.alloc(SIZE, 0x61);
      const lat = new Float64Array(n);
      return {
        async run() {
          for (let i = 0; i < n; i++) {
            const t0 = performance.now();
            const echoed = new Promise<Uint8Array>((resolve) => (waiting = resolve));
            local.postMessage(buf);
            const reply = await echoed;
            lat[i] = (performance.now() - t0) * 1000;
            if (reply.byteLength !== SIZE) throw new Error(`reply of ${reply.byteLength} bytes`);
          }
          return latencySummary(lat);
        },
        async close() {
          local.close();
          await peer.close();
        },
      };
    },
  };
}

const mod: BenchModule = {
  name: "reqrep-latency",
  title: "REQ/REP round trip, main ↔ worker",
  description:
    "Round-trip latency (16 B) between the main thread and a worker, each sample N sequential round trips: threadmq REQ/REP default, threadmq with busyPoll (spin before sleeping) on both sockets, and a MessagePort ping-pong.",
  cases: (o) => {
    // Short samples, several per round: this machine's wake-up latency flips between
    // two modes (~17 µs and ~50 µs) every few seconds, so interleave finely.
    const n = o.scale(5_000, 1_000);
    return [
      {
        name: "16 B",
        metrics: METRICS,
        primary: "p50",
        secondary: "p99",
        baseline: "postMessage ping-pong",
        samplesPerRound: 4,
        variants: [
          postMessageVariant("postMessage ping-pong", n),
          threadmqVariant("threadmq default", n, 0),
          threadmqVariant("threadmq busyPoll 300µs", n, 300),
        ],
        targets: [
          // Both are bound by the same OS thread wake-up; 5% covers round-to-round jitter of the medians.
          {
            label: "default p50 ≤ postMessage p50 (+5%)",
            variant: "threadmq default",
            metric: "p50",
            op: "<=",
            value: { variant: "postMessage ping-pong", factor: 1.05 },
          },
          { label: "busyPoll p50 < 10 µs", variant: "threadmq busyPoll 300µs", metric: "p50", op: "<=", value: 10 },
        ],
      },
    ];
  },
};

export default mod;
