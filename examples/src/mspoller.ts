/**
 * mspoller — reading from multiple sockets with a poller (guide chapter 2).
 * The same two sockets as msreader, but one Poller waits on both: no busy loop, no
 * 1 ms latency, no socket starved.
 * Run: `pnpm example mspoller [--tasks ...:5557] [--weather ...:5556] [--limit N]`
 */
import { Context, Poller, POLLIN } from "threadmq";
import { main } from "./lib/main.js";
import { stopPipe } from "./lib/stop.js";
import { untilShutdown } from "./lib/zhelpers.js";
import { multiSocketMain, type MultiSocketOptions, type Received } from "./msreader.js";

/** Polls both sockets until `limit` messages arrived or `signal` aborts. */
export async function mspoller(ctx: Context, options: MultiSocketOptions = {}): Promise<Received> {
  const { tasks = "tcp://localhost:5557", weather = "tcp://localhost:5556", zipcode = "10001", limit = Infinity, log = () => {} } = options;
  const receiver = ctx.socket("PULL");
  receiver.connect(tasks);
  const subscriber = ctx.socket("SUB");
  subscriber.connect(weather);
  subscriber.subscribe(`${zipcode} `);

  const poller = new Poller();
  poller.register(receiver, POLLIN);
  poller.register(subscriber, POLLIN);
  const stop = await stopPipe(ctx, poller, options.signal);
  const received: Received = { tasks: [], updates: [] };
  await untilShutdown(async () => {
    while (received.tasks.length + received.updates.length < limit) {
      const ready = await poller.poll();
      if (stop.stopped) break;
      if (ready.has(receiver)) {
        const [task] = await receiver.receive();
        received.tasks.push(String(task)); // Process task
        log(`task ${task}`);
      }
      if (ready.has(subscriber) && received.tasks.length + received.updates.length < limit) {
        const [update] = await subscriber.receive();
        received.updates.push(String(update)); // Process weather update
        log(`weather ${update}`);
      }
    }
  });
  stop.close();
  receiver.close();
  subscriber.close();
  return received;
}

main(import.meta.url, () => multiSocketMain("mspoller", mspoller));
