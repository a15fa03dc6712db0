/**
 * hwserver — Hello World server (guide chapter 1).
 * Binds REP to tcp://*:5555, expects "Hello" from clients, replies with "World".
 * Run: `pnpm example hwserver [--bind tcp://*:5555] [--work-ms 1000]`
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Context } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown, type Log } from "./lib/zhelpers.js";

export interface HwServerOptions {
  bind?: string;
  /** How long each request "works", in ms (the guide sleeps 1 s). */
  workMs?: number;
  log?: Log;
}

export interface Running {
  /** The resolved endpoint the server listens on. */
  endpoint: string;
  /** Resolves with the number of requests answered once the context terminates. */
  done: Promise<number>;
}

/** Binds and starts serving; the loop ends when the context terminates. */
export async function hwserver(ctx: Context, options: HwServerOptions = {}): Promise<Running> {
  const { bind = "tcp://*:5555", workMs = 1000, log = console.log } = options;
  const responder = ctx.socket("REP");
  await responder.bind(bind);
  let answered = 0;
  const done = untilShutdown(async () => {
    for await (const [request] of responder) {
      log(`Received ${request}`);
      await sleep(workMs); // Do some 'work'
      await responder.send("World");
      answered++;
    }
  }).then(() => {
    responder.close();
    return answered;
  });
  return { endpoint: responder.lastEndpoint!, done };
}

const usage = "usage: hwserver [--bind tcp://*:5555] [--work-ms 1000]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string" }, "work-ms": { type: "string" } });
  const ctx = new Context();
  const server = await hwserver(ctx, { bind: values.bind, workMs: count(usage, "work-ms", values["work-ms"], 1000) });
  await server.done;
});
