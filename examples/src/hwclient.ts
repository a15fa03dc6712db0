/**
 * hwclient — Hello World client (guide chapter 1).
 * Connects REQ to tcp://localhost:5555, sends "Hello" to the server, expects "World" back.
 * Run: `pnpm example hwclient [--connect tcp://localhost:5555] [--requests 10]`
 */
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import type { Log } from "./lib/zhelpers.js";

export interface HwClientOptions {
  connect?: string;
  requests?: number;
  log?: Log;
}

/** Does `requests` round trips in lock-step; returns the replies. */
export async function hwclient(ctx: Context, options: HwClientOptions = {}): Promise<string[]> {
  const { connect = "tcp://localhost:5555", requests = 10, log = console.log } = options;
  log("Connecting to hello world server...");
  const requester = ctx.socket("REQ");
  requester.connect(connect);
  const replies: string[] = [];
  try {
    for (let n = 0; n < requests; n++) {
      log(`Sending Hello ${n}...`);
      await requester.send("Hello");
      const [reply] = await requester.receive();
      log(`Received ${reply} ${n}`);
      replies.push(String(reply));
    }
  } finally {
    requester.close();
  }
  return replies;
}

const usage = "usage: hwclient [--connect tcp://localhost:5555] [--requests 10]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, requests: { type: "string" } });
  const ctx = new Context();
  await hwclient(ctx, { connect: values.connect, requests: count(usage, "requests", values.requests, 10) });
  await ctx.term();
});
