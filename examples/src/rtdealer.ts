/**
 * rtdealer — ROUTER-to-DEALER load balancing (guide chapter 3).
 * As rtreq, but the workers are DEALERs: they send and strip the empty delimiter
 * frame themselves, which a REQ does for you.
 * Run: `pnpm example rtdealer [--bind tcp://*:5671] [--workers 10] [--seconds 5]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isMainThread, workerData } from "node:worker_threads";
import { Context } from "threadmq";
import { main } from "./lib/main.js";
import { randomIdentity, randomInt } from "./lib/zhelpers.js";
import { bossMain, runBoss, type BossOptions, type RtWorker } from "./rtreq.js";

async function dealerWorker({ connect, maxWorkMs, quiet }: RtWorker): Promise<void> {
  const ctx = Context.attach();
  const worker = ctx.socket("DEALER", { routingId: randomIdentity() });
  worker.connect(connect);
  let total = 0;
  for (;;) {
    // Tell the broker we're ready for work: the empty frame is the envelope delimiter
    await worker.send(["", "Hi Boss"]);
    // Get workload from broker, until finished
    const [, workload] = await worker.receive(); // ["" | workload]
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

export async function rtdealer(ctx: Context, options: BossOptions = {}): Promise<Map<string, number>> {
  return runBoss(ctx, new URL(import.meta.url), "rtdealerWorker", options);
}

const data = workerData as { rtdealerWorker?: RtWorker } | undefined;
if (!isMainThread && data?.rtdealerWorker) await dealerWorker(data.rtdealerWorker);

main(import.meta.url, () => bossMain("rtdealer", rtdealer));
