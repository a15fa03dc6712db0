/**
 * tasksink2 — task sink with kill signalling (guide chapter 2).
 * As tasksink, plus a PUB on tcp://*:5559 that broadcasts "KILL" to the workers once
 * the batch is complete.
 * Run: `pnpm example tasksink2 [--bind tcp://*:5558] [--control tcp://*:5559] [--tasks 100]`
 */
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { bindSink, collectBatch, type BatchResult, type TaskSinkOptions } from "./tasksink.js";

export interface TaskSink2Options extends TaskSinkOptions {
  control?: string;
}

/** Collects one batch, then tells every worker to stop. */
export async function tasksink2(ctx: Context, options: TaskSink2Options = {}): Promise<BatchResult> {
  const receiver = await bindSink(ctx, options.bind);
  const controller = ctx.socket("PUB");
  try {
    await controller.bind(options.control ?? "tcp://*:5559");
    const result = await collectBatch(receiver, options);
    // Send kill signal to workers; the PUB's default linger delivers it before term ends.
    await controller.send("KILL");
    return result;
  } finally {
    receiver.close();
    controller.close();
  }
}

const usage = "usage: tasksink2 [--bind tcp://*:5558] [--control tcp://*:5559] [--tasks 100]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string" }, control: { type: "string" }, tasks: { type: "string" } });
  const ctx = new Context();
  await tasksink2(ctx, { bind: values.bind, control: values.control, tasks: count(usage, "tasks", values.tasks, 100) });
  await ctx.term();
});
