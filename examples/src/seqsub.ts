/**
 * seqsub — sequence-checking subscriber (from the original brief's pub-sub pair).
 * SUB to tcp://localhost:5555, everything; each message should be the previous one
 * plus one, and every gap is reported as "err count <current> <last>". It reads one
 * message a second (the brief's sleep), so against seqpub it shows the slow joiner
 * (the first number is not 1) and high-water-mark drops (the gaps).
 * Run: `pnpm example seqsub [--connect tcp://localhost:5555] [--delay-ms 1000] [--count N]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import type { Log } from "./lib/zhelpers.js";

export interface SeqSubOptions {
  connect?: string;
  /** Pause after each message (the brief: 1 s). */
  delayMs?: number;
  /** Stop after this many messages (default: never). */
  count?: number;
  log?: Log;
}

export interface Gap {
  current: number;
  last: number;
}

/** Checks the sequence; resolves with the gaps seen once `count` messages arrived. */
export async function seqsub(ctx: Context, options: SeqSubOptions = {}): Promise<Gap[]> {
  const { connect = "tcp://localhost:5555", delayMs = 1000, count: limit = Infinity, log = console.log } = options;
  log("connecting to server...");
  const socket = ctx.socket("SUB");
  socket.connect(connect);
  socket.subscribe("");
  log("connected to server.");

  const gaps: Gap[] = [];
  let last = 0;
  try {
    for (let n = 0; n < limit; n++) {
      const [message] = await socket.receive();
      log(`message: ${message}`);
      const current = Number(String(message));
      if (current !== last + 1) {
        log(`err count ${current} ${last}`);
        gaps.push({ current, last });
      }
      last = current;
      if (delayMs > 0) await sleep(delayMs);
    }
  } finally {
    socket.close();
  }
  return gaps;
}

const usage = "usage: seqsub [--connect tcp://localhost:5555] [--delay-ms 1000] [--count N]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, "delay-ms": { type: "string" }, count: { type: "string" } });
  const ctx = new Context();
  await seqsub(ctx, {
    connect: values.connect,
    delayMs: count(usage, "delay-ms", values["delay-ms"], 1000),
    count: count(usage, "count", values.count, Infinity),
  });
  await ctx.term();
});
