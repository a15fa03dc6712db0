/** rrclient / rrworker through rrbroker and through msgqueue (the proxy version). */
import test from "ava";
import { msgqueue } from "@threadmq/examples/msgqueue";
import { rrbroker } from "@threadmq/examples/rrbroker";
import { rrclient } from "@threadmq/examples/rrclient";
import { rrworker } from "@threadmq/examples/rrworker";
import { Lines, within } from "../helpers/lines.js";
import { freeEndpoint } from "../helpers/ports.js";
import { exampleContext, startExample } from "../helpers/programs.js";

const quiet = () => {};

test("rrbroker: two clients' requests reach both workers and every reply comes back to its client", async (t) => {
  const ctx = exampleContext(t);
  const stop = new AbortController();
  const broker = await rrbroker(ctx, { frontend: "tcp://127.0.0.1:0", backend: "tcp://127.0.0.1:0", signal: stop.signal });
  const workers = [1, 2].map(() => rrworker(ctx, { connect: broker.backend, workMs: 5, log: quiet }));
  const log = new Lines();
  const replies = await within(
    Promise.all([1, 2].map(() => rrclient(ctx, { connect: broker.frontend, requests: 10, log: log.log }))),
    15000,
    "clients",
  );
  t.deepEqual(replies.flat(), Array(20).fill("World"));
  t.is(log.matching(/^Received reply \d \[World\]$/).length, 20);
  stop.abort();
  t.is(await within(broker.done, 5000, "broker stop"), 40);
  await within(ctx.term(), 5000, "term");
  const answered = await Promise.all(workers);
  t.is(answered[0]! + answered[1]!, 20);
  t.true(answered.every((n) => n > 0), `per worker: ${answered.join(", ")}`);
});

test("msgqueue: the same through proxy; ETERM ends it", async (t) => {
  const ctx = exampleContext(t);
  const queue = await msgqueue(ctx, { frontend: "tcp://127.0.0.1:0", backend: "tcp://127.0.0.1:0" });
  const workers = [1, 2].map(() => rrworker(ctx, { connect: queue.backend, workMs: 5, log: quiet }));
  const replies = await within(rrclient(ctx, { connect: queue.frontend, requests: 10, log: quiet }), 15000, "client");
  t.deepEqual(replies, Array(10).fill("World"));
  await within(ctx.term(), 5000, "term");
  await queue.done;
  const answered = await Promise.all(workers);
  t.is(answered[0]! + answered[1]!, 10);
  t.true(answered.every((n) => n > 0));
});

test("rrbroker, rrworker and rrclient as programs", async (t) => {
  const [frontend, backend] = await Promise.all([freeEndpoint(), freeEndpoint()]);
  startExample(t, "rrbroker", ["--frontend", frontend, "--backend", backend]);
  const worker = startExample(t, "rrworker", ["--connect", backend, "--work-ms", "1"]);
  const client = startExample(t, "rrclient", ["--connect", frontend, "--requests", "3"]);
  t.deepEqual(await within(client.exit, 15000, "rrclient"), { code: 0, signal: null });
  t.deepEqual(client.stdout.all, ["Received reply 0 [World]", "Received reply 1 [World]", "Received reply 2 [World]"]);
  t.is(worker.stdout.matching(/^Received request: \[Hello\]$/).length, 3);
});
