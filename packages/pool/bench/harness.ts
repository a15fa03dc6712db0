/** Shared measuring helpers for the benchmark modules. */

/** One measured figure. */
export interface BenchResult {
  /** What ran, e.g. "pool (2 threads)". */
  subject: string;
  /** What was measured, e.g. "trivial task, 1000 in flight". */
  scenario: string;
  value: number;
  unit: "ops/s" | "µs";
}

/** Runs `total` calls of `op` keeping `inFlight` outstanding; returns calls per second. */
export async function throughput(op: () => Promise<unknown>, total: number, inFlight: number): Promise<number> {
  let started = 0;
  const begin = performance.now();
  async function lane(): Promise<void> {
    while (started < total) {
      started++;
      await op();
    }
  }
  await Promise.all(Array.from({ length: Math.min(inFlight, total) }, lane));
  return (total / (performance.now() - begin)) * 1000;
}

/** Runs `count` calls one after the other; returns the median round trip in µs. */
export async function latency(op: () => Promise<unknown>, count: number): Promise<number> {
  const times = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await op();
    times[i] = performance.now() - t;
  }
  times.sort();
  return times[count >> 1]! * 1000;
}

/**
 * Measures each subject `runs` times, interleaved (A, B, A, B, ...) after one warm-up
 * each, so that a machine whose load changes treats them alike; returns the medians.
 */
export async function compare<S>(subjects: readonly S[], runs: number, measure: (subject: S) => Promise<number>): Promise<number[]> {
  for (const subject of subjects) await measure(subject);
  const values = subjects.map(() => [] as number[]);
  for (let r = 0; r < runs; r++) for (let i = 0; i < subjects.length; i++) values[i]!.push(await measure(subjects[i]!));
  return values.map((list) => list.sort((a, b) => a - b)[list.length >> 1]!);
}

/** Median of `runs` measurements (after one warm-up). */
export async function median(runs: number, measure: () => Promise<number>): Promise<number> {
  await measure();
  const values: number[] = [];
  for (let i = 0; i < runs; i++) values.push(await measure());
  values.sort((a, b) => a - b);
  return values[values.length >> 1]!;
}

export function printTable(results: BenchResult[]): void {
  const rows = results.map((r) => [r.scenario, r.subject, r.unit === "µs" ? r.value.toFixed(1) : Math.round(r.value).toLocaleString("en-US"), r.unit]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((row) => row[c]!.length), 8));
  for (const row of rows) console.log(row.map((cell, c) => (c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  "));
}
