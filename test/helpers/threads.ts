import type { ExecutionContext } from "ava";
import { Context, type SpawnedWorker } from "threadmq";

export const workerFile = new URL("../fixtures/thread-worker.js", import.meta.url);

let counter = 0;
/** A fresh inproc name per call, so tests never share one. */
export function inprocName(label: string): string {
  return `inproc://${label}-${process.pid}-${counter++}`;
}

/** A context whose sockets and workers are torn down when the test ends. */
export function threadContext(t: ExecutionContext): Context {
  const ctx = new Context();
  t.teardown(async () => {
    for (const socket of [...ctx.sockets]) {
      socket.linger = 0;
      socket.close();
    }
    await ctx.term();
  });
  return ctx;
}

/** Spawns the test worker with a scenario; terminates it at teardown if still running. */
export function spawnScenario(t: ExecutionContext, ctx: Context, scenario: string, args: Record<string, unknown> = {}): SpawnedWorker {
  const worker = ctx.spawn(workerFile, { workerData: { scenario, ...args } });
  let exited = false;
  exits.set(worker, new Promise((resolve) => worker.once("exit", resolve)));
  worker.once("exit", () => (exited = true));
  t.teardown(async () => {
    if (!exited) {
      await worker.terminate();
    }
  });
  return worker;
}

const exits = new WeakMap<SpawnedWorker, Promise<number>>();

/** The worker's exit code (recorded from spawn on, so an early exit is not missed). */
export function exitCode(worker: SpawnedWorker): Promise<number> {
  return exits.get(worker) ?? Promise.reject(new Error("not a worker from spawnScenario"));
}
