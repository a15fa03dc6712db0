/**
 * 2. Same-thread inproc PUSH -> PULL throughput (16 B): both sockets in the main thread,
 * producer and consumer as two async loops. Target: >= 3M msgs/s.
 */
import { Context, type Pull, type Push } from "threadmq";
import { ratePerSecond } from "../stats.js";
import type { BenchModule, Session, Variant } from "../types.js";
import { RATE, uniqueName } from "./common.js";

function variant(name: string, mode: "await" | "try", n: number): Variant {
  return {
    name,
    note:
      mode === "await"
        ? "producer: await push.send() per message; consumer: await pull.receive() per message"
        : "producer: trySend, await send() when full; consumer: tryReceive, await receive() when empty",
    async open(): Promise<Session> {
      const ctx = new Context();
      const pull: Pull = ctx.socket("PULL", { linger: 0 });
      const push: Push = ctx.socket("PUSH", { linger: 0 });
      const endpoint = `inproc://${uniqueName("local")}`;
      await pull.bind(endpoint);
      push.connect(endpoint);
      const buf = Buffer.alloc(16, 0x61);
      return {
        async run() {
          let bytes = 0;
          const consumer =
            mode === "await"
              ? async () => {
                  for (let i = 0; i < n; i++) bytes += (await pull.receive())[0]!.length;
                }
              : async () => {
                  for (let i = 0; i < n; i++) bytes += (pull.tryReceive() ?? (await pull.receive()))[0]!.length;
                };
          const producer =
            mode === "await"
              ? async () => {
                  for (let i = 0; i < n; i++) await push.send(buf);
                }
              : async () => {
                  for (let i = 0; i < n; i++) if (!push.trySend(buf)) await push.send(buf);
                };
          const t0 = performance.now();
          await Promise.all([consumer(), producer()]);
          const ms = performance.now() - t0;
          if (bytes !== n * 16) throw new Error(`received ${bytes} bytes, expected ${n * 16}`);
          return { rate: ratePerSecond(n, ms) };
        },
        async close() {
          push.close();
          pull.close();
          await ctx.term();
        },
      };
    },
  };
}

const mod: BenchModule = {
  name: "same-thread",
  title: "inproc PUSH→PULL, same thread",
  description: "Messages/s (16 B) between two threadmq sockets in the main thread (LocalPipe, no copy). Target: try-loop >= 3M msgs/s.",
  cases: (o) => {
    const n = o.scale(2_000_000, 10_000);
    return [
      {
        name: "16 B",
        metrics: [RATE],
        baseline: "threadmq await",
        variants: [variant("threadmq await", "await", n), variant("threadmq try-loop", "try", n)],
        targets: [{ label: "≥ 3M msgs/s", variant: "threadmq try-loop", metric: "rate", op: ">=", value: 3e6 }],
      },
    ];
  },
};

export default mod;
