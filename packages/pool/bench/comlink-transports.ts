/**
 * comlink over threadmq (socketEndpoint on a PAIR, inproc between two threads) vs comlink
 * over a MessagePort (comlink's node adapter on the Worker's parentPort): calls/s with
 * 1000 calls in flight, and the median round trip of one call at a time.
 *
 * Run: npx pnpm@12.4.2 build && node packages/pool/bench/build/comlink-transports.js
 */
import * as Comlink from "comlink";
import nodeAdapter from "comlink/dist/umd/node-adapter.js";
import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { Context } from "threadmq";
import { socketEndpoint } from "@threadmq/comlink";

// comlink's node adapter is a UMD module: at run time its default export is the function itself.
const nodeEndpoint = ((nodeAdapter as unknown as { default?: unknown }).default ?? nodeAdapter) as unknown as typeof nodeAdapter.default;
import { compare, latency, printTable, throughput, type BenchResult } from "./harness.js";

export interface Options {
  calls?: number;
  latencyCalls?: number;
  runs?: number;
}

interface Api {
  add(a: number, b: number): number;
}

const file = new URL("./workers/comlink-api.js", import.meta.url);

export async function run(options: Options = {}): Promise<BenchResult[]> {
  const calls = options.calls ?? 50_000;
  const latencyCalls = options.latencyCalls ?? 2_000;
  const runs = options.runs ?? 5;
  const results: BenchResult[] = [];

  const portWorker = new Worker(file, { workerData: { mode: "port" } });
  const overPort = Comlink.wrap<Api>(nodeEndpoint(portWorker));

  const context = new Context();
  const socketWorker = context.spawn(file, { workerData: { mode: "socket" } });
  const endpoint = socketEndpoint(socketWorker.pipe);
  const overSocket = Comlink.wrap<Api>(endpoint as unknown as Comlink.Endpoint);

  const subjects = [
    ["comlink over MessagePort (node adapter)", overPort],
    ["comlink over threadmq PAIR (inproc)", overSocket],
  ] as const;
  try {
    const scenarios = [
      ["comlink calls, 1000 in flight", "ops/s", (remote: Comlink.Remote<Api>) => throughput(() => remote.add(1, 2), calls, 1000)],
      ["comlink call round trip (p50)", "µs", (remote: Comlink.Remote<Api>) => latency(() => remote.add(1, 2), latencyCalls)],
    ] as const;
    for (const [scenario, unit, measure] of scenarios) {
      const values = await compare(subjects.map(([, remote]) => remote), runs, measure);
      subjects.forEach(([subject], i) => results.push({ subject, scenario, value: values[i]!, unit }));
    }
  } finally {
    overPort[Comlink.releaseProxy]();
    await portWorker.terminate();
    const exited = once(socketWorker, "exit");
    endpoint.close();
    await exited;
    await context.term();
  }
  return results;
}

if (import.meta.url === `file://${process.argv[1]}`) printTable(await run());
