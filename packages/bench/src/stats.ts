/** Small statistics helpers. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..100) of an already sorted array. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

/** p50/p99/mean/min/max in the unit the samples are in. Sorts `samples` in place. */
export function latencySummary(samples: Float64Array): { p50: number; p99: number; mean: number; min: number; max: number } {
  samples.sort();
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]!;
  return {
    p50: percentileSorted(samples, 50),
    p99: percentileSorted(samples, 99),
    mean: sum / samples.length,
    min: samples[0]!,
    max: samples[samples.length - 1]!,
  };
}

/** Messages per second for `count` messages in `ms` milliseconds. */
export function ratePerSecond(count: number, ms: number): number {
  return count / (ms / 1000);
}
