/**
 * tasksink — task sink (guide chapter 1).
 * Binds PULL to tcp://*:5558; waits for the start of a batch, collects its results and
 * reports the elapsed time (shorter the more workers run in parallel).
 * Run: `pnpm example tasksink [--bind tcp://*:5558] [--tasks 100]`
 */
import { Context, type Pull } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import type { Log } from "./lib/zhelpers.js";

export interface TaskSinkOptions {
  bind?: string;
  tasks?: number;
  log?: Log;
  progress?: (mark: string) => void;
}

export interface BatchResult {
  elapsedMs: number;
  /** The sum of the workloads the results report: the work the workers did. */
  workMs: number;
  results: number;
}

/** Binds the sink; `collect()` waits for one batch. */
export async function bindSink(ctx: Context, bind = "tcp://*:5558"): Promise<Pull> {
  const receiver = ctx.socket("PULL");
  await receiver.bind(bind);
  return receiver;
}

/** Waits for the start signal, then for `tasks` results; reports the elapsed time. */
export async function collectBatch(receiver: Pull, options: TaskSinkOptions = {}): Promise<BatchResult> {
  const { tasks = 100, log = console.log, progress = (mark) => process.stdout.write(mark) } = options;
  await receiver.receive(); // Wait for start of batch
  const start = performance.now();
  let workMs = 0;
  for (let n = 0; n < tasks; n++) {
    const [result] = await receiver.receive();
    workMs += Number(result);
    progress(n % 10 === 9 ? ":" : ".");
  }
  const elapsedMs = Math.round(performance.now() - start);
  log(`\nTotal elapsed time: ${elapsedMs} msec`);
  log(`Total work done: ${workMs} msec in ${tasks} results`);
  return { elapsedMs, workMs, results: tasks };
}

/** The guide's program: bind, collect one batch, close. */
export async function tasksink(ctx: Context, options: TaskSinkOptions = {}): Promise<BatchResult> {
  const receiver = await bindSink(ctx, options.bind);
  try {
    return await collectBatch(receiver, options);
  } finally {
    receiver.close();
  }
}

const usage = "usage: tasksink [--bind tcp://*:5558] [--tasks 100]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string" }, tasks: { type: "string" } });
  const ctx = new Context();
  await tasksink(ctx, { bind: values.bind, tasks: count(usage, "tasks", values.tasks, 100) });
  await ctx.term();
});
