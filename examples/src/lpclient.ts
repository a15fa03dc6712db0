/**
 * lpclient — Lazy Pirate client (guide chapter 4).
 * REQ to tcp://localhost:5555; polls for each reply with a 2500 ms timeout. A REQ that
 * lost its reply is stuck, so on timeout it is closed (linger 0) and a new one sends
 * the request again; after 3 tries the server is given up on. Replies are checked
 * against the request's sequence number.
 * Run: `pnpm example lpclient [--connect tcp://localhost:5555] [--timeout-ms 2500] [--retries 3] [--requests N]`
 */
import { Context, Poller, POLLIN, type Request } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import type { Log } from "./lib/zhelpers.js";

export interface LpClientOptions {
  connect?: string;
  timeoutMs?: number;
  retries?: number;
  /** Stop after this many replies (default: go on until the server is gone). */
  requests?: number;
  log?: Log;
}

export interface LpClientResult {
  /** Replies that matched their request. */
  replies: number;
  abandoned: boolean;
}

export async function lpclient(ctx: Context, options: LpClientOptions = {}): Promise<LpClientResult> {
  const { connect = "tcp://localhost:5555", timeoutMs = 2500, retries = 3, requests = Infinity, log = console.log } = options;
  const open = (): Request => {
    const socket = ctx.socket("REQ", { linger: 0 });
    socket.connect(connect);
    return socket;
  };
  log("I: connecting to server...");
  let client = open();
  let sequence = 0;
  let retriesLeft = retries;
  let replies = 0;
  try {
    while (retriesLeft > 0 && replies < requests) {
      // We send a request, then we work to get a reply
      const request = String(++sequence);
      await client.send(request);
      for (let expectReply = true; expectReply; ) {
        // Poll socket for a reply, with timeout
        const poller = new Poller();
        poller.register(client, POLLIN);
        if ((await poller.poll(timeoutMs)).has(client)) {
          // We got a reply from the server, must match sequence
          const [reply] = await client.receive();
          if (String(reply) === request) {
            log(`I: server replied OK (${reply})`);
            replies++;
            retriesLeft = retries;
            expectReply = false;
          } else {
            log(`E: malformed reply from server: ${reply}`);
          }
        } else if (--retriesLeft === 0) {
          log("E: server seems to be offline, abandoning");
          break;
        } else {
          log("W: no response from server, retrying...");
          // Old socket is confused; close it and open a new one
          client.close();
          log("I: reconnecting to server...");
          client = open();
          // Send request again, on new socket
          await client.send(request);
        }
      }
    }
  } finally {
    client.close();
  }
  return { replies, abandoned: retriesLeft === 0 };
}

const usage = "usage: lpclient [--connect tcp://localhost:5555] [--timeout-ms 2500] [--retries 3] [--requests N]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { connect: { type: "string" }, "timeout-ms": { type: "string" }, retries: { type: "string" }, requests: { type: "string" } });
  const ctx = new Context();
  const result = await lpclient(ctx, {
    connect: values.connect,
    timeoutMs: count(usage, "timeout-ms", values["timeout-ms"], 2500),
    retries: count(usage, "retries", values.retries, 3),
    requests: count(usage, "requests", values.requests, Infinity),
  });
  await ctx.term();
  if (result.abandoned) process.exitCode = 1;
});
