/** Majordomo (chapter 4): broker, echo worker and client over MDP, and mmi.service. */
import test from "ava";
import { MdCli } from "@threadmq/examples/mdcliapi";
import { mdbroker } from "@threadmq/examples/mdbroker";
import { mdclient } from "@threadmq/examples/mdclient";
import { mdworker } from "@threadmq/examples/mdworker";
import { Lines, within } from "../helpers/lines.js";
import { exampleContext, startExample } from "../helpers/programs.js";

const quiet = () => {};

test("mdclient's echo requests all come back through mdbroker and two mdworkers", async (t) => {
  const ctx = exampleContext(t);
  const stop = new AbortController();
  const broker = await mdbroker(ctx, { bind: "tcp://127.0.0.1:0", heartbeatMs: 200, signal: stop.signal, log: quiet });
  const workers = [1, 2].map(() => mdworker(ctx, { connect: broker.endpoint, heartbeatMs: 200, signal: stop.signal, log: quiet }));
  const log = new Lines();
  t.is(await within(mdclient(ctx, { connect: broker.endpoint, requests: 200, log: log.log }), 15000, "mdclient"), 200);
  t.deepEqual(log.all, ["200 requests/replies processed"]);
  stop.abort();
  const requests = await within(Promise.all(workers), 5000, "workers stop");
  t.is(requests[0]! + requests[1]!, 200);
  t.true(requests.every((n) => n > 0), `per worker: ${requests.join(", ")}`);
  await within(broker.done, 5000, "broker stop");
});

test("mmi.service says 200 for a service with workers, 404 without, and 404 once its worker went silent", async (t) => {
  const ctx = exampleContext(t);
  const stopBroker = new AbortController();
  const broker = await mdbroker(ctx, { bind: "tcp://127.0.0.1:0", heartbeatMs: 50, signal: stopBroker.signal, log: quiet });
  const stopWorker = new AbortController();
  const worker = mdworker(ctx, { connect: broker.endpoint, heartbeatMs: 50, signal: stopWorker.signal, log: quiet });
  const client = new MdCli(ctx, broker.endpoint, { timeoutMs: 2000, log: quiet });
  t.teardown(() => client.close());
  // The worker registers asynchronously: ask until it is there (each answer is a real reply).
  let code = "";
  for (let tries = 0; code !== "200" && tries < 100; tries++) code = String((await client.send("mmi.service", "echo"))?.[0]);
  t.is(code, "200");
  t.deepEqual((await client.send("mmi.service", "no-such-service"))?.map(String), ["404"]);
  t.deepEqual((await client.send("mmi.other"))?.map(String), ["501"]);
  t.deepEqual((await client.send("echo", "a", "b"))?.map(String), ["a", "b"]);

  stopWorker.abort();
  await worker;
  // No DISCONNECT from a worker that just stops: the broker finds out by its heartbeats.
  for (let tries = 0; code !== "404" && tries < 100; tries++) {
    code = String((await client.send("mmi.service", "echo"))?.[0]);
    if (code !== "404") await new Promise((resolve) => setTimeout(resolve, 50));
  }
  t.is(code, "404");
  client.close();
  stopBroker.abort();
  await within(broker.done, 5000, "broker stop");
});

test("majordomo as programs through the launcher: broker, worker and 10000 client requests", async (t) => {
  const program = startExample(t, "run", ["majordomo", "--free-ports"]);
  t.deepEqual(await within(program.exit, 40000, "majordomo"), { code: 0, signal: null });
  t.truthy(program.stdout.matching(/^\[mdclient\] 10000 requests\/replies processed$/).length);
});
