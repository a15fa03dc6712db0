/**
 * identity — how ROUTER names its peers (guide chapter 3).
 * A ROUTER on inproc://example receives from two REQs: one anonymous (the ROUTER
 * makes up a 5-byte id starting with a zero byte) and one that set its routing id to
 * "PEER2". s_dump shows each whole message: [id | empty delimiter | data].
 * Run: `pnpm example identity`
 */
import { Context, type Message } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { dump, type Log } from "./lib/zhelpers.js";

/** Resolves with the two messages as the ROUTER received them. */
export async function identity(ctx: Context, log: Log = console.log): Promise<Message[]> {
  const sink = ctx.socket("ROUTER");
  await sink.bind("inproc://example");
  const received: Message[] = [];

  // First allow 0MQ to set the identity
  const anonymous = ctx.socket("REQ");
  anonymous.connect("inproc://example");
  await anonymous.send("ROUTER uses a generated 5 byte identity");
  received.push(await sink.receive());
  dump(received[0]!, log);

  // Then set the identity ourselves
  const identified = ctx.socket("REQ", { routingId: "PEER2" });
  identified.connect("inproc://example");
  await identified.send("ROUTER socket uses REQ's socket identity");
  received.push(await sink.receive());
  dump(received[1]!, log);

  for (const socket of [sink, anonymous, identified]) socket.close();
  return received;
}

main(import.meta.url, async () => {
  parse("usage: identity", {});
  const ctx = new Context();
  await identity(ctx);
  await ctx.term();
});
