/**
 * taskwork — task worker (guide chapter 1).
 * Connects PULL to tcp://localhost:5557 and PUSH to tcp://localhost:5558; sleeps for
 * each task's workload, then sends a result to the sink. The result carries the
 * workload (the guide sends an empty one) so the sink can account for the work done.
 * Run: `pnpm example taskwork [--tasks tcp://localhost:5557] [--sink tcp://localhost:5558]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Context } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown } from "./lib/zhelpers.js";

export interface TaskWorkOptions {
  tasks?: string;
  sink?: string;
  /** Called with "." per task: the guide's progress indicator. */
  progress?: (mark: string) => void;
}

/** Works until the context terminates; resolves with the number of tasks done. */
export async function taskwork(ctx: Context, options: TaskWorkOptions = {}): Promise<number> {
  const { tasks = "tcp://localhost:5557", sink = "tcp://localhost:5558", progress = (mark) => process.stdout.write(mark) } = options;
  const receiver = ctx.socket("PULL");
  receiver.connect(tasks);
  const sender = ctx.socket("PUSH");
  sender.connect(sink);
  let done = 0;
  await untilShutdown(async () => {
    for await (const [workload] of receiver) {
      progress(".");
      await sleep(Number(workload)); // Do the work
      await sender.send(workload!); // Send results to sink
      done++;
    }
  });
  receiver.close();
  sender.close();
  return done;
}

const usage = "usage: taskwork [--tasks tcp://localhost:5557] [--sink tcp://localhost:5558]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { tasks: { type: "string" }, sink: { type: "string" } });
  await taskwork(new Context(), values);
});
