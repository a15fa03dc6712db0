/**
 * 1. Cross-thread PUSH -> PULL throughput, main -> worker, for 16 B, 1 KiB and 64 KiB
 * messages: threadmq (await per message, and the try-loop fast path) vs raw
 * MessagePort.postMessage (one message per call, and 64 per call).
 */
import type { BenchModule } from "../types.js";
import { RATE, postMessageVariant, sizeLabel, threadmqPushPull } from "./common.js";

const SIZES: ReadonlyArray<{ size: number; n: number }> = [
  { size: 16, n: 400_000 },
  { size: 1024, n: 200_000 },
  { size: 64 * 1024, n: 5_000 },
];

const mod: BenchModule = {
  name: "inproc-throughput",
  title: "inproc PUSH→PULL, main → worker",
  description:
    "Messages/s from the main thread to a worker, receiver counts to N then signals done. threadmq inproc (SharedArrayBuffer ring) with await per message and with trySend/tryReceive loops, vs MessagePort.postMessage one per call and 64 per call.",
  cases: (o) =>
    SIZES.map(({ size, n: full }) => {
      const n = o.scale(full, 1000);
      return {
        name: sizeLabel(size),
        metrics: [RATE],
        baseline: "postMessage x1",
        variants: [
          postMessageVariant("postMessage x1", size, n, 1),
          postMessageVariant("postMessage x64 batched", size, n, 64),
          threadmqPushPull("threadmq await", "await", size, n),
          threadmqPushPull("threadmq try-loop", "try", size, n),
        ],
      };
    }),
};

export default mod;
