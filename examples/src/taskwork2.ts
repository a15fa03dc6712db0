/**
 * taskwork2 — task worker with kill signalling (guide chapter 2).
 * As taskwork, plus a SUB on tcp://localhost:5559 for control: polls both sockets and
 * exits when the sink broadcasts "KILL".
 * Run: `pnpm example taskwork2 [--tasks ...:5557] [--sink ...:5558] [--control tcp://localhost:5559]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Context, Poller, POLLIN } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { stopPipe } from "./lib/stop.js";
import { untilShutdown } from "./lib/zhelpers.js";

export interface TaskWork2Options {
  tasks?: string;
  sink?: string;
  control?: string;
  progress?: (mark: string) => void;
  /** Ends the loop (besides KILL): a poll does not wake on ETERM. */
  signal?: AbortSignal;
}

/** Works until "KILL" arrives (or the context terminates); resolves with the tasks done. */
export async function taskwork2(ctx: Context, options: TaskWork2Options = {}): Promise<number> {
  const {
    tasks = "tcp://localhost:5557",
    sink = "tcp://localhost:5558",
    control = "tcp://localhost:5559",
    progress = (mark) => process.stdout.write(mark),
  } = options;
  const receiver = ctx.socket("PULL");
  receiver.connect(tasks);
  const sender = ctx.socket("PUSH");
  sender.connect(sink);
  const controller = ctx.socket("SUB");
  controller.connect(control);
  controller.subscribe("");

  const poller = new Poller();
  poller.register(receiver, POLLIN);
  poller.register(controller, POLLIN);
  const stop = await stopPipe(ctx, poller, options.signal);
  let done = 0;
  await untilShutdown(async () => {
    for (;;) {
      const ready = await poller.poll();
      if (stop.stopped) break;
      if (ready.has(receiver)) {
        const [workload] = await receiver.receive();
        await sleep(Number(workload)); // Do the work
        await sender.send(workload!);
        done++;
        progress(".");
      }
      // Any waiting controller command acts as 'KILL'
      if (ready.has(controller)) break;
    }
  });
  stop.close();
  for (const socket of [receiver, sender, controller]) socket.close();
  return done;
}

const usage = "usage: taskwork2 [--tasks tcp://localhost:5557] [--sink tcp://localhost:5558] [--control tcp://localhost:5559]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { tasks: { type: "string" }, sink: { type: "string" }, control: { type: "string" } });
  const ctx = new Context();
  await taskwork2(ctx, values);
  await ctx.term();
});
