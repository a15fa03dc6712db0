/**
 * taskvent — task ventilator (guide chapter 1).
 * Binds PUSH to tcp://*:5557 and sends a batch of tasks to workers; tells the sink on
 * tcp://localhost:5558 that the batch starts. Waits for Enter first, so the workers are
 * connected and get a fair share (or, with --workers N, until N workers have connected).
 * Run: `pnpm example taskvent [--bind tcp://*:5557] [--sink tcp://localhost:5558] [--tasks 100] [--workers N]`
 */
import { createInterface } from "node:readline/promises";
import { Context, type Push } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { handshakes } from "./lib/peers.js";
import { randomInt, type Log } from "./lib/zhelpers.js";

export interface TaskVentOptions {
  bind?: string;
  sink?: string;
  tasks?: number;
  /** Largest workload in ms (the guide: 100). */
  maxWorkload?: number;
  /** Resolves when the workers are ready; given the bound PUSH socket. Default: at once. */
  ready?: (sender: Push) => Promise<void>;
  log?: Log;
}

/** Sends one batch; returns the total expected cost in ms (the sum of workloads). */
export async function taskvent(ctx: Context, options: TaskVentOptions = {}): Promise<number> {
  const { bind = "tcp://*:5557", sink: sinkEndpoint = "tcp://localhost:5558", tasks = 100, maxWorkload = 100, log = console.log } = options;
  const sender = ctx.socket("PUSH");
  const sink = ctx.socket("PUSH");
  try {
    const ready = options.ready?.(sender);
    // The start signal must reach the sink before any result can: wait until the sink is
    // connected, or a quick worker's result could arrive first and be taken for it.
    const sinkConnected = handshakes(sink, 1);
    await sender.bind(bind);
    sink.connect(sinkEndpoint);
    await Promise.all([ready, sinkConnected]);
    log("Sending tasks to workers...");

    // The first message is "0" and signals start of batch
    await sink.send("0");

    let totalMsec = 0;
    for (let n = 0; n < tasks; n++) {
      const workload = randomInt(1, maxWorkload + 1);
      totalMsec += workload;
      await sender.send(String(workload));
    }
    log(`Total expected cost: ${totalMsec} msec`);
    return totalMsec;
  } finally {
    // The default linger delivers what is still queued before the context ends.
    sender.close();
    sink.close();
  }
}

/** The guide's way: a human presses Enter once the workers run. */
async function enterPressed(): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  await rl.question("Press Enter when the workers are ready: ");
  rl.close();
}

const usage = "usage: taskvent [--bind tcp://*:5557] [--sink tcp://localhost:5558] [--tasks 100] [--max-workload 100] [--workers N]\n  --workers N: start when N workers have connected instead of waiting for Enter";

main(import.meta.url, async () => {
  const { values } = parse(usage, {
    bind: { type: "string" },
    sink: { type: "string" },
    tasks: { type: "string" },
    "max-workload": { type: "string" },
    workers: { type: "string" },
  });
  const workers = values.workers === undefined ? undefined : count(usage, "workers", values.workers, 0);
  const ctx = new Context();
  await taskvent(ctx, {
    bind: values.bind,
    sink: values.sink,
    tasks: count(usage, "tasks", values.tasks, 100),
    maxWorkload: count(usage, "max-workload", values["max-workload"], 100),
    ready: workers === undefined ? enterPressed : (sender) => handshakes(sender, workers),
  });
  await ctx.term();
});
