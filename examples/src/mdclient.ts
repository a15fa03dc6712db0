/**
 * mdclient — Majordomo client (guide chapter 4): 100,000 "Hello world" requests to the
 * "echo" service through the client API, synchronously.
 * Run: `pnpm example mdclient [--connect tcp://localhost:5555] [--requests 100000] [--verbose]`
 */
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import type { Log } from "./lib/zhelpers.js";
import { MdCli, type MdCliOptions } from "./mdcliapi.js";

/** Sends `requests` echo requests; resolves with the number of replies. */
export async function mdclient(ctx: Context, options: MdCliOptions & { connect?: string; requests?: number; log?: Log } = {}): Promise<number> {
  const { connect = "tcp://localhost:5555", requests = 100000, log = console.log } = options;
  const session = new MdCli(ctx, connect, options);
  let replies = 0;
  try {
    for (; replies < requests; replies++) {
      const reply = await session.send("echo", "Hello world");
      if (!reply) break; // Interrupt or failure
      if (reply.toString() !== "Hello world") throw new Error(`echo answered ${reply}`);
    }
  } finally {
    session.close();
  }
  log(`${replies} requests/replies processed`);
  return replies;
}

const usage = "usage: mdclient [--connect tcp://localhost:5555] [--requests 100000] [--verbose]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, requests: { type: "string" }, verbose: { type: "boolean", short: "v" } });
  const ctx = new Context();
  await mdclient(ctx, { connect: values.connect, requests: count(usage, "requests", values.requests, 100000), verbose: values.verbose });
  await ctx.term();
});
