/**
 * The benchmark modules, in run order. To add one: write `benches/<name>.ts` whose
 * default export is a BenchModule (see types.ts), and add one line here.
 * main.ts loads every module (to list them); a module imports its heavy dependencies
 * (zeromq, piscina, comlink, @threadmq/pool) inside its variants' open(), so they load
 * only when it runs.
 */
import type { BenchModule } from "./types.js";

export const registry: ReadonlyArray<() => Promise<{ default: BenchModule }>> = [
  () => import("./benches/inproc-throughput.js"),
  () => import("./benches/same-thread.js"),
  () => import("./benches/reqrep-latency.js"),
  () => import("./benches/zeromq-inproc.js"),
  () => import("./benches/tcp.js"),
  () => import("./benches/pool.js"),
  () => import("./benches/comlink.js"),
];
