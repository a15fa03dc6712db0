/**
 * @threadmq/pool vs piscina, same worker modules (piscina's default-export shape), 2 threads:
 * - trivial task ({a, b} => a + b), 1000 in flight: tasks/s
 * - 1 ms CPU task, 1000 in flight: tasks/s
 * - one task at a time: median latency (µs)
 *
 * Run: npx pnpm@12.4.2 build && node packages/pool/bench/build/pool-vs-piscina.js
 */
import { Piscina } from "piscina";
import { Pool } from "@threadmq/pool";
import { compare, latency, printTable, throughput, type BenchResult } from "./harness.js";

export interface Options {
  threads?: number;
  trivialTasks?: number;
  cpuTasks?: number;
  latencyTasks?: number;
  runs?: number;
}

interface Runner {
  subject: string;
  run(task: unknown, file: "add" | "cpu"): Promise<unknown>;
  close(): Promise<void>;
}

const add = new URL("./workers/add.js", import.meta.url);
const cpu = new URL("./workers/cpu.js", import.meta.url);

async function makeRunners(threads: number): Promise<Runner[]> {
  const runners: Runner[] = [];
  for (const [subject, extra] of [
    [`piscina (${threads} threads)`, {}],
    [`piscina (${threads} threads, concurrentTasksPerWorker 64)`, { concurrentTasksPerWorker: 64 }],
  ] as const) {
    const pools = {
      add: new Piscina({ filename: add.href, minThreads: threads, maxThreads: threads, ...extra }),
      cpu: new Piscina({ filename: cpu.href, minThreads: threads, maxThreads: threads, ...extra }),
    };
    runners.push({ subject, run: (task, file) => pools[file].run(task), close: async () => void (await Promise.all([pools.add.destroy(), pools.cpu.destroy()])) });
  }
  const pools = { add: new Pool({ filename: add, threads }), cpu: new Pool({ filename: cpu, threads }) };
  await Promise.all([pools.add.ready(), pools.cpu.ready()]);
  runners.push({ subject: `@threadmq/pool (${threads} threads)`, run: (task, file) => pools[file].run(task), close: async () => void (await Promise.all([pools.add.close(), pools.cpu.close()])) });
  return runners;
}

export async function run(options: Options = {}): Promise<BenchResult[]> {
  const threads = options.threads ?? 2;
  const runs = options.runs ?? 3;
  const trivialTasks = options.trivialTasks ?? 100_000;
  const cpuTasks = options.cpuTasks ?? 2_000;
  const latencyTasks = options.latencyTasks ?? 2_000;
  const results: BenchResult[] = [];
  const runners = await makeRunners(threads);
  try {
    const scenarios = [
      ["trivial task, 1000 in flight", "ops/s", (r: Runner) => throughput(() => r.run({ a: 1, b: 2 }, "add"), trivialTasks, 1000)],
      ["1 ms CPU task, 1000 in flight", "ops/s", (r: Runner) => throughput(() => r.run(1, "cpu"), cpuTasks, 1000)],
      ["one task at a time (p50 latency)", "µs", (r: Runner) => latency(() => r.run({ a: 1, b: 2 }, "add"), latencyTasks)],
    ] as const;
    for (const [scenario, unit, measure] of scenarios) {
      const values = await compare(runners, runs, measure);
      runners.forEach((r, i) => results.push({ subject: r.subject, scenario, value: values[i]!, unit }));
    }
  } finally {
    for (const r of runners) await r.close();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) printTable(await run());
