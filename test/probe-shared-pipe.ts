/**
 * Throughput probe (not a test): messages/s from the main thread to a worker through
 * SharedPipe, and through raw postMessage in the same run for comparison.
 * Run: npx tsc -b && node test/build/probe-shared-pipe.js
 * Ownership: main thread; one worker per measurement, each ended before the next.
 */
import { MessageChannel, Worker } from "node:worker_threads";
import { createSharedPipe, type SharedPipeOptions } from "threadmq/internal/shared-pipe";
import { RecordingSink } from "./fixtures/pipe-helpers.js";

const workerUrl = new URL("./fixtures/probe-worker.js", import.meta.url);

function done(w: Worker): Promise<{ got: number }> {
  return new Promise((resolve, reject) => {
    w.once("message", resolve);
    w.once("error", reject);
  });
}

async function viaPipe(size: number, count: number, geometry: Partial<SharedPipeOptions> = {}): Promise<number> {
  const sink = new RecordingSink();
  const { local, remote, transfer } = createSharedPipe({ endpoint: "inproc://probe", sendHwm: 1000, receiveHwm: 1000, socketType: "PUSH", ...geometry });
  local.setSink(sink);
  const w = new Worker(workerUrl, { workerData: { mode: "pipe", count, desc: remote }, transferList: transfer });
  const finished = done(w);
  await new Promise((r) => setTimeout(r, 100));
  const payload = Buffer.alloc(size, 7);
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    // One message per call and a flush per message, as a socket's send does.
    while (!local.write([payload])) {
      local.flush();
      await sink.next("write", 60_000);
    }
    local.flush();
  }
  await finished;
  const secs = (performance.now() - t0) / 1000;
  local.terminate(0);
  await w.terminate();
  return count / secs;
}

async function viaPostMessage(size: number, count: number, batch: number): Promise<number> {
  const { port1, port2 } = new MessageChannel();
  const w = new Worker(workerUrl, { workerData: { mode: "post", count, port: port2 }, transferList: [port2] });
  const finished = done(w);
  await new Promise((r) => setTimeout(r, 100));
  const payload = Buffer.alloc(size, 7);
  // Distinct buffers: the structured clone would copy one shared payload only once per call.
  const distinct = batch === 1 ? [] : Array.from({ length: batch }, () => Buffer.from(payload));
  const t0 = performance.now();
  // Paced in chunks so the sender yields like a real producer (and memory stays bounded).
  for (let i = 0; i < count; ) {
    const stop = Math.min(count, i + 5000);
    for (; i < stop; i += batch) {
      if (batch === 1) port1.postMessage(payload);
      else port1.postMessage(distinct.slice(0, Math.min(batch, count - i)));
    }
    await new Promise((r) => setImmediate(r));
  }
  await finished;
  const secs = (performance.now() - t0) / 1000;
  port1.close();
  await w.terminate();
  return count / secs;
}

const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(1)}k`) + " msg/s";
const runs = Number(process.env["PROBE_RUNS"] ?? 3);
/** Best and median of `runs` repetitions: other load on a small machine only ever slows a run down. */
async function measure(f: () => Promise<number>): Promise<string> {
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) xs.push(await f());
  xs.sort((a, b) => a - b);
  return `${fmt(xs[xs.length - 1]!)} (median ${fmt(xs[Math.floor(xs.length / 2)]!)})`;
}
const cases: [string, number, number][] = [
  ["16 B", 16, 2_000_000],
  ["1 KiB", 1024, 500_000],
  ["64 KiB", 64 * 1024, 20_000],
];
console.log(`node ${process.version}, ${runs} runs each, main -> worker, HWM 1000+1000, default ring 256 KiB, records above 16 KiB transferred`);
for (const [name, size, count] of cases) {
  console.log(`${name.padEnd(7)} SharedPipe          ${await measure(() => viaPipe(size, count))}`);
  console.log(`${name.padEnd(7)} postMessage x1      ${await measure(() => viaPostMessage(size, count, 1))}`);
  console.log(`${name.padEnd(7)} postMessage x64     ${await measure(() => viaPostMessage(size, count, 64))}`);
}
console.log(`64 KiB  SharedPipe, copied through a 1 MiB ring          ${await measure(() => viaPipe(64 * 1024, 20_000, { ringBytes: 1 << 20, largeThreshold: 1 << 18 }))}`);
console.log(`16 KiB  SharedPipe, copied through the ring               ${await measure(() => viaPipe(16 * 1024, 50_000, { largeThreshold: 1 << 16 }))}`);
console.log(`16 KiB  SharedPipe, transferred (default)                 ${await measure(() => viaPipe(16 * 1024, 50_000))}`);
console.log(`4 KiB   SharedPipe, copied through the ring (default)     ${await measure(() => viaPipe(4096, 100_000))}`);
console.log(`4 KiB   SharedPipe, transferred (largeThreshold 1 KiB)    ${await measure(() => viaPipe(4096, 100_000, { largeThreshold: 1024 }))}`);
