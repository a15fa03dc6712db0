/** rtreq, rtdealer and lbbroker: ROUTER load balancing over worker threads. */
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { asyncsrv } from "@threadmq/examples/asyncsrv";
import { lbbroker } from "@threadmq/examples/lbbroker";
import { rtdealer } from "@threadmq/examples/rtdealer";
import { rtreq } from "@threadmq/examples/rtreq";
import { Lines, within } from "../helpers/lines.js";
import { exampleContext, startExample } from "../helpers/programs.js";

for (const [name, boss] of [["rtreq", rtreq], ["rtdealer", rtdealer]] as const) {
  test(`${name}: every worker thread gets work, then every one is fired`, async (t) => {
    const ctx = exampleContext(t);
    const tasks = await within(boss(ctx, { bind: "tcp://127.0.0.1:0", workers: 4, seconds: 0.3, maxWorkMs: 10, log: () => {} }), 20000, name);
    t.is(tasks.size, 4);
    for (const [id, n] of tasks) t.true(n > 0, `worker ${id} did ${n} tasks`);
  });
}

test("rtdealer as a program: each worker reports what it completed", async (t) => {
  const program = startExample(t, "rtdealer", ["--bind", "tcp://127.0.0.1:0", "--workers", "3", "--seconds", "0", "--max-work-ms", "5"]);
  t.deepEqual(await within(program.exit, 20000, "rtdealer"), { code: 0, signal: null });
  t.is(program.stdout.matching(/^Completed: \d+ tasks$/).length, 3);
});

const ipc = (name: string) => `ipc://${join(tmpdir(), `${name}-${process.pid}-${Math.random().toString(36).slice(2)}.ipc`)}`;

test("lbbroker: ten clients served, and all three workers got work", async (t) => {
  const served = await within(lbbroker({ frontend: ipc("frontend"), backend: ipc("backend"), log: () => {} }), 20000, "lbbroker");
  t.is([...served.values()].reduce((a, b) => a + b, 0), 10);
  t.is(served.size, 3);
});

test("lbbroker as a program prints ten client OKs and ten worker HELLOs, and exits", async (t) => {
  const program = startExample(t, "lbbroker", ["--frontend", ipc("frontend"), "--backend", ipc("backend")]);
  t.deepEqual(await within(program.exit, 20000, "lbbroker"), { code: 0, signal: null });
  t.is(program.stdout.matching(/^Client: OK$/).length, 10);
  t.is(program.stdout.matching(/^Worker: HELLO$/).length, 10);
});

test("asyncsrv: every client gets replies, only to requests it sent, addressed by its identity", async (t) => {
  const log = new Lines();
  const clients = await within(
    asyncsrv({ bind: "tcp://127.0.0.1:0", seconds: 1, requestIntervalMs: 50, maxReplyDelayMs: 20, log: log.log }),
    20000,
    "asyncsrv",
  );
  t.is(clients.length, 3);
  for (const client of clients) {
    t.true(client.sent.length >= 5, `${client.identity} sent ${client.sent.length}`);
    t.true(client.received.length > 0, `${client.identity} got no reply`);
    for (const reply of client.received) t.true(client.sent.includes(reply), `${client.identity} got ${reply}`);
    t.is(log.matching(new RegExp(`^\\[${client.identity}\\] request #\\d+$`)).length, client.received.length);
  }
});
