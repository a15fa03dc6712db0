/** msreader and mspoller: both read a PULL and a SUB; the poller without a busy loop. */
import test from "ava";
import type { Context } from "threadmq";
import { msreader, type MultiSocketOptions, type Received } from "@threadmq/examples/msreader";
import { mspoller } from "@threadmq/examples/mspoller";
import { within } from "../helpers/lines.js";
import { exampleContext } from "../helpers/programs.js";

type Reader = (ctx: Context, options: MultiSocketOptions) => Promise<Received>;

for (const [name, reader] of [["msreader", msreader], ["mspoller", mspoller]] as [string, Reader][]) {
  test(`${name} gets every task and only the weather for its zip code, from both sockets`, async (t) => {
    const ctx = exampleContext(t);
    const tasks = ctx.socket("PUSH");
    await tasks.bind("tcp://127.0.0.1:0");
    const weather = ctx.socket("XPUB"); // shows when the subscription arrived
    await weather.bind("tcp://127.0.0.1:0");
    const result = reader(ctx, { tasks: tasks.lastEndpoint!, weather: weather.lastEndpoint!, limit: 6 });
    t.is((await within(weather.receive(), 10000, "subscription"))[0]!.toString(), "\x0110001 ");
    for (const n of [1, 2, 3]) {
      await tasks.send(`${n * 10}`);
      await weather.send(`20002 ${n} 50`); // not subscribed: filtered at the publisher
      await weather.send(`10001 ${n} 40`);
    }
    const received = await within(result, 10000, name);
    t.deepEqual(received.tasks, ["10", "20", "30"]);
    t.deepEqual(received.updates, ["10001 1 40", "10001 2 40", "10001 3 40"]);
  });
}

test("mspoller stops when its signal aborts, while blocked in poll", async (t) => {
  const ctx = exampleContext(t);
  const stop = new AbortController();
  const result = mspoller(ctx, { tasks: "inproc://no-tasks", weather: "inproc://no-weather", signal: stop.signal });
  setImmediate(() => stop.abort());
  t.deepEqual(await within(result, 5000, "mspoller"), { tasks: [], updates: [] });
});

test("msreader ends when the context terminates (ETERM is the normal end)", async (t) => {
  const ctx = exampleContext(t);
  const result = msreader(ctx, { tasks: "inproc://no-tasks", weather: "inproc://no-weather" });
  setImmediate(() => void ctx.term());
  t.deepEqual(await within(result, 5000, "msreader"), { tasks: [], updates: [] });
});
