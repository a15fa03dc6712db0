/**
 * msgqueue — the request-reply broker as a built-in proxy (guide chapter 2).
 * The same ROUTER frontend (tcp://*:5559) and DEALER backend (tcp://*:5560) as
 * rrbroker, joined by `proxy` instead of a hand-written poll loop.
 * Run: `pnpm example msgqueue [--frontend tcp://*:5559] [--backend tcp://*:5560]`
 */
import { Context, proxy } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown } from "./lib/zhelpers.js";

export async function msgqueue(ctx: Context, options: { frontend?: string; backend?: string } = {}): Promise<{ frontend: string; backend: string; done: Promise<void> }> {
  // Socket facing clients
  const frontend = ctx.socket("ROUTER");
  await frontend.bind(options.frontend ?? "tcp://*:5559");
  // Socket facing services
  const backend = ctx.socket("DEALER");
  await backend.bind(options.backend ?? "tcp://*:5560");
  // Start the proxy; it runs until the context terminates (ETERM, the normal end).
  const done = untilShutdown(() => proxy(frontend, backend)).then(() => {
    frontend.close();
    backend.close();
  });
  return { frontend: frontend.lastEndpoint!, backend: backend.lastEndpoint!, done };
}

const usage = "usage: msgqueue [--frontend tcp://*:5559] [--backend tcp://*:5560]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { frontend: { type: "string" }, backend: { type: "string" } });
  await (await msgqueue(new Context(), values)).done;
});
