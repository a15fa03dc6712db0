/**
 * Summarizes V8 .cpuprofile files (from `node --cpu-prof`): self and total time per
 * function, hottest first, optionally only functions whose file matches a filter.
 *
 *   node --cpu-prof --cpu-prof-dir=prof packages/bench/build/main.js --only reqrep-latency --variant busyPoll
 *   node packages/bench/build/tools/cpuprofile-summary.js prof/*.cpuprofile [--top 30] [--filter threadmq/build]
 *
 * Workers write their own profile files; pass them all, each is summarized separately.
 */
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parseArgs } from "node:util";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function short(url: string): string {
  const i = url.indexOf("/packages/");
  if (i >= 0) return url.slice(i + 10);
  const n = url.lastIndexOf("node_modules/");
  if (n >= 0) return url.slice(n + 13);
  return url.replace(/^file:\/\//, "") || "(native)";
}

function summarize(file: string, top: number, filter: string | undefined): void {
  const p = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map<number, ProfileNode>();
  for (const n of p.nodes) byId.set(n.id, n);
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const key = (n: ProfileNode) => `${n.callFrame.functionName || "(anonymous)"}  ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    self.set(key(n), (self.get(key(n)) ?? 0) + us);
    // Total: count each function once per sample stack.
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const k = key(byId.get(cur)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + us);
    }
  }
  const all = (p.endTime - p.startTime) || 1;
  const idle = [...self].filter(([k]) => k.startsWith("(idle)")).reduce((a, [, v]) => a + v, 0);
  console.log(`\n== ${basename(file)}: ${(all / 1000).toFixed(0)} ms profiled, ${((100 * idle) / all).toFixed(1)}% idle`);
  const rows = [...self]
    .filter(([k]) => !filter || k.includes(filter))
    .sort((a, b) => b[1] - a[1])
    .slice(0, top);
  console.log("  self%  total%  function  file:line");
  for (const [k, us] of rows) {
    console.log(`  ${((100 * us) / all).toFixed(1).padStart(5)}  ${((100 * (total.get(k) ?? 0)) / all).toFixed(1).padStart(6)}  ${k}`);
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: "string", default: "25" }, filter: { type: "string" } },
});
if (positionals.length === 0) {
  console.error("usage: cpuprofile-summary.js FILE.cpuprofile... [--top N] [--filter SUBSTRING]");
  process.exit(2);
}
for (const f of positionals) summarize(f, Number(values.top), values.filter);
