/**
 * rrbroker — simple request-reply broker (guide chapter 2).
 * ROUTER frontend on tcp://*:5559 for clients, DEALER backend on tcp://*:5560 for
 * workers; polls both and moves every message across whole, envelope included, so
 * replies find their way back.
 * Run: `pnpm example rrbroker [--frontend tcp://*:5559] [--backend tcp://*:5560]`
 */
import { Context, Poller, POLLIN } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { stopPipe } from "./lib/stop.js";
import { untilShutdown } from "./lib/zhelpers.js";

export interface BrokerOptions {
  frontend?: string;
  backend?: string;
  signal?: AbortSignal;
}

export interface RunningBroker {
  frontend: string;
  backend: string;
  /** Resolves once the broker stopped (signal aborted), with the messages switched. */
  done: Promise<number>;
}

export async function rrbroker(ctx: Context, options: BrokerOptions = {}): Promise<RunningBroker> {
  const frontend = ctx.socket("ROUTER");
  const backend = ctx.socket("DEALER");
  await frontend.bind(options.frontend ?? "tcp://*:5559");
  await backend.bind(options.backend ?? "tcp://*:5560");

  // Initialize poll set
  const poller = new Poller();
  poller.register(frontend, POLLIN);
  poller.register(backend, POLLIN);
  const stop = await stopPipe(ctx, poller, options.signal);
  let switched = 0;
  // Switch messages between sockets
  const done = untilShutdown(async () => {
    for (;;) {
      const ready = await poller.poll();
      if (stop.stopped) return;
      if (ready.has(frontend)) {
        await backend.send(await frontend.receive()); // all frames: the envelope travels too
        switched++;
      }
      if (ready.has(backend)) {
        await frontend.send(await backend.receive());
        switched++;
      }
    }
  }).then(() => {
    stop.close();
    frontend.close();
    backend.close();
    return switched;
  });
  return { frontend: frontend.lastEndpoint!, backend: backend.lastEndpoint!, done };
}

const usage = "usage: rrbroker [--frontend tcp://*:5559] [--backend tcp://*:5560]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { frontend: { type: "string" }, backend: { type: "string" } });
  await (await rrbroker(new Context(), values)).done;
});
