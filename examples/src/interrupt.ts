/**
 * interrupt — handling Ctrl-C cleanly (guide chapter 2).
 * A REP server on tcp://*:5555 blocked in receive. On SIGINT or SIGTERM the handler
 * aborts a signal; that closes the socket, the blocked receive ends (as EINTR ends
 * zmq_recv in C), and the server says so and shuts down: socket closed, context
 * terminated, exit status 0.
 * Run: `pnpm example interrupt [--bind tcp://*:5555]`, then Ctrl-C.
 */
import { Context } from "threadmq";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { isShutdown, type Log } from "./lib/zhelpers.js";

export interface InterruptOptions {
  bind?: string;
  /** Aborted by the signal handler. */
  signal: AbortSignal;
  log?: Log;
  /** Called once bound, with the resolved endpoint. */
  listening?: (endpoint: string) => void;
}

/** Serves "World" for each request until `signal` aborts; resolves with the requests answered. */
export async function interrupt(ctx: Context, options: InterruptOptions): Promise<number> {
  const { bind = "tcp://*:5555", signal, log = console.log } = options;
  const socket = ctx.socket("REP", { linger: 0 });
  // The blocked receive cannot see a flag: closing the socket is what wakes it.
  const onAbort = () => socket.close();
  signal.addEventListener("abort", onAbort, { once: true });
  let answered = 0;
  try {
    await socket.bind(bind);
    options.listening?.(socket.lastEndpoint!);
    for (;;) {
      const [request] = await socket.receive(); // Blocking read will end on the interrupt
      await socket.send(`World (${request})`);
      answered++;
    }
  } catch (error) {
    if (!signal.aborted || !isShutdown(error)) throw error;
    log("W: interrupt received, killing server...");
  } finally {
    signal.removeEventListener("abort", onAbort);
    socket.close();
  }
  return answered;
}

const usage = "usage: interrupt [--bind tcp://*:5555]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string" } });
  const ctx = new Context();
  // s_catch_signals: our handler replaces the default "exit at once".
  const interrupted = new AbortController();
  const onSignal = () => interrupted.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  await interrupt(ctx, {
    bind: values.bind,
    signal: interrupted.signal,
    listening: (endpoint) => console.log(`I: listening on ${endpoint}, Ctrl-C to stop`),
  });
  await ctx.term();
  console.log("I: clean shutdown");
});
