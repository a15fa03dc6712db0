/**
 * The shape of a benchmark module. A module is one file under `src/benches/` whose
 * default export is a {@link BenchModule}; it is registered by one line in
 * `src/registry.ts`. The harness does the rest: warm-up, rounds that alternate the
 * variants of a case, medians, ratios, targets, the table, JSON and the SVG chart.
 *
 * Vocabulary:
 * - module: a family of measurements (`inproc-throughput`), selected with `--only`.
 * - case: one comparison inside a module (`16 B`); its variants are measured side by
 *   side, round after round, in rotating order, so the machine's noise hits all alike.
 * - variant: one contender in a case (`threadmq try-loop`, `postMessage x1`). `open`
 *   sets it up once per case (start workers, bind sockets); `run` takes one sample;
 *   `close` tears it down.
 */

/** One sample: metric key -> value, e.g. `{ rate: 2.1e6 }` or `{ p50: 12.3, p99: 40 }`. */
export type Metrics = Record<string, number>;

export type MetricKind =
  /** Events per second; shown as e.g. `2.31 M/s`. */
  | "rate"
  /** Microseconds; shown as e.g. `12.4 µs`. */
  | "micros"
  /** A plain number. */
  | "number";

export interface MetricSpec {
  /** Key in the {@link Metrics} a run returns. */
  readonly key: string;
  /** Column header, e.g. `msgs/s` or `p50`. */
  readonly label: string;
  readonly kind: MetricKind;
  /** Which direction is better; ratios are always expressed so that > 1 is better. */
  readonly better: "higher" | "lower";
}

/** A variant set up and ready to be sampled. */
export interface Session {
  /** Takes one sample. Must be repeatable: the harness calls it once per round, plus warm-up. */
  run(): Promise<Metrics>;
  /** Releases everything `open` made (workers, sockets, ports). */
  close(): Promise<void>;
}

export interface Variant {
  /** Short, unique within its case; shown in the table and chart. */
  readonly name: string;
  /** One line on what exactly this variant does (shown with `--list`, kept in the JSON). */
  readonly note?: string;
  open(): Promise<Session>;
}

/** A goal the table checks, e.g. `threadmq try-loop msgs/s >= 3e6`, or relative to another variant. */
export interface Target {
  readonly label: string;
  readonly variant: string;
  readonly metric: string;
  readonly op: ">=" | "<=";
  /** A number, or another variant's median of the same metric. */
  readonly value: number | { readonly variant: string; readonly factor?: number };
}

export interface BenchCase {
  /** E.g. `16 B`. */
  readonly name: string;
  readonly metrics: readonly MetricSpec[];
  /** Metric drawn in the chart and used for ratios; default: the first. */
  readonly primary?: string;
  /** A second metric drawn as a lighter bar behind the primary (e.g. p99 behind p50). */
  readonly secondary?: string;
  /** Variant that ratios are computed against; default: the first. */
  readonly baseline?: string;
  readonly variants: readonly Variant[];
  readonly targets?: readonly Target[];
  /**
   * Samples per variant per round (default 1), taken interleaved (a b c a b c ...). Use
   * several short samples where the machine's state drifts faster than a round lasts
   * (e.g. wake-up latency that flips between ~17 and ~50 µs); medians are over all samples.
   */
  readonly samplesPerRound?: number;
  /** Warm-up runs per variant before the measured rounds (default 1). */
  readonly warmup?: number;
}

export interface BenchOptions {
  /** `--quick`: fewer messages per run, for a smoke run of the suite. */
  readonly quick: boolean;
  /** Measured rounds per case. */
  readonly rounds: number;
  /** `--variant S`: the harness runs only variants whose name contains S. */
  readonly variantFilter?: string;
  /** `--case S`: the harness runs only cases named S. */
  readonly caseFilter?: string;
  /** Scales a full-size count down in quick mode (never below `min`). */
  scale(count: number, min?: number): number;
}

export interface BenchModule {
  /** Id for `--only`, kebab-case, unique. */
  readonly name: string;
  readonly title: string;
  /** What is measured and how (shown with `--list` and in the JSON). */
  readonly description: string;
  cases(options: BenchOptions): readonly BenchCase[] | Promise<readonly BenchCase[]>;
}
