/**
 * @threadmq/pool vs piscina, 2 threads each, the same worker files (piscina's shape: the
 * default export is the handler, workers/pool-add.ts and workers/pool-cpu.ts):
 * - trivial task ({ a, b } => a + b), 1000 in flight: tasks/s;
 * - 1 ms CPU task (a spin), 1000 in flight: tasks/s;
 * - one trivial task at a time: round-trip latency p50 / p99 / mean.
 * Baselines: piscina with default options, and piscina with concurrentTasksPerWorker 64.
 * Targets: ≥ 3× piscina default for the trivial task, no worse for the CPU task.
 */
import type { BenchModule, MetricSpec, Session, Variant } from "../types.js";
import { LATENCY, inFlightRate, sequentialLatency } from "./common.js";

const THREADS = 2;
const IN_FLIGHT = 1000;
const ADD = new URL("../workers/pool-add.js", import.meta.url);
const CPU = new URL("../workers/pool-cpu.js", import.meta.url);

const TASKS: MetricSpec = { key: "rate", label: "tasks/s", kind: "rate", better: "higher" };

const PISCINA = `piscina (${THREADS} threads)`;
const PISCINA_64 = `piscina (${THREADS} threads, concurrentTasksPerWorker 64)`;
const POOL = `@threadmq/pool (${THREADS} threads)`;

/** What a variant's sample does with its pool: `run` is `pool.run`. */
type Measure = (run: (task: unknown) => Promise<unknown>) => Promise<Record<string, number>>;

function piscinaVariant(name: string, file: URL, measure: Measure, extra: { concurrentTasksPerWorker?: number }): Variant {
  return {
    name,
    note: `new Piscina({ filename, minThreads: ${THREADS}, maxThreads: ${THREADS}${extra.concurrentTasksPerWorker ? `, concurrentTasksPerWorker: ${extra.concurrentTasksPerWorker}` : ""} }), pool.run(task)`,
    async open(): Promise<Session> {
      const { Piscina } = await import("piscina"); // loaded when used: main.ts loads every module to list them
      const pool = new Piscina({ filename: file.href, minThreads: THREADS, maxThreads: THREADS, ...extra });
      return {
        run: () => measure((task) => pool.run(task)),
        close: () => pool.destroy(),
      };
    },
  };
}

function poolVariant(name: string, file: URL, measure: Measure): Variant {
  return {
    name,
    note: `new Pool({ filename, threads: ${THREADS} }) (default options), pool.run(task)`,
    async open(): Promise<Session> {
      const { Pool } = await import("@threadmq/pool");
      const pool = new Pool({ filename: file, threads: THREADS });
      await pool.ready();
      return {
        run: () => measure((task) => pool.run(task)),
        close: () => pool.close(),
      };
    },
  };
}

function variants(file: URL, measure: Measure): Variant[] {
  return [
    piscinaVariant(PISCINA, file, measure, {}),
    piscinaVariant(PISCINA_64, file, measure, { concurrentTasksPerWorker: 64 }),
    poolVariant(POOL, file, measure),
  ];
}

const mod: BenchModule = {
  name: "pool",
  title: "@threadmq/pool vs piscina, 2 threads",
  description:
    "Task pools with 2 threads running the same worker files (piscina's default-export shape): trivial task ({a, b} => a + b) with 1000 in flight (tasks/s), 1 ms CPU task with 1000 in flight (tasks/s), and one trivial task at a time (round-trip µs). piscina default and piscina concurrentTasksPerWorker 64 vs @threadmq/pool default.",
  cases: (o) => {
    const trivial = o.scale(100_000, 5_000);
    const cpu = o.scale(2_000, 400);
    const latency = o.scale(1_000, 200);
    return [
      {
        name: "trivial task, 1000 in flight",
        metrics: [TASKS],
        baseline: PISCINA,
        variants: variants(ADD, (run) => inFlightRate(() => run({ a: 1, b: 2 }), trivial, IN_FLIGHT)),
        targets: [{ label: "≥ 3× piscina default", variant: POOL, metric: "rate", op: ">=", value: { variant: PISCINA, factor: 3 } }],
      },
      {
        name: "1 ms CPU task, 1000 in flight",
        metrics: [TASKS],
        baseline: PISCINA,
        variants: variants(CPU, (run) => inFlightRate(() => run(1), cpu, IN_FLIGHT)),
        targets: [
          // Both are bound by 2 threads × 1 ms; 5% covers the round-to-round jitter of the medians.
          { label: "no worse than piscina default (−5%)", variant: POOL, metric: "rate", op: ">=", value: { variant: PISCINA, factor: 0.95 } },
        ],
      },
      {
        name: "one task at a time",
        metrics: LATENCY,
        primary: "p50",
        secondary: "p99",
        baseline: PISCINA,
        samplesPerRound: 3,
        // threadmq's path is JS end to end: its first few thousand round trips run before
        // V8 has optimized it (up to ~3x slower), so warm every variant up for 3 samples.
        warmup: 3,
        variants: variants(ADD, (run) => sequentialLatency(() => run({ a: 1, b: 2 }), latency)),
      },
    ];
  },
};

export default mod;
