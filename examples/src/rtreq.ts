/**
 * rtreq — ROUTER-to-REQ load balancing (guide chapter 3).
 * A ROUTER on tcp://*:5671 hands out work to 10 REQ worker threads: each asks "Hi Boss",
 * gets "Work harder" (and works up to 500 ms) until, after 5 s, the answer is "Fired!".
 * (The 5 s start once all workers have asked.)
 * The boss answers whichever worker asked, so the fast ones get more.
 * Run: `pnpm example rtreq [--bind tcp://*:5671] [--workers 10] [--seconds 5]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isMainThread, workerData } from "node:worker_threads";
import { Context, type Router } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { randomIdentity, randomInt, type Log } from "./lib/zhelpers.js";

export interface BossOptions {
  bind?: string;
  workers?: number;
  seconds?: number;
  /** Longest a task takes a worker, ms (the guide: 500). */
  maxWorkMs?: number;
  log?: Log;
}

/** What a worker thread gets; keyed by the file's own name, as both files load this one. */
export interface RtWorker {
  connect: string;
  maxWorkMs: number;
  quiet: boolean;
}

/**
 * The boss's side, shared by rtreq and rtdealer: binds, starts worker threads from
 * `workerFile`, answers "Work harder" until the time is up, then fires each worker as it
 * asks again. Resolves with the tasks each worker got, by routing id.
 */
export async function runBoss(ctx: Context, workerFile: URL, key: string, options: BossOptions): Promise<Map<string, number>> {
  const { bind = "tcp://*:5671", workers = 10, seconds = 5, maxWorkMs = 500, log = console.log } = options;
  const broker: Router = ctx.socket("ROUTER");
  await broker.bind(bind);
  const connect = broker.lastEndpoint!.replace("//0.0.0.0:", "//localhost:");
  const data = { [key]: { connect, maxWorkMs, quiet: log !== console.log } satisfies RtWorker };
  const threads = Array.from({ length: workers }, () => ctx.spawn(workerFile, { workerData: data }));
  const exits = threads.map((thread) => new Promise((resolve) => thread.once("exit", resolve)));

  const tasks = new Map<string, number>();
  // The clock starts once the whole crew has reported (threads take a while to start),
  // so that no worker is fired before its first task.
  let endTime = Infinity;
  let fired = 0;
  while (fired < workers) {
    // Next message gives us least recently used worker
    const [identity] = await broker.receive(); // [identity | "" | "Hi Boss"]
    const id = identity!.toString();
    tasks.set(id, (tasks.get(id) ?? 0) + 1);
    if (endTime === Infinity && tasks.size === workers) endTime = Date.now() + seconds * 1000;
    // Encourage workers until it's time to fire them
    if (Date.now() < endTime) {
      await broker.send([identity!, "", "Work harder"]);
    } else {
      await broker.send([identity!, "", "Fired!"]);
      tasks.set(id, tasks.get(id)! - 1); // asking to be fired is not a task
      fired++;
    }
  }
  await Promise.all(exits);
  for (const thread of threads) thread.pipe.close();
  broker.close();
  return tasks;
}

/** A worker thread's life: ask, work, until fired; reports its total. */
async function reqWorker({ connect, maxWorkMs, quiet }: RtWorker): Promise<void> {
  const ctx = Context.attach();
  const worker = ctx.socket("REQ", { routingId: randomIdentity() });
  worker.connect(connect);
  let total = 0;
  for (;;) {
    // Tell the broker we're ready for work
    await worker.send("Hi Boss");
    // Get workload from broker, until finished
    const [workload] = await worker.receive();
    if (String(workload) === "Fired!") {
      if (!quiet) console.log(`Completed: ${total} tasks`);
      break;
    }
    total++;
    await sleep(randomInt(1, maxWorkMs + 1)); // Do some random work
  }
  worker.close();
  ctx.pipe.close();
  await ctx.term();
}

export async function rtreq(ctx: Context, options: BossOptions = {}): Promise<Map<string, number>> {
  return runBoss(ctx, new URL(import.meta.url), "rtreqWorker", options);
}

const data = workerData as { rtreqWorker?: RtWorker } | undefined;
if (!isMainThread && data?.rtreqWorker) await reqWorker(data.rtreqWorker);

export const bossUsage = (name: string) => `usage: ${name} [--bind tcp://*:5671] [--workers 10] [--seconds 5] [--max-work-ms 500]`;

/** The shared main of rtreq and rtdealer. */
export async function bossMain(name: string, run: typeof rtreq): Promise<void> {
  const usage = bossUsage(name);
  const { values } = parse(usage, { bind: { type: "string" }, workers: { type: "string" }, seconds: { type: "string" }, "max-work-ms": { type: "string" } });
  const ctx = new Context();
  await run(ctx, {
    bind: values.bind,
    workers: count(usage, "workers", values.workers, 10),
    seconds: count(usage, "seconds", values.seconds, 5),
    maxWorkMs: count(usage, "max-work-ms", values["max-work-ms"], 500),
  });
  await ctx.term();
}

main(import.meta.url, () => bossMain("rtreq", rtreq));
