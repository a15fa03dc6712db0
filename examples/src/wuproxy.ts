/**
 * wuproxy — weather update proxy (guide chapter 2).
 * An XSUB connects to the internal weather server, an XPUB binds for external
 * subscribers; `proxy` forwards updates down and subscriptions up, so filtering still
 * happens at the publisher.
 * Run: `pnpm example wuproxy [--frontend tcp://localhost:5556] [--backend tcp://*:8100]`
 * (the guide's addresses are 192.168.55.210:5556 inside and 10.1.1.0:8100 outside)
 */
import { Context, proxy } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { untilShutdown } from "./lib/zhelpers.js";

export async function wuproxy(ctx: Context, options: { frontend?: string; backend?: string } = {}): Promise<{ backend: string; done: Promise<void> }> {
  // This is where the weather server sits
  const frontend = ctx.socket("XSUB");
  frontend.connect(options.frontend ?? "tcp://localhost:5556");
  // This is our public endpoint for subscribers
  const backend = ctx.socket("XPUB");
  await backend.bind(options.backend ?? "tcp://*:8100");
  // Run the proxy until the context terminates
  const done = untilShutdown(() => proxy(frontend, backend)).then(() => {
    frontend.close();
    backend.close();
  });
  return { backend: backend.lastEndpoint!, done };
}

const usage = "usage: wuproxy [--frontend tcp://localhost:5556] [--backend tcp://*:8100]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { frontend: { type: "string" }, backend: { type: "string" } });
  await (await wuproxy(new Context(), values)).done;
});
