import type { MetricSpec } from "./types.js";

/** Three significant digits, no exponent for the ranges we print. */
export function sig3(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  if (abs >= 100) return v.toFixed(0);
  if (abs >= 10) return v.toFixed(1);
  if (abs >= 1) return v.toFixed(2);
  return v.toPrecision(3);
}

export function formatRate(v: number): string {
  if (v >= 1e6) return `${sig3(v / 1e6)}M/s`;
  if (v >= 1e3) return `${sig3(v / 1e3)}k/s`;
  return `${sig3(v)}/s`;
}

export function formatMetric(spec: Pick<MetricSpec, "kind">, v: number): string {
  if (!Number.isFinite(v)) return "—";
  switch (spec.kind) {
    case "rate":
      return formatRate(v);
    case "micros":
      return `${sig3(v)} µs`;
    default:
      return sig3(v);
  }
}

/** Ratio of `v` to `base` oriented so that > 1 means better than the baseline. */
export function betterRatio(spec: Pick<MetricSpec, "better">, v: number, base: number): number {
  return spec.better === "higher" ? v / base : base / v;
}

export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return "—";
  return `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}x`;
}
