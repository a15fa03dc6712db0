/**
 * Output: a markdown table (printed, and pasted into the README), a JSON file with every
 * sample, and an SVG bar chart (one panel per case).
 */
import { betterRatio, formatMetric, formatRatio } from "./format.js";
import type { CaseResult, ModuleResult, VariantResult } from "./harness.js";
import type { MetricSpec } from "./types.js";

export interface RunInfo {
  readonly command: string;
  readonly date: string;
  readonly node: string;
  readonly cpus: number;
  readonly cpuModel: string;
  readonly rounds: number;
  readonly quick: boolean;
}

function spec(c: CaseResult, key: string): MetricSpec {
  return c.metrics.find((m) => m.key === key) ?? { key, label: key, kind: "number", better: "higher" };
}

function medians(c: CaseResult, v: VariantResult): string {
  if (v.error && v.samples.length === 0) return `n/a (${v.error})`;
  const text = c.metrics
    .filter((m) => v.median[m.key] !== undefined)
    .map((m) => (c.metrics.length === 1 ? formatMetric(m, v.median[m.key]!) : `${m.label} ${formatMetric(m, v.median[m.key]!)}`))
    .join(" · ");
  return v.error ? `${text} (${v.samples.length} samples, then ${v.error})` : text;
}

function range(c: CaseResult, v: VariantResult): string {
  const m = spec(c, c.primary);
  const lo = v.min[c.primary];
  const hi = v.max[c.primary];
  if (lo === undefined || hi === undefined) return "";
  return `${formatMetric(m, lo)} – ${formatMetric(m, hi)}`;
}

function ratio(c: CaseResult, v: VariantResult): string {
  const base = c.variants.find((x) => x.name === c.baseline)?.median[c.primary];
  const value = v.median[c.primary];
  if (base === undefined || value === undefined) return "";
  if (v.name === c.baseline) return "1.00x (base)";
  return formatRatio(betterRatio(spec(c, c.primary), value, base));
}

const esc = (s: string) => s.replace(/\|/g, "\\|");

/** Markdown table of medians; ratios are oriented so that > 1 is better than the case's baseline. */
export function table(modules: readonly ModuleResult[]): string {
  const rows: string[] = [
    "| benchmark | case | variant | median | range (primary, min – max of samples) | vs baseline |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const mod of modules) {
    if (mod.error) rows.push(`| ${mod.name} | — | — | failed: ${esc(mod.error)} | | |`);
    for (const c of mod.cases) {
      c.variants.forEach((v, i) => {
        rows.push(
          `| ${i === 0 ? mod.name : ""} | ${i === 0 ? esc(c.case) : ""} | ${esc(v.name)} | ${esc(medians(c, v))} | ${range(c, v)} | ${ratio(c, v)} |`,
        );
      });
    }
  }
  return rows.join("\n");
}

export function targetsReport(modules: readonly ModuleResult[]): string {
  const lines: string[] = [];
  for (const mod of modules) {
    for (const c of mod.cases) {
      for (const t of c.targets) {
        const m = spec(c, t.metric);
        const mark = t.met === undefined ? "?" : t.met ? "PASS" : "MISS";
        const actual = t.actual === undefined ? "n/a" : formatMetric(m, t.actual);
        const thr = t.threshold === undefined ? "n/a" : formatMetric(m, t.threshold);
        lines.push(`- ${mark} ${mod.name} / ${c.case}: ${t.label} — ${t.variant} ${m.label} ${actual} (${t.op} ${thr})`);
      }
    }
  }
  return lines.join("\n");
}

export function json(info: RunInfo, modules: readonly ModuleResult[]): string {
  return JSON.stringify({ ...info, modules }, null, 2) + "\n";
}

// ---- SVG ----------------------------------------------------------------------------

const W = 980;
const LABEL_W = 230;
const BAR_W = 560;
const ROW_H = 24;
const BAR_H = 16;
const PAD = 16;
const TITLE_H = 40;

function xml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function color(name: string): string {
  const n = name.toLowerCase();
  if (n.startsWith("threadmq")) return "#2b6cb0";
  if (n.startsWith("zeromq")) return "#dd6b20";
  if (n.includes("postmessage")) return "#718096";
  return "#2c7a7b";
}

function panel(c: CaseResult, y0: number): { svg: string; height: number } {
  const p = spec(c, c.primary);
  const s = c.secondary ? spec(c, c.secondary) : undefined;
  const parts: string[] = [];
  let max = 0;
  for (const v of c.variants) {
    max = Math.max(max, v.max[c.primary] ?? 0, v.median[c.primary] ?? 0);
    if (s) max = Math.max(max, v.median[s.key] ?? 0);
  }
  const thresholds = c.targets.filter((t) => t.metric === c.primary && t.threshold !== undefined);
  for (const t of thresholds) max = Math.max(max, t.threshold!);
  if (max <= 0) max = 1;
  const x = (v: number) => LABEL_W + (v / max) * BAR_W;
  const title = `${c.moduleTitle} — ${c.case}`;
  const sub = `${p.label} (median of samples; ${p.better} is better${s ? `; light bar: ${s.label}` : ""}; whisker: min–max)`;
  parts.push(`<text x="${PAD}" y="${y0 + 18}" font-size="15" font-weight="bold">${xml(title)}</text>`);
  parts.push(`<text x="${PAD}" y="${y0 + 34}" font-size="11" fill="#555">${xml(sub)}</text>`);
  let y = y0 + TITLE_H;
  for (const v of c.variants) {
    const cy = y + ROW_H / 2;
    parts.push(`<text x="${LABEL_W - 8}" y="${cy + 4}" font-size="12" text-anchor="end">${xml(v.name)}</text>`);
    const med = v.median[c.primary];
    if (med === undefined) {
      parts.push(`<text x="${LABEL_W + 4}" y="${cy + 4}" font-size="11" fill="#c53030">${xml(`n/a: ${v.error ?? "no samples"}`.slice(0, 110))}</text>`);
    } else {
      const fill = color(v.name);
      if (s && v.median[s.key] !== undefined) {
        parts.push(`<rect x="${LABEL_W}" y="${cy - BAR_H / 2}" width="${(x(v.median[s.key]!) - LABEL_W).toFixed(1)}" height="${BAR_H}" fill="${fill}" opacity="0.3"/>`);
      }
      parts.push(`<rect x="${LABEL_W}" y="${cy - BAR_H / 2}" width="${Math.max(1, x(med) - LABEL_W).toFixed(1)}" height="${BAR_H}" fill="${fill}"/>`);
      const lo = v.min[c.primary];
      const hi = v.max[c.primary];
      if (lo !== undefined && hi !== undefined && hi > lo) {
        parts.push(`<line x1="${x(lo).toFixed(1)}" x2="${x(hi).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#1a202c" stroke-width="1.5"/>`);
      }
      let label = formatMetric(p, med);
      if (s && v.median[s.key] !== undefined) label += ` (${s.label} ${formatMetric(s, v.median[s.key]!)})`;
      const r = ratio(c, v);
      if (r) label += `  ${r}`;
      const right = Math.max(x(med), s && v.median[s.key] !== undefined ? x(v.median[s.key]!) : 0, hi !== undefined ? x(hi) : 0);
      parts.push(`<text x="${(right + 6).toFixed(1)}" y="${cy + 4}" font-size="11">${xml(label)}</text>`);
    }
    y += ROW_H;
  }
  for (const t of thresholds) {
    const tx = x(t.threshold!).toFixed(1);
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${y0 + TITLE_H - 4}" y2="${y}" stroke="#c53030" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${tx}" y="${y + 12}" font-size="10" fill="#c53030" text-anchor="middle">${xml(`target: ${t.label}`)}</text>`);
    y += 14;
  }
  return { svg: parts.join("\n"), height: y - y0 + PAD };
}

export function chart(info: RunInfo, modules: readonly ModuleResult[]): string {
  const panels: string[] = [];
  let y = 52;
  for (const mod of modules) {
    for (const c of mod.cases) {
      const p = panel(c, y);
      panels.push(p.svg);
      y += p.height;
    }
  }
  const header = `threadmq bench — ${info.date} — node ${info.node}, ${info.cpus} cpus, ${info.rounds} rounds${info.quick ? " (quick)" : ""}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y + PAD}" viewBox="0 0 ${W} ${y + PAD}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="${PAD}" y="24" font-size="17" font-weight="bold">${xml(header)}</text>`,
    `<text x="${PAD}" y="42" font-size="11" fill="#555">${xml(info.command)}</text>`,
    ...panels,
    `</svg>`,
    "",
  ].join("\n");
}
