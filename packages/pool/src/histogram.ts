/**
 * A small log-linear histogram (HDR-like: 16 sub-buckets per power of two, so about
 * 6% relative precision) of durations in milliseconds, from 1 µs to about 18 hours.
 * Recording is a few arithmetic operations, cheap enough for every task.
 */

const SUB = 16;
const POWERS = 36;
const UNIT = 1e-3; // ms per bucket unit: 1 µs

/** Summary of a histogram, in milliseconds. */
export interface HistogramSummary {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
}

export class Histogram {
  readonly #counts = new Float64Array(POWERS * SUB);
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  record(ms: number): void {
    if (!(ms >= 0)) return;
    this.#count++;
    this.#sum += ms;
    if (ms < this.#min) this.#min = ms;
    if (ms > this.#max) this.#max = ms;
    this.#counts[bucketOf(ms)]!++;
  }

  /** The value below which `q` (0..1) of the recordings fall (upper edge of its bucket, capped at max). */
  percentile(q: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) return Math.min(upperEdge(i), this.#max);
    }
    return this.#max;
  }

  summary(): HistogramSummary {
    const count = this.#count;
    return {
      count,
      min: count ? this.#min : 0,
      max: this.#max,
      mean: count ? this.#sum / count : 0,
      p50: this.percentile(0.5),
      p90: this.percentile(0.9),
      p99: this.percentile(0.99),
    };
  }
}

function bucketOf(ms: number): number {
  const units = ms / UNIT;
  if (units < SUB) return Math.floor(units);
  const power = Math.floor(Math.log2(units / SUB)) + 1;
  if (power >= POWERS) return POWERS * SUB - 1;
  const base = SUB * 2 ** (power - 1);
  // Sub-buckets of width base/SUB*... : within [base*1, base*2) linear in SUB steps.
  const sub = Math.min(SUB - 1, Math.floor(((units - base) / base) * SUB));
  return power * SUB + sub;
}

function upperEdge(index: number): number {
  const power = Math.floor(index / SUB);
  const sub = index % SUB;
  if (power === 0) return (sub + 1) * UNIT;
  const base = SUB * 2 ** (power - 1);
  return (base + ((sub + 1) * base) / SUB) * UNIT;
}
