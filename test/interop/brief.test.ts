/**
 * The brief's programs (/work/shared/brief: Python 2 from the guide) in their TypeScript form
 * (examples/src), each against its other side written with zeromq.js (libzmq 4.3.5), both
 * directions, over tcp (and ipc for the filter's local feed):
 *
 * - hello world: our hwserver ↔ a libzmq REQ; a libzmq REP ↔ our hwclient;
 * - weather: our wuserver → a libzmq SUB (and XSUB) on a zip code; a libzmq PUB → our wuclient;
 * - pipeline with kill: libzmq ventilator + sink + KILL PUB with our taskwork2 workers; our
 *   taskvent + tasksink2 with libzmq workers;
 * - the two-publisher filter: our nasdaqfilter between two libzmq PUBs and a libzmq SUB on ipc;
 *   a libzmq filter between our seqpub + wuserver and our SUB on ipc.
 *
 * Waits are on signals (replies, monitor handshakes, a subscription's first message), each with
 * a deadline; libzmq sockets close with linger 0 and our contexts terminate at teardown.
 */
import test, { type ExecutionContext } from "ava";
import * as zmq from "zeromq";
import { hwclient } from "@threadmq/examples/hwclient";
import { hwserver } from "@threadmq/examples/hwserver";
import { handshakes } from "@threadmq/examples/lib/peers";
import { nasdaqfilter } from "@threadmq/examples/nasdaqfilter";
import { seqpub } from "@threadmq/examples/seqpub";
import { tasksink2 } from "@threadmq/examples/tasksink2";
import { taskvent } from "@threadmq/examples/taskvent";
import { taskwork2 } from "@threadmq/examples/taskwork2";
import { wuclient } from "@threadmq/examples/wuclient";
import { wuserver } from "@threadmq/examples/wuserver";
import { ANY_TCP, delay, interopContext, ipcEndpoint, peer, recv, strings, within, zbind } from "../helpers/interop.js";
import { Lines } from "../helpers/lines.js";
import { freeEndpoint } from "../helpers/ports.js";

const quiet = () => {};
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Resolves after `n` handshakes on a zeromq.js socket (its monitor). Call before bind/connect.
 * libzmq reports a handshake after the session has handed the new pipe to the socket.
 */
function zHandshakes(socket: zmq.Socket, n: number, what: string, ms = 15_000): Promise<void> {
  let seen = 0;
  return within(
    new Promise<void>((resolve) => {
      socket.events.on("handshake", () => {
        if (++seen === n) resolve();
      });
    }),
    ms,
    `${n} handshake(s) on ${what}`,
  );
}

/** Marks a promise as handled (it is awaited later; a failure before that must not go unhandled). */
function later<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

// ---- hello world (REQ/REP, port 5555 in the guide) -------------------------------------------

test("hello world: our hwserver ↔ zeromq.js REQ client, ten Hellos answered World", async (t) => {
  const ctx = interopContext(t);
  const log = new Lines();
  const server = await hwserver(ctx, { bind: "tcp://127.0.0.1:0", workMs: 1, log: log.log });
  t.regex(server.endpoint, /^tcp:\/\/127\.0\.0\.1:[1-9]\d*$/);
  const req = peer(t, new zmq.Request());
  req.connect(server.endpoint);
  for (let n = 0; n < 10; n++) {
    await req.send(`Hello ${n}`);
    t.deepEqual(strings(await recv(req, 10_000, `reply ${n} from hwserver`)), ["World"]);
  }
  // The server saw each request as sent, in order, once.
  t.deepEqual(log.matching(/^Received /), Array.from({ length: 10 }, (_, n) => `Received Hello ${n}`));
  req.close();
  await within(ctx.term(), 10_000, "ctx.term() ending hwserver");
  t.is(await server.done, 10);
});

test("hello world: zeromq.js REP server ↔ our hwclient, each reply matched to its request", async (t) => {
  const rep = peer(t, new zmq.Reply());
  const endpoint = await zbind(rep, ANY_TCP);
  const requests: string[] = [];
  // A bound libzmq socket attaches the client's connection inside a receive: keep one pending.
  const serving = later(
    (async () => {
      for (let n = 0; n < 10; n++) {
        const request = await rep.receive();
        requests.push(strings(request).join("|"));
        await rep.send(`World ${n}`);
      }
    })(),
  );
  const ctx = interopContext(t);
  const log = new Lines();
  const replies = await within(hwclient(ctx, { connect: endpoint, requests: 10, log: log.log }), 15_000, "hwclient");
  await within(serving, 5_000, "the REP server's tenth reply");
  t.deepEqual(requests, Array(10).fill("Hello"));
  t.deepEqual(replies, Array.from({ length: 10 }, (_, n) => `World ${n}`));
  t.deepEqual(log.matching(/^Received /), replies.map((reply, n) => `Received ${reply} ${n}`));
});

// ---- weather (PUB/SUB, port 5556 in the guide) -----------------------------------------------

/** Parses "zip temperature humidity" as wuserver formats it; fails the test on anything else. */
function parseUpdate(t: ExecutionContext, frames: Buffer[], zip: string): number {
  t.is(frames.length, 1, "one frame per update");
  const text = frames[0]!.toString();
  const m = /^(\d{5}) (-?\d+) (\d+)$/.exec(text);
  if (!m) {
    t.fail(`not a weather update: ${JSON.stringify(text)}`);
    return NaN;
  }
  t.is(m[1], zip, text);
  const [temperature, humidity] = [Number(m[2]), Number(m[3])];
  t.true(temperature >= -80 && temperature <= 134, `temperature of ${text}`);
  t.true(humidity >= 10 && humidity <= 59, `humidity of ${text}`);
  return temperature;
}

test("weather: our wuserver → zeromq.js SUB filtering on zip 10001", async (t) => {
  const ctx = interopContext(t);
  // Ten zip codes only, so that 10001 is one update in ten.
  const server = await wuserver(ctx, { bind: ["tcp://127.0.0.1:0"], zipFrom: 10000, zipTo: 10010 });
  const sub = peer(t, new zmq.Subscriber());
  sub.subscribe("10001 ");
  sub.connect(server.endpoints[0]!);
  const temperatures: number[] = [];
  for (let i = 0; i < 50; i++) temperatures.push(parseUpdate(t, await recv(sub, 15_000, `update ${i} for 10001`), "10001"));
  t.true(new Set(temperatures).size > 1, "random temperatures, not one repeated update");
  t.log(`average temperature for 10001 over 50 updates: ${Math.trunc(sum(temperatures) / 50)}F`);
  sub.close();
  await within(ctx.term(), 10_000, "ctx.term() ending wuserver");
  t.true((await server.done) >= 50);
});

test("weather: our wuserver filters on the wire for a zeromq.js XSUB subscribed to 10001", async (t) => {
  // An XSUB does no filtering of its own: whatever arrives is what our PUB chose to send.
  const ctx = interopContext(t);
  const server = await wuserver(ctx, { bind: ["tcp://127.0.0.1:0"], zipFrom: 10000, zipTo: 10010 });
  const xsub = peer(t, new zmq.XSubscriber());
  xsub.connect(server.endpoints[0]!);
  await xsub.send(Buffer.concat([Buffer.from([1]), Buffer.from("10001 ")]));
  for (let i = 0; i < 50; i++) parseUpdate(t, await recv(xsub, 15_000, `update ${i} for 10001`), "10001");
  xsub.close();
  await within(ctx.term(), 10_000, "ctx.term() ending wuserver");
  t.true((await server.done) >= 50);
});

test("weather: zeromq.js PUB with known temperatures → our wuclient averages those of its zip", async (t) => {
  const pub = peer(t, new zmq.Publisher());
  const endpoint = await zbind(pub, ANY_TCP);
  // 10001's temperatures repeat in this cycle. A PUB gives no sign of when the client's
  // subscription arrives, but any 3 whole cycles in a row average to the cycle's mean.
  const cycle = [20, 31, -5, 44, 17];
  const ctx = interopContext(t);
  const log = new Lines();
  const client = later(wuclient(ctx, { zipcode: "10001", connect: endpoint, updates: 3 * cycle.length, log: log.log }));
  let finished = false;
  void client.then(
    () => (finished = true),
    () => (finished = true),
  );
  const publishing = (async () => {
    const deadline = Date.now() + 15_000;
    while (!finished && Date.now() < deadline) {
      for (const [i, temperature] of cycle.entries()) {
        // Decoys: another zip, and a longer "zip" that the trailing space in the filter excludes.
        await pub.send(`10002 99 ${40 + i}`);
        await pub.send(`100010 99 ${40 + i}`);
        await pub.send(`10001 ${temperature} ${40 + i}`);
      }
      await nextTurn(); // one cycle per event-loop turn: far below the high-water mark
    }
  })();
  const result = await within(client, 15_000, "wuclient");
  await publishing;
  const start = cycle.indexOf(result.temperatures[0]!);
  t.true(start >= 0, `first temperature ${result.temperatures[0]} is one published for 10001`);
  t.deepEqual(
    result.temperatures,
    Array.from({ length: 15 }, (_, i) => cycle[(start + i) % cycle.length]),
    "consecutive 10001 temperatures, nothing else",
  );
  t.is(result.average, sum(cycle) / cycle.length);
  await log.waitFor(new RegExp(`^Average temperature for zipcode '10001' was ${Math.trunc(sum(cycle) / cycle.length)}F$`), 1_000);
});

// ---- pipeline with kill (PUSH/PULL + PUB, ports 5557-5559 in the guide) ----------------------

test("pipeline with kill: zeromq.js ventilator, sink and KILL PUB with two of our taskwork2 workers", async (t) => {
  const vent = peer(t, new zmq.Push());
  const sink = peer(t, new zmq.Pull());
  const control = peer(t, new zmq.Publisher());
  const ventUp = zHandshakes(vent, 2, "the ventilator");
  const controlUp = zHandshakes(control, 2, "the KILL publisher");
  const tasksEndpoint = await zbind(vent, ANY_TCP);
  const sinkEndpoint = await zbind(sink, ANY_TCP);
  const controlEndpoint = await zbind(control, ANY_TCP);

  const ctx = interopContext(t);
  const workers = later(
    Promise.all([0, 1].map(() => taskwork2(ctx, { tasks: tasksEndpoint, sink: sinkEndpoint, control: controlEndpoint, progress: quiet }))),
  );
  let ended = false;
  void workers.then(
    () => (ended = true),
    () => (ended = true),
  );
  // Both workers connected to the ventilator (so the batch spreads over both) and to the
  // publisher (so KILL reaches both): both pipes are attached at the first send.
  await Promise.all([ventUp, controlUp]);

  const workloads = Array.from({ length: 20 }, (_, i) => 1 + ((i * 7) % 13));
  for (const workload of workloads) await vent.send(String(workload));
  const results: number[] = [];
  for (let i = 0; i < workloads.length; i++) {
    const frames = strings(await recv(sink, 15_000, `result ${i} at the sink`));
    t.is(frames.length, 1);
    results.push(Number(frames[0]));
  }
  t.deepEqual(sorted(results), sorted(workloads), "each task's result, once");
  t.false(ended, "the workers still run before KILL");

  await control.send("KILL");
  const done = await within(workers, 10_000, "the taskwork2 workers to end on KILL");
  t.is(sum(done), workloads.length);
  t.true(done.every((n) => n > 0), `tasks per worker: ${done.join(", ")} (PUSH load-balances)`);
});

/** The brief's "Sender Receiver with Kill" in zeromq.js: PULL tasks, PUSH results, SUB control. */
function zworker(t: ExecutionContext, tasksEndpoint: string, sinkEndpoint: string, controlEndpoint: string) {
  const receiver = peer(t, new zmq.Pull());
  const sender = peer(t, new zmq.Push());
  const controller = peer(t, new zmq.Subscriber());
  const connected = Promise.all([
    zHandshakes(receiver, 1, "a worker's task PULL"),
    zHandshakes(sender, 1, "a worker's result PUSH"),
    zHandshakes(controller, 1, "a worker's control SUB"),
  ]).then(() => {});
  receiver.connect(tasksEndpoint);
  sender.connect(sinkEndpoint);
  controller.connect(controlEndpoint);
  controller.subscribe("");
  const done = later(
    (async () => {
      // zeromq.js has no poller: a pending receive on each socket, whichever comes first.
      const kill = controller.receive().then((frames) => strings(frames).join("|"));
      let tasks = 0;
      let work = 0;
      for (;;) {
        const next = later(receiver.receive());
        const got = await Promise.race([next.then((frames) => ({ task: strings(frames)[0]! })), kill.then((message) => ({ kill: message }))]);
        if ("kill" in got) return { tasks, work, kill: got.kill };
        await delay(Number(got.task)); // the work
        await sender.send(got.task);
        tasks++;
        work += Number(got.task);
      }
    })(),
  );
  return { connected, done };
}

test("pipeline with kill: our taskvent and tasksink2 with two zeromq.js workers that get the KILL", async (t) => {
  const [tasksEndpoint, sinkEndpoint, controlEndpoint] = await Promise.all([freeEndpoint(), freeEndpoint(), freeEndpoint()]);
  const workers = [0, 1].map(() => zworker(t, tasksEndpoint, sinkEndpoint, controlEndpoint));
  const ctx = interopContext(t);
  const sinkLog = new Lines();
  const batch = later(tasksink2(ctx, { bind: sinkEndpoint, control: controlEndpoint, tasks: 20, log: sinkLog.log, progress: quiet }));
  // taskvent's --workers signal, plus: each worker is connected to the sink and the KILL PUB.
  const cost = await within(
    taskvent(ctx, {
      bind: tasksEndpoint,
      sink: sinkEndpoint,
      tasks: 20,
      maxWorkload: 20,
      log: quiet,
      ready: async (sender) => {
        const connected = handshakes(sender, 2); // before taskvent binds
        await Promise.all([connected, ...workers.map((w) => w.connected)]);
      },
    }),
    20_000,
    "taskvent",
  );
  const result = await within(batch, 20_000, "tasksink2");
  t.is(result.results, 20);
  t.is(result.workMs, cost, "the sink accounted for exactly the work the ventilator sent");
  t.truthy(sinkLog.matching(new RegExp(`^Total work done: ${cost} msec in 20 results$`)).length);

  const outcomes = await within(Promise.all(workers.map((w) => w.done)), 10_000, "the zeromq.js workers to receive KILL");
  t.deepEqual(
    outcomes.map((o) => o.kill),
    ["KILL", "KILL"],
  );
  t.is(sum(outcomes.map((o) => o.tasks)), 20);
  t.is(sum(outcomes.map((o) => o.work)), cost);
  t.true(
    outcomes.every((o) => o.tasks > 0),
    `tasks per worker: ${outcomes.map((o) => o.tasks).join(", ")} (PUSH load-balances)`,
  );
});

// ---- the two-publisher filter (SUB to two PUBs, one topic republished on ipc) ----------------

test("filter: our nasdaqfilter between two zeromq.js PUBs and a zeromq.js SUB on ipc, NASDAQ only", async (t) => {
  const pubA = peer(t, new zmq.Publisher());
  const pubB = peer(t, new zmq.Publisher());
  const endpointA = await zbind(pubA, ANY_TCP);
  const endpointB = await zbind(pubB, ANY_TCP);
  const feed = ipcEndpoint(t, "nasdaq-feed");
  const ctx = interopContext(t);
  const filter = await nasdaqfilter(ctx, { connect: [endpointA, endpointB], bind: feed });
  t.is(filter.endpoint, feed);
  const local = peer(t, new zmq.Subscriber());
  local.subscribe("");
  local.connect(feed);

  // Publish until the local subscriber has quotes from both (subscriptions take a round trip
  // each way: no start signal in pub-sub). Both PUBs send inside this loop, which also attaches
  // the filter's connections to them.
  let stop = false;
  let sent = 0;
  const publishing = (async () => {
    const deadline = Date.now() + 20_000;
    for (let i = 0; !stop && Date.now() < deadline; i++) {
      await pubA.send(["NYSE:IBM", `A ${i}`]);
      await pubA.send(["NASDAQ:AAPL", `A ${i}`]);
      await pubA.send(["NASDA", `A ${i}`]); // a shorter prefix: not the topic
      await pubB.send(["nasdaq:msft", `B ${i}`]); // the filter is case-sensitive
      await pubB.send(["NASDAQ:MSFT", `B ${i}`]);
      await pubB.send(["LSE:VOD", `B ${i}`]);
      sent += 2;
      await delay(1);
    }
  })();
  const received: string[][] = [];
  const last = { A: -1, B: -1 };
  try {
    while (received.filter((m) => m[0] === "NASDAQ:AAPL").length < 5 || received.filter((m) => m[0] === "NASDAQ:MSFT").length < 5) {
      const message = strings(await recv(local, 20_000, "NASDAQ quotes from both publishers on the ipc feed"));
      received.push(message);
      const m = /^(A|B) (\d+)$/.exec(message[1] ?? "");
      const from = message[0] === "NASDAQ:AAPL" ? "A" : message[0] === "NASDAQ:MSFT" ? "B" : undefined;
      if (message.length !== 2 || !m || from === undefined || m[1] !== from) {
        t.fail(`not a NASDAQ quote as published: ${JSON.stringify(message)}`);
        break;
      }
      t.true(Number(m[2]) > last[from], `publisher ${from}'s quotes in order`);
      last[from] = Number(m[2]);
    }
  } finally {
    stop = true;
    await publishing;
  }
  t.true(received.length >= 10);
  local.close();
  await within(ctx.term(), 10_000, "ctx.term() ending nasdaqfilter");
  const forwarded = await filter.done;
  t.true(forwarded >= received.length && forwarded <= sent, `forwarded ${forwarded}, received ${received.length}, NASDAQ sent ${sent}`);
});

test("filter: a zeromq.js filter between our seqpub and wuserver and our SUB on ipc, topic '1' only", async (t) => {
  const ctx = interopContext(t);
  const feed = ipcEndpoint(t, "filter-feed");
  // The brief's filter program, in zeromq.js: SUB to two publishers on one topic, PUB on ipc.
  const topic = "1";
  const filterSub = peer(t, new zmq.Subscriber());
  filterSub.subscribe(topic);
  const filterPub = peer(t, new zmq.Publisher());
  await filterPub.bind(feed);

  // Our subscriber first, so that it is attached before the publishers start counting: probe
  // through the filter's PUB until a probe arrives (the PUB's send attaches our connection).
  const sub = ctx.socket("SUB", { linger: 0 });
  sub.subscribe("");
  sub.connect(feed);
  let probing = true;
  const probes = (async () => {
    while (probing) {
      await filterPub.send("probe");
      await delay(5);
    }
  })();
  t.deepEqual(strings(await recv(sub, 10_000, "a probe through the zeromq.js filter's PUB")), ["probe"]);
  probing = false;
  await probes;

  let forwarded = 0;
  const forwarding = later(
    (async () => {
      try {
        for await (const message of filterSub) {
          await filterPub.send(message);
          forwarded++;
        }
      } catch (error) {
        // zeromq.js: a receive pending when its socket closes may reject with ENOTSOCK
        // rather than end the iteration; that is the end we asked for.
        if (!filterSub.closed) throw error;
      }
    })(),
  );
  const counter = await seqpub(ctx, { bind: "tcp://127.0.0.1:0", log: quiet });
  // Zip codes 10000-29999: half of them have the topic's prefix.
  const weather = await wuserver(ctx, { bind: ["tcp://127.0.0.1:0"], zipFrom: 10000, zipTo: 30000 });
  filterSub.connect(counter.endpoint);
  filterSub.connect(weather.endpoints[0]!);

  const numbers: number[] = [];
  const zips: number[] = [];
  while (numbers.length < 5 || zips.length < 5) {
    const message = strings(await recv(sub, 20_000, `topic '1' from both publishers (numbers ${numbers.length}, updates ${zips.length})`));
    if (message[0] === "probe") continue; // still in flight from the probing
    t.is(message.length, 1);
    const text = message[0]!;
    if (/^\d+$/.test(text)) numbers.push(Number(text));
    else if (/^\d{5} -?\d+ \d+$/.test(text)) zips.push(Number(text.slice(0, 5)));
    else {
      t.fail(`neither a count nor a weather update: ${JSON.stringify(text)}`);
      break;
    }
    t.true(text.startsWith(topic), `only topic '${topic}' passes: ${text}`);
  }
  t.true(
    numbers.every((n, i) => i === 0 || n > numbers[i - 1]!),
    `seqpub's count in order: ${numbers.slice(0, 10).join(", ")}`,
  );
  t.true(
    zips.every((zip) => zip >= 10000 && zip < 20000),
    `zips with the prefix: ${zips.slice(0, 10).join(", ")}`,
  );

  sub.close();
  await within(ctx.term(), 10_000, "ctx.term() ending seqpub and wuserver");
  t.true((await counter.done) >= numbers.at(-1)!);
  t.true((await weather.done) >= zips.length);
  // The filter's loop ends when its SUB closes (a message in hand still goes out on the PUB).
  filterSub.close();
  await within(forwarding, 5_000, "the zeromq.js filter's loop to end");
  filterPub.close();
  t.true(forwarded >= numbers.length + zips.length);
});
