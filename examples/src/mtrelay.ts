/**
 * mtrelay — multithreaded relay (guide chapter 2).
 * Three threads in a chain: step 1 signals step 2, which signals step 3 (the main
 * thread), each over a PAIR on inproc. Each parent binds first, then starts its child,
 * which connects: the guide's rule for attached threads.
 * One file plays all three steps; a worker knows its step from workerData.
 * Run: `pnpm example mtrelay`
 */
import { isMainThread, workerData } from "node:worker_threads";
import { Context } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import type { Log } from "./lib/zhelpers.js";

const self = new URL(import.meta.url);

/** Binds `inproc://<name>`, starts the child step, waits for its signal. */
async function receiveFromChild(ctx: Context, name: string, step: number, quiet: boolean): Promise<string> {
  const receiver = ctx.socket("PAIR");
  await receiver.bind(`inproc://${name}`);
  const child = ctx.spawn(self, { workerData: { mtrelayStep: step, quiet } });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const [signal] = await receiver.receive(); // Wait for signal
  receiver.close();
  child.pipe.close(); // spawn's own parent-child pipe: this example signals on its own PAIRs
  await exited;
  return String(signal);
}

/** Step 1 (a thread): signal step 2 that it is ready. */
async function step1(ctx: Context, log: Log): Promise<void> {
  const xmitter = ctx.socket("PAIR");
  xmitter.connect("inproc://step2");
  log("Step 1 ready, signaling step 2");
  await xmitter.send("READY");
  xmitter.close();
}

/** Step 2 (a thread): wait for step 1, then signal step 3. */
async function step2(ctx: Context, log: Log, quiet: boolean): Promise<void> {
  await receiveFromChild(ctx, "step2", 1, quiet);
  const xmitter = ctx.socket("PAIR");
  xmitter.connect("inproc://step3");
  log("Step 2 ready, signaling step 3");
  await xmitter.send("READY");
  xmitter.close();
}

/** Step 3 (the caller's thread): start the chain, resolve with the signal that arrives. */
export async function mtrelay(ctx: Context, log: Log = console.log): Promise<string> {
  // The steps in other threads print only when we do (tests pass their own log).
  const signal = await receiveFromChild(ctx, "step3", 2, log !== console.log);
  log("Test successful!");
  return signal;
}

const data = workerData as { mtrelayStep?: number; quiet: boolean } | undefined;
if (!isMainThread && data?.mtrelayStep !== undefined) {
  const ctx = Context.attach();
  const log: Log = data.quiet ? () => {} : console.log;
  await (data.mtrelayStep === 1 ? step1(ctx, log) : step2(ctx, log, data.quiet));
  ctx.pipe.close();
  await ctx.term();
}

main(import.meta.url, async () => {
  parse("usage: mtrelay", {});
  const ctx = new Context();
  await mtrelay(ctx);
  await ctx.term();
});
