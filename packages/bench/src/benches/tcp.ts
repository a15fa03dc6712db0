/**
 * threadmq vs zeromq.js over tcp loopback (127.0.0.1), each pair of sockets in two
 * processes: the sender / requester in this process, the receiver / responder in a child
 * process (Peer.process), threadmq talking to threadmq and zeromq.js to zeromq.js.
 * - PUSH -> PULL messages/s, 16 B and 1 KiB: zeromq.js `await send()` / `await receive()`
 *   per message (baseline), threadmq the same, and threadmq's try-loop fast path.
 * - REQ/REP round trip, 16 B: p50 / p99 / mean.
 * Targets: threadmq ≥ zeromq.js messages/s for 16 B; round trip p50 no slower.
 */
import { Context, type Request } from "threadmq";
import { Peer } from "../peer.js";
import type { BenchModule, Session, Target, Variant } from "../types.js";
import { ECHO, LATENCY, RATE, sequentialLatency, sizeLabel, threadmqPushPull, zeromqPushPull } from "./common.js";

const ZMQ = "zeromq.js";
const TMQ_AWAIT = "threadmq await";
const TMQ_TRY = "threadmq try-loop";
const ZMQ_RR = "zeromq.js REQ/REP";
const TMQ_RR = "threadmq REQ/REP";

const SIZES: ReadonlyArray<{ size: number; n: number; target: boolean }> = [
  { size: 16, n: 200_000, target: true },
  { size: 1024, n: 100_000, target: false },
];

const RR_SIZE = 16;

/** A requester in this process, a responder (workers/echo.ts) in a child process. */
function roundTrip(name: string, lib: "threadmq" | "zeromq", n: number): Variant {
  return {
    name,
    note:
      lib === "threadmq"
        ? "threadmq REQ bound on tcp://127.0.0.1:0 in main, REP connected in a child process; await send() then await receive()"
        : "zeromq.js Request bound on tcp://127.0.0.1:* in main, Reply connected in a child process; await send() then await receive()",
    async open(): Promise<Session> {
      const buf = Buffer.alloc(RR_SIZE, 0x61);
      const check = (reply: Buffer | undefined) => {
        if (reply?.length !== RR_SIZE) throw new Error(`reply of ${reply?.length} bytes`);
      };
      const requester = await bindRequester(lib);
      let peer: Peer | undefined;
      try {
        peer = await Peer.process(ECHO);
        await peer.call(lib === "threadmq" ? "tmq.rep" : "zmq.rep", { endpoint: requester.endpoint, options: { linger: 0 } });
      } catch (error) {
        await requester.close();
        await peer?.close();
        throw error;
      }
      const p = peer;
      return {
        run: () =>
          sequentialLatency(async () => {
            await requester.send(buf);
            check(await requester.receive());
          }, n),
        async close() {
          await p.close();
          await requester.close();
        },
      };
    },
  };
}

/** A REQ bound on a free loopback port, the same shape for either library. */
interface Requester {
  endpoint: string;
  send(frame: Buffer): Promise<void>;
  receive(): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

async function bindRequester(lib: "threadmq" | "zeromq"): Promise<Requester> {
  if (lib === "threadmq") {
    const ctx = new Context();
    const req: Request = ctx.socket("REQ", { linger: 0 });
    await req.bind("tcp://127.0.0.1:0");
    return {
      endpoint: req.lastEndpoint!,
      send: (frame) => req.send(frame),
      receive: async () => (await req.receive())[0],
      async close() {
        for (const s of [...ctx.sockets]) s.close();
        await ctx.term();
      },
    };
  }
  const zmq = await import("zeromq");
  const req = new zmq.Request({ linger: 0 });
  await req.bind("tcp://127.0.0.1:*");
  return {
    endpoint: req.lastEndpoint!,
    send: (frame) => req.send(frame),
    receive: async () => (await req.receive())[0],
    async close() {
      req.close();
    },
  };
}

const mod: BenchModule = {
  name: "tcp",
  title: "threadmq vs zeromq.js over tcp loopback, two processes",
  description:
    "tcp 127.0.0.1 between this process and a child process (Peer.process), threadmq to threadmq and zeromq.js to zeromq.js: PUSH -> PULL messages/s for 16 B and 1 KiB (await per message on both sides; plus threadmq's trySend/tryReceive loop), and REQ/REP round trip latency for 16 B.",
  cases: (o) => {
    const rr = o.scale(2_000, 400);
    return [
      ...SIZES.map(({ size, n: full, target }) => {
        const n = o.scale(full, 2_000);
        const targets: Target[] = target
          ? [
              { label: "threadmq await ≥ zeromq.js", variant: TMQ_AWAIT, metric: "rate", op: ">=", value: { variant: ZMQ } },
              { label: "threadmq try-loop ≥ zeromq.js", variant: TMQ_TRY, metric: "rate", op: ">=", value: { variant: ZMQ } },
            ]
          : [];
        return {
          name: `PUSH→PULL ${sizeLabel(size)}`,
          metrics: [RATE],
          baseline: ZMQ,
          variants: [
            zeromqPushPull(ZMQ, "tcp", size, n, "process"),
            threadmqPushPull(TMQ_AWAIT, "await", size, n, {}, "tcp", "process"),
            threadmqPushPull(TMQ_TRY, "try", size, n, {}, "tcp", "process"),
          ],
          targets,
        };
      }),
      {
        name: `REQ/REP ${sizeLabel(RR_SIZE)}`,
        metrics: LATENCY,
        primary: "p50",
        secondary: "p99",
        baseline: ZMQ_RR,
        samplesPerRound: 3,
        variants: [roundTrip(ZMQ_RR, "zeromq", rr), roundTrip(TMQ_RR, "threadmq", rr)],
        targets: [
          // Both are bound by the same socket wake-ups; 5% covers round-to-round jitter of the medians (as in reqrep-latency).
          { label: "threadmq p50 no slower than zeromq.js (+5%)", variant: TMQ_RR, metric: "p50", op: "<=", value: { variant: ZMQ_RR, factor: 1.05 } },
        ],
      },
    ];
  },
};

export default mod;
