/**
 * The brief's Python programs (examples/python/, Python 3 + pyzmq, i.e. libzmq through another
 * binding) run as child processes against threadmq counterparts: hello-world REQ/REP, the weather
 * PUB/SUB with a zip filter, the ventilator/workers/sink pipeline with its kill signal, and the
 * two-publisher filter republishing on ipc.
 *
 * Needs an interpreter that can `import zmq` (Debian: `apt-get install -y python3-zmq`); without
 * one every test here is registered as skipped, and the first test says why.
 */
import test from "ava";
import { fileURLToPath } from "node:url";
import { Poller, POLLIN } from "threadmq";
import { child, delay, EventLog, findPythonZmq, freePort, interopContext, ipcEndpoint, recv, strings, within } from "../helpers/interop.js";

const PY = findPythonZmq();
const pyTest = PY.python ? test : test.skip;
const dir = fileURLToPath(new URL("../../../examples/python/", import.meta.url));
const program = (name: string) => `${dir}${name}`;
const python = PY.python ?? "python3";
const local = async () => `tcp://127.0.0.1:${await freePort()}`;

if (!PY.python) console.log(`python3-zmq not installed: the Python interop tests are skipped (${PY.detail})`);

test("python3-zmq availability (the other tests in this file are skipped without it)", (t) => {
  if (PY.python) t.log(`using ${PY.python}: ${PY.detail}`);
  else t.log(`python3-zmq not installed: skipped. Install with: apt-get update && apt-get install -y python3-zmq (${PY.detail})`);
  t.pass();
});

pyTest("hello world: Python REP server (hello_server.py) ↔ our REQ client", async (t) => {
  const endpoint = await local();
  const server = child(t, python, ["-u", program("hello_server.py"), endpoint, "3"]);
  await server.waitOutput("server started.");
  const ctx = interopContext(t);
  const req = ctx.socket("REQ", { linger: 0 });
  req.connect(endpoint);
  for (const word of ["Hello", "from", "threadmq"]) {
    await req.send(word);
    t.deepEqual(strings(await recv(req)), [word]);
  }
  t.is(await within(server.exited, 10_000, "hello_server.py to exit"), 0, server.stderr());
  t.regex(server.stdout(), /recv: threadmq/);
});

pyTest("hello world: our REP server ↔ Python REQ client (hello_client.py)", async (t) => {
  const ctx = interopContext(t);
  const rep = ctx.socket("REP", { linger: 0 });
  await rep.bind("tcp://127.0.0.1:0");
  const client = child(t, python, ["-u", program("hello_client.py"), rep.lastEndpoint!, "3", "0"]);
  for (const expected of ["2", "3", "4"]) {
    t.deepEqual(strings(await recv(rep, 15_000, `request ${expected} from hello_client.py`)), [expected]);
    await rep.send(`World ${expected}`);
  }
  t.is(await within(client.exited, 10_000, "hello_client.py to exit"), 0, client.stderr());
  t.regex(client.stdout(), /message: World 2\n[\s\S]*message: World 4/);
});

pyTest("weather: our PUB server ↔ Python SUB client (weather_client.py) with zip filter 10001", async (t) => {
  const ctx = interopContext(t);
  const pub = ctx.socket("PUB", { linger: 0 });
  await pub.bind("tcp://127.0.0.1:0");
  const client = child(t, python, ["-u", program("weather_client.py"), pub.lastEndpoint!, "10001"]);
  let done = false;
  void client.exited.then(() => (done = true));
  // Publish until the client has had its 5 updates (subscribers join late: pub-sub has no start).
  const deadline = Date.now() + 20_000;
  for (let i = 0; !done && Date.now() < deadline; i++) {
    const zip = i % 3 === 0 ? 10001 : 10002 + (i % 89_000);
    await pub.send(`${zip} ${(i % 215) - 80} ${(i % 50) + 10}`);
    if (i % 50 === 49) await delay(5);
  }
  t.is(await within(client.exited, 5_000, "weather_client.py to exit"), 0, client.stderr());
  const updates = [...client.stdout().matchAll(/^update: (\S+) (-?\d+) \d+$/gm)];
  t.is(updates.length, 5);
  t.true(updates.every((u) => u[1] === "10001"), "only zip 10001 got through the filter");
  const average = Math.trunc(updates.reduce((sum, u) => sum + Number(u[2]), 0) / 5);
  t.regex(client.stdout(), new RegExp(`Average temperature for zipcode '10001' was ${average}F`));
});

pyTest("weather: Python PUB server (weather_server.py) ↔ our SUB client with prefix filter 100", async (t) => {
  const endpoint = await local();
  const server = child(t, python, ["-u", program("weather_server.py"), endpoint]);
  await server.waitOutput("publishing on");
  const ctx = interopContext(t);
  const sub = ctx.socket("SUB", { linger: 0 });
  sub.subscribe("100");
  sub.connect(endpoint);
  let total = 0;
  for (let i = 0; i < 5; i++) {
    const [update] = await recv(sub, 20_000, `update ${i} with prefix 100`);
    const [zip, temperature, humidity] = update!.toString().split(" ");
    t.true(zip!.startsWith("100"), zip);
    t.true(Number(humidity) >= 11 && Number(humidity) <= 59);
    total += Number(temperature);
  }
  t.log(`average temperature for zip prefix 100: ${Math.trunc(total / 5)}F`);
  server.proc.kill("SIGTERM");
  await within(server.exited, 5_000, "weather_server.py to end on SIGTERM");
});

pyTest("pipeline: our ventilator and sink (threadmq) with two Python workers (task_worker.py) killed by our PUB", async (t) => {
  const ctx = interopContext(t);
  const vent = ctx.socket("PUSH", { linger: 0 });
  const sink = ctx.socket("PULL", { linger: 0 });
  const control = ctx.socket("PUB", { linger: 0 });
  const logs = [new EventLog(vent), new EventLog(sink), new EventLog(control)];
  await vent.bind("tcp://127.0.0.1:0");
  await sink.bind("tcp://127.0.0.1:0");
  await control.bind("tcp://127.0.0.1:0");
  const endpoints = [vent.lastEndpoint!, sink.lastEndpoint!, control.lastEndpoint!];
  const workers = [0, 1].map(() => child(t, python, ["-u", program("task_worker.py"), ...endpoints]));
  // Both workers connected to all three sockets: only then do the tasks spread over both.
  for (const log of logs) {
    await log.wait("handshake", 15_000);
    await log.wait("handshake", 15_000, () => true, log.events.findIndex((e) => e.type === "handshake") + 1);
  }
  const workloads = Array.from({ length: 20 }, (_, i) => 1 + (i % 10));
  for (const w of workloads) await vent.send(String(w));
  const results: number[] = [];
  for (let i = 0; i < workloads.length; i++) results.push(Number((await recv(sink, 15_000, `result ${i}`))[0]!.toString()));
  t.deepEqual([...results].sort((a, b) => a - b), [...workloads].sort((a, b) => a - b));
  // KILL, repeated until both have gone (a PUB has no delivery guarantee for a late joiner).
  let gone = 0;
  for (const w of workers) void w.exited.then(() => gone++);
  for (let i = 0; gone < 2 && i < 300; i++) {
    await control.send("KILL");
    await delay(20);
  }
  const counts: number[] = [];
  for (const w of workers) {
    t.is(await within(w.exited, 5_000, "a worker to exit after KILL"), 0, w.stderr());
    counts.push(Number(/worker killed after (\d+) tasks/.exec(w.stdout())?.[1]));
  }
  t.is(counts[0]! + counts[1]!, 20);
  t.true(counts.every((c) => c > 0), `tasks per worker: ${counts.join(", ")} (PUSH load-balances over both)`);
});

pyTest("pipeline: Python ventilator and sink (task_ventilator.py, task_sink.py) with a threadmq worker using Poller", async (t) => {
  const [ventEp, sinkEp, controlEp] = [await local(), await local(), await local()];
  const sinkProc = child(t, python, ["-u", program("task_sink.py"), sinkEp, controlEp, "20"]);
  await sinkProc.waitOutput("sink ready");
  const ctx = interopContext(t);
  // The brief's "Sender Receiver with Kill", in threadmq.
  const receiver = ctx.socket("PULL", { linger: 0 });
  receiver.connect(ventEp);
  const sender = ctx.socket("PUSH", { linger: 0 });
  sender.connect(sinkEp);
  const controller = ctx.socket("SUB", { linger: 0 });
  controller.connect(controlEp);
  controller.subscribe("");
  const ventProc = child(t, python, ["-u", program("task_ventilator.py"), ventEp, sinkEp, "20", "--no-wait"]);
  const poller = new Poller();
  poller.register(receiver, POLLIN);
  poller.register(controller, POLLIN);
  let done = 0;
  let killed = false;
  while (!killed) {
    const socks = await within(poller.poll(), 20_000, "tasks or KILL");
    if (socks.get(receiver) === POLLIN) {
      const [message] = receiver.tryReceive()!;
      await delay(Number(message!.toString())); // the work
      await sender.send(message!);
      done++;
    }
    if (socks.get(controller) === POLLIN) killed = true;
  }
  t.is(done, 20);
  t.is(await within(ventProc.exited, 10_000, "task_ventilator.py to exit"), 0, ventProc.stderr());
  t.is(await within(sinkProc.exited, 10_000, "task_sink.py to exit"), 0, sinkProc.stderr());
  t.regex(sinkProc.stdout(), /Total elapsed time: \d+ msec/);
  t.regex(ventProc.stdout(), /Total expected cost: \d+ msec/);
});

pyTest("filter: two threadmq publishers → Python filter (nasdaq_filter.py) keeping NASDAQ → ipc → our SUB", async (t) => {
  const ctx = interopContext(t);
  const pubA = ctx.socket("PUB", { linger: 0 });
  const pubB = ctx.socket("PUB", { linger: 0 });
  await pubA.bind("tcp://127.0.0.1:0");
  await pubB.bind("tcp://127.0.0.1:0");
  const out = ipcEndpoint(t, "nasdaq-feed");
  const filter = child(t, python, ["-u", program("nasdaq_filter.py"), out, pubA.lastEndpoint!, pubB.lastEndpoint!]);
  await filter.waitOutput("filtering");
  const sub = ctx.socket("SUB", { linger: 0 });
  sub.subscribe("");
  sub.connect(out);
  const seen = { A: 0, B: 0 };
  const received: string[] = [];
  let stop = false;
  const publishing = (async () => {
    for (let i = 0; !stop && i < 2_000; i++) {
      await pubA.send(["NYSE:IBM", `${i}`]);
      await pubA.send(["NASDAQ:AAPL", `A ${i}`]);
      await pubB.send(["NASDAQ:MSFT", `B ${i}`]);
      await pubB.send(["LSE:VOD", `${i}`]);
      await delay(10);
    }
  })();
  try {
    while (seen.A < 3 || seen.B < 3) {
      const msg = strings(await recv(sub, 20_000, "filtered quotes from both publishers"));
      received.push(msg.join(" "));
      if (msg[0] === "NASDAQ:AAPL") seen.A++;
      if (msg[0] === "NASDAQ:MSFT") seen.B++;
    }
  } finally {
    stop = true;
    await publishing;
  }
  t.true(received.every((m) => m.startsWith("NASDAQ:")), `only NASDAQ passes: ${received.slice(0, 5).join(" | ")}`);
  t.true(received.every((m) => m.split(" ").length === 3), "multipart kept: [topic, who, n]");
  filter.proc.kill("SIGTERM");
  await within(filter.exited, 5_000, "nasdaq_filter.py to end on SIGTERM");
});
