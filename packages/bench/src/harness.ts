/**
 * Runs the cases of benchmark modules: opens every variant of a case, warms each up,
 * then takes one sample per variant per round, rotating the order every round so that
 * slow drifts of a shared, noisy 2-core machine hit every variant alike. Reports
 * medians (and min/max) across rounds.
 *
 * A variant that fails to open, throws or hangs (timeout) is recorded with its error and
 * left out of later rounds; the rest of the case goes on.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { median } from "./stats.js";
import type { BenchCase, BenchModule, BenchOptions, Metrics, MetricSpec, Session, Variant } from "./types.js";
import { formatMetric } from "./format.js";

export interface VariantResult {
  readonly name: string;
  readonly note?: string;
  readonly samples: Metrics[];
  readonly median: Metrics;
  readonly min: Metrics;
  readonly max: Metrics;
  error?: string;
}

export interface TargetResult {
  readonly label: string;
  readonly variant: string;
  readonly metric: string;
  readonly op: ">=" | "<=";
  readonly threshold?: number;
  readonly actual?: number;
  readonly met?: boolean;
}

export interface CaseResult {
  readonly module: string;
  readonly moduleTitle: string;
  readonly case: string;
  readonly metrics: readonly MetricSpec[];
  readonly primary: string;
  readonly secondary?: string;
  readonly baseline: string;
  readonly variants: VariantResult[];
  readonly targets: TargetResult[];
}

export interface ModuleResult {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly cases: CaseResult[];
  error?: string;
}

const OPEN_TIMEOUT_MS = 30_000;
const RUN_TIMEOUT_MS = 120_000;
const CLOSE_TIMEOUT_MS = 10_000;
const PAUSE_MS = 30;

class Timeout extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Timeout(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split("\n")[0]!;
  return String(error);
}

export type Log = (line: string) => void;

interface Live {
  variant: Variant;
  session: Session;
  result: VariantResult;
}

async function closeQuietly(live: Live, log: Log): Promise<void> {
  try {
    await withTimeout(live.session.close(), CLOSE_TIMEOUT_MS, `closing ${live.variant.name}`);
  } catch (error) {
    log(`  ! ${live.variant.name}: close failed: ${describe(error)}`);
  }
}

export async function runCase(module: BenchModule, full: BenchCase, options: BenchOptions, log: Log): Promise<CaseResult> {
  const filter = options.variantFilter;
  const c: BenchCase = filter ? { ...full, variants: full.variants.filter((v) => v.name.includes(filter)) } : full;
  const label = `${module.name} / ${c.name}`;
  const primary = c.primary ?? c.metrics[0]!.key;
  const results: VariantResult[] = c.variants.map((v) => ({
    name: v.name,
    ...(v.note ? { note: v.note } : {}),
    samples: [],
    median: {},
    min: {},
    max: {},
  }));
  const primarySpec = c.metrics.find((m) => m.key === primary)!;
  let live: Live[] = [];

  const fail = async (entry: Live, stage: string, error: unknown): Promise<void> => {
    entry.result.error = `${stage}: ${describe(error)}`;
    log(`  ! ${entry.variant.name}: ${entry.result.error}`);
    live = live.filter((l) => l !== entry);
    await closeQuietly(entry, log);
  };

  log(`[${label}] opening ${c.variants.length} variants`);
  for (let i = 0; i < c.variants.length; i++) {
    const variant = c.variants[i]!;
    try {
      const session = await withTimeout(variant.open(), OPEN_TIMEOUT_MS, `opening ${variant.name}`);
      live.push({ variant, session, result: results[i]! });
    } catch (error) {
      results[i]!.error = `open: ${describe(error)}`;
      log(`  ! ${variant.name}: ${results[i]!.error}`);
    }
  }

  try {
    const warmup = c.warmup ?? 1;
    for (let w = 0; w < warmup; w++) {
      for (const entry of [...live]) {
        try {
          await withTimeout(entry.session.run(), RUN_TIMEOUT_MS, `warm-up of ${entry.variant.name}`);
        } catch (error) {
          await fail(entry, "warm-up", error);
        }
        await sleep(PAUSE_MS);
      }
    }

    const perRound = c.samplesPerRound ?? 1;
    for (let round = 0; round < options.rounds; round++) {
      const order = rotate(live, round);
      const line: string[] = [];
      for (let k = 0; k < perRound; k++) for (const entry of order) {
        if (!live.includes(entry)) continue;
        try {
          const metrics = await withTimeout(entry.session.run(), RUN_TIMEOUT_MS, `${entry.variant.name}`);
          entry.result.samples.push(metrics);
          const v = metrics[primary];
          if (k === perRound - 1) {
            const recent = entry.result.samples.slice(-perRound).map((m) => m[primary]).filter((x): x is number => x !== undefined);
            const shown = recent.length > 0 ? median(recent) : v;
            line.push(`${entry.variant.name} ${shown === undefined ? "?" : formatMetric(primarySpec, shown)}`);
          }
        } catch (error) {
          await fail(entry, `round ${round + 1}`, error);
        }
        await sleep(PAUSE_MS);
      }
      log(`  round ${round + 1}/${options.rounds}${perRound > 1 ? ` (median of ${perRound})` : ""}: ${line.join(" | ")}`);
    }
  } finally {
    for (const entry of live) await closeQuietly(entry, log);
  }

  for (const r of results) summarize(r);
  return {
    module: module.name,
    moduleTitle: module.title,
    case: c.name,
    metrics: c.metrics,
    primary,
    ...(c.secondary ? { secondary: c.secondary } : {}),
    baseline: c.baseline ?? c.variants[0]!.name,
    variants: results,
    targets: (c.targets ?? []).map((t) => {
      const actual = results.find((r) => r.name === t.variant)?.median[t.metric];
      const threshold =
        typeof t.value === "number"
          ? t.value
          : (() => {
              const other = results.find((r) => r.name === (t.value as { variant: string }).variant)?.median[t.metric];
              return other === undefined ? undefined : other * ((t.value as { factor?: number }).factor ?? 1);
            })();
      const met = actual === undefined || threshold === undefined ? undefined : t.op === ">=" ? actual >= threshold : actual <= threshold;
      return {
        label: t.label,
        variant: t.variant,
        metric: t.metric,
        op: t.op,
        ...(threshold !== undefined ? { threshold } : {}),
        ...(actual !== undefined ? { actual } : {}),
        ...(met !== undefined ? { met } : {}),
      };
    }),
  };
}

function summarize(r: VariantResult): void {
  const keys = new Set<string>();
  for (const s of r.samples) for (const k of Object.keys(s)) keys.add(k);
  for (const k of keys) {
    const values = r.samples.map((s) => s[k]).filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    r.median[k] = median(values);
    r.min[k] = Math.min(...values);
    r.max[k] = Math.max(...values);
  }
}

function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

export async function runModule(module: BenchModule, options: BenchOptions, log: Log): Promise<ModuleResult> {
  const result: ModuleResult = { name: module.name, title: module.title, description: module.description, cases: [] };
  let cases: readonly BenchCase[];
  try {
    cases = await module.cases(options);
  } catch (error) {
    result.error = describe(error);
    log(`! ${module.name}: ${result.error}`);
    return result;
  }
  for (const c of cases) {
    if (options.caseFilter !== undefined && c.name !== options.caseFilter) continue;
    if (options.variantFilter && !c.variants.some((v) => v.name.includes(options.variantFilter!))) continue;
    result.cases.push(await runCase(module, c, options, log));
  }
  return result;
}
