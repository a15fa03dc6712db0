#!/usr/bin/env node
/**
 * CLI: node packages/bench/build/main.js [--only a,b] [--rounds 5] [--quick] [--list] [--out DIR]
 *
 * Runs the registered benchmark modules, prints progress to stderr and a markdown table of
 * medians to stdout, and writes `results-<stamp>.json`, `chart-<stamp>.svg` and
 * `latest.{json,svg,md}` under `bench-results/` at the repository root.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { join, resolve } from "node:path";
import { runModule, type ModuleResult } from "./harness.js";
import { registry } from "./registry.js";
import { chart, json, table, targetsReport, type RunInfo } from "./report.js";
import type { BenchModule, BenchOptions } from "./types.js";

const USAGE = `usage: node packages/bench/build/main.js [options]
  --only a,b     run only these modules (see --list)
  --rounds N     measured rounds per case (default 5; 3 with --quick)
  --quick        fewer messages per sample: a smoke run, not a measurement
  --variant S    run only variants whose name contains S (e.g. for profiling one)
  --case S       run only cases whose name is S (e.g. "16 B")
  --list         list modules, their cases and variants, and exit
  --out DIR      where results go (default: <repo>/bench-results)
  --help`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      rounds: { type: "string" },
      quick: { type: "boolean", default: false },
      list: { type: "boolean", default: false },
      out: { type: "string" },
      variant: { type: "string" },
      case: { type: "string" },
      help: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const quick = values.quick === true;
  const rounds = values.rounds !== undefined ? Number(values.rounds) : quick ? 3 : 5;
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive integer, got ${values.rounds}`);
  const options: BenchOptions = {
    quick,
    rounds,
    scale: (count, min = 1) => (quick ? Math.max(min, Math.round(count / 5)) : count),
    ...(values.variant ? { variantFilter: values.variant } : {}),
    ...(values.case ? { caseFilter: values.case } : {}),
  };

  const modules: BenchModule[] = [];
  for (const load of registry) modules.push((await load()).default);
  const names = new Set(modules.map((m) => m.name));
  let selected = modules;
  if (values.only) {
    const wanted = values.only.split(",").map((s) => s.trim()).filter(Boolean);
    for (const w of wanted) if (!names.has(w)) throw new Error(`--only: no module "${w}"; have ${[...names].join(", ")}`);
    selected = modules.filter((m) => wanted.includes(m.name));
  }

  if (values.list) {
    for (const m of selected) {
      console.log(`${m.name} — ${m.title}\n  ${m.description}`);
      for (const c of await m.cases(options)) {
        console.log(`  case ${c.name}:`);
        for (const v of c.variants) console.log(`    - ${v.name}${v.note ? `: ${v.note}` : ""}`);
      }
    }
    return;
  }

  const command = `node packages/bench/build/main.js ${process.argv.slice(2).join(" ")}`.trim();
  const info: RunInfo = {
    command,
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? "unknown",
    rounds,
    quick,
  };
  const log = (line: string) => process.stderr.write(line + "\n");
  log(`threadmq bench: ${selected.map((m) => m.name).join(", ")}; ${rounds} rounds${quick ? ", quick" : ""}; node ${process.version}, ${info.cpus} cpus`);

  const results: ModuleResult[] = [];
  for (const m of selected) results.push(await runModule(m, options, log));

  const md = table(results);
  const targets = targetsReport(results);
  console.log("\n" + md + "\n");
  if (targets) console.log("Targets:\n" + targets + "\n");

  const out = values.out ? resolve(values.out) : resolve(fileURLToPath(new URL("../../../bench-results/", import.meta.url)));
  mkdirSync(out, { recursive: true });
  const stamp = info.date.replace(/[:.]/g, "-");
  const body = json(info, results);
  const svg = chart(info, results);
  writeFileSync(join(out, `results-${stamp}.json`), body);
  writeFileSync(join(out, `chart-${stamp}.svg`), svg);
  writeFileSync(join(out, "latest.json"), body);
  writeFileSync(join(out, "latest.svg"), svg);
  writeFileSync(join(out, "latest.md"), `Command: \`${command}\` (${info.date}, node ${info.node}, ${info.cpus} cpus)\n\n${md}\n\n${targets ? `Targets:\n${targets}\n` : ""}`);
  console.log(`wrote ${join(out, `results-${stamp}.json`)} and chart-${stamp}.svg (also latest.json / latest.svg / latest.md)`);
}

main().then(
  () => {
    // Workers, ports or zeromq.js sockets a failed variant left behind must not keep us up.
    setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    console.error(USAGE);
    process.exit(2);
  },
);
