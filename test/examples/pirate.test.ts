/** Lazy, Simple and Paranoid Pirate (chapter 4): reliability through retries and heartbeats. */
import test from "ava";
import { lpclient } from "@threadmq/examples/lpclient";
import { lpserver } from "@threadmq/examples/lpserver";
import { ppqueue } from "@threadmq/examples/ppqueue";
import { ppworker } from "@threadmq/examples/ppworker";
import { spqueue } from "@threadmq/examples/spqueue";
import { spworker } from "@threadmq/examples/spworker";
import { Lines, within } from "../helpers/lines.js";
import { freeEndpoint } from "../helpers/ports.js";
import { exampleContext, startExample } from "../helpers/programs.js";

const quiet = () => {};
const never = () => 1; // a draw that never triggers a simulated failure
/** Draws `script` in order, then never fails again. */
const scripted = (...script: number[]) => () => script.shift() ?? 1;

test("lazy pirate: every request answered in sequence by a well-behaved server", async (t) => {
  const ctx = exampleContext(t);
  const endpoint = await freeEndpoint();
  void lpserver(ctx, { bind: endpoint, random: never, workMs: 0, log: quiet });
  const log = new Lines();
  t.deepEqual(await within(lpclient(ctx, { connect: endpoint, requests: 5, log: log.log }), 10000, "lpclient"), { replies: 5, abandoned: false });
  t.deepEqual(log.matching(/^I: server replied OK/), [1, 2, 3, 4, 5].map((n) => `I: server replied OK (${n})`));
});

test("lazy pirate: an overloaded server makes the client close its REQ, reopen and resend, and it recovers", async (t) => {
  const ctx = exampleContext(t);
  const endpoint = await freeEndpoint();
  const serverLog = new Lines();
  // Cycle 4: no crash (0.9), overload (0).
  void lpserver(ctx, { bind: endpoint, random: scripted(0.9, 0), workMs: 0, overloadMs: 1000, log: serverLog.log });
  const log = new Lines();
  // Timeouts generous enough for a loaded machine, overload longer than one of them.
  const result = await within(lpclient(ctx, { connect: endpoint, requests: 6, timeoutMs: 700, log: log.log }), 15000, "lpclient");
  t.deepEqual(result, { replies: 6, abandoned: false });
  t.true(log.all.includes("W: no response from server, retrying..."));
  t.true(serverLog.all.includes("I: simulating CPU overload"));
  t.is(log.matching(/^I: server replied OK/).length, 6);
});

test("lazy pirate: when the server crashes the client retries, then abandons", async (t) => {
  const ctx = exampleContext(t);
  const endpoint = await freeEndpoint();
  const server = lpserver(ctx, { bind: endpoint, random: () => 0, workMs: 0, log: quiet });
  const log = new Lines();
  const result = await within(lpclient(ctx, { connect: endpoint, timeoutMs: 500, retries: 3, log: log.log }), 15000, "lpclient");
  // The server crashes on the 4th request it takes: three replies, fewer if a slow start made the client resend.
  t.true(result.abandoned);
  t.true(result.replies >= 1 && result.replies <= 3, `replies: ${result.replies}`);
  t.is(await server, "crash");
  t.deepEqual(log.all.slice(-5), [
    "W: no response from server, retrying...",
    "I: reconnecting to server...",
    "W: no response from server, retrying...",
    "I: reconnecting to server...",
    "E: server seems to be offline, abandoning",
  ]);
});

test("lazy pirate as programs: lpclient exits 0 once lpserver answered its requests", async (t) => {
  const endpoint = await freeEndpoint();
  startExample(t, "lpserver", ["--bind", endpoint, "--work-ms", "0", "--no-chaos"]);
  const client = startExample(t, "lpclient", ["--connect", endpoint, "--requests", "3", "--timeout-ms", "1000"]);
  t.deepEqual(await within(client.exit, 10000, "lpclient"), { code: 0, signal: null });
  t.is(client.stdout.matching(/^I: server replied OK/).length, 3);
});

test("simple pirate: the queue spreads requests over both workers; a crashed worker's request is retried elsewhere", async (t) => {
  const ctx = exampleContext(t);
  const stop = new AbortController();
  const queue = await spqueue(ctx, { frontend: "tcp://127.0.0.1:0", backend: "tcp://127.0.0.1:0", signal: stop.signal });
  const crashing = spworker(ctx, { connect: queue.backend, random: () => 0, workMs: 0, log: quiet });
  void spworker(ctx, { connect: queue.backend, random: never, workMs: 0, log: quiet });
  const log = new Lines();
  const result = await within(lpclient(ctx, { connect: queue.frontend, requests: 12, timeoutMs: 1000, log: log.log }), 20000, "lpclient");
  t.deepEqual(result, { replies: 12, abandoned: false });
  t.is(await crashing, "crash");
  stop.abort();
  const served = await within(queue.done, 5000, "queue stop");
  t.is(served.size, 2);
});

test("paranoid pirate: queue and workers heartbeat; the client gets every reply", async (t) => {
  const ctx = exampleContext(t);
  const stop = new AbortController();
  const queue = await ppqueue(ctx, { frontend: "tcp://127.0.0.1:0", backend: "tcp://127.0.0.1:0", heartbeatMs: 100, signal: stop.signal, log: quiet });
  const workers = [1, 2].map(() => ppworker(ctx, { connect: queue.backend, heartbeatMs: 100, random: never, workMs: 0, signal: stop.signal, log: quiet }));
  const result = await within(lpclient(ctx, { connect: queue.frontend, requests: 10, log: quiet }), 15000, "lpclient");
  t.deepEqual(result, { replies: 10, abandoned: false });
  stop.abort();
  t.deepEqual(await within(Promise.all(workers), 5000, "workers stop"), ["stopped", "stopped"]);
  await within(queue.done, 5000, "queue stop");
});

test("paranoid pirate: a worker without a queue backs off and reconnects; the queue forgets a silent worker", async (t) => {
  const ctx = exampleContext(t);
  const backend = await freeEndpoint();
  const stopWorker = new AbortController();
  const workerLog = new Lines();
  const worker = ppworker(ctx, { connect: backend, heartbeatMs: 50, intervalInit: 50, random: never, workMs: 0, signal: stopWorker.signal, log: workerLog.log });
  await workerLog.waitFor(/^W: heartbeat failure, can't reach queue$/);
  await workerLog.waitFor(/^W: reconnecting in 100 msec\.\.\.$/); // doubled after the first 50 ms

  const stopQueue = new AbortController();
  const queueLog = new Lines();
  const queue = await ppqueue(ctx, { frontend: "tcp://127.0.0.1:0", backend, heartbeatMs: 50, signal: stopQueue.signal, log: queueLog.log });
  const served = await within(lpclient(ctx, { connect: queue.frontend, requests: 2, log: quiet }), 15000, "lpclient");
  t.deepEqual(served, { replies: 2, abandoned: false });

  stopWorker.abort();
  await worker;
  await queueLog.waitFor(/^W: worker [0-9A-F]{4}-[0-9A-F]{4} expired$/);
  stopQueue.abort();
  await within(queue.done, 5000, "queue stop");
});
