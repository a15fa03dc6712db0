import test from "ava";
import * as Comlink from "comlink";
import { once } from "node:events";
import { Context } from "threadmq";
import { socketEndpoint } from "@threadmq/comlink";
import type { Api } from "../fixtures/comlink-api.js";

const workerFile = new URL("../fixtures/comlink-worker.js", import.meta.url);

/** A worker thread exposing the api over its spawn pipe (a PAIR socket). */
async function withWorker(run: (remote: Comlink.Remote<Api>) => Promise<void>): Promise<void> {
  const context = new Context();
  const worker = context.spawn(workerFile);
  const endpoint = socketEndpoint(worker.pipe);
  const remote = Comlink.wrap<Api>(endpoint as unknown as Comlink.Endpoint);
  try {
    await run(remote);
  } finally {
    const exited = once(worker, "exit");
    endpoint.close(); // the worker sees the disconnect and ends by itself
    await exited;
    await context.term();
  }
}

test("calls, properties and async methods of an object in a worker thread", async (t) => {
  await withWorker(async (remote) => {
    t.is(await remote.add(2, 3), 5);
    t.is(await remote.greeting, "hello");
    await (remote.greeting = "changed" as never);
    t.is(await remote.greeting, "changed");
    t.is(await remote.later("x"), "later x");
    t.regex(await remote.where(), /^thread \d+$/);
    t.deepEqual(await remote.bytes(3), new Uint8Array([7, 7, 7]));
    const many = await Promise.all(Array.from({ length: 200 }, (_, i) => remote.add(i, i)));
    t.deepEqual(many, Array.from({ length: 200 }, (_, i) => 2 * i));
  });
});

test("a call leaves at once: the worker runs it while the caller's thread is still busy", async (t) => {
  await withWorker(async (remote) => {
    t.is(await remote.add(0, 0), 0); // the worker is up and listening
    const ranAt = remote.now();
    // A long synchronous computation right after the call, as in `const p = remote.f(); compute(); await p`.
    const busyUntil = Date.now() + 500;
    while (Date.now() < busyUntil) {
      // busy
    }
    t.true((await ranAt) < busyUntil, "the call ran in the worker during the caller's computation, not after it");
  });
});

test("a thrown error reaches the caller", async (t) => {
  await withWorker(async (remote) => {
    const error = await t.throwsAsync(remote.fail());
    t.is(error.message, "quota exceeded");
    t.is(error.name, "QuotaError");
  });
});

test("callbacks (Comlink.proxy) cross the socket, many times", async (t) => {
  await withWorker(async (remote) => {
    const seen: number[] = [];
    const callback = Comlink.proxy((n: number) => {
      seen.push(n);
      return n * 10;
    });
    t.is(await remote.callBack(callback, 5), 150);
    t.deepEqual(seen, [1, 2, 3, 4, 5]);
    // An async callback too.
    t.is(await remote.callBack(Comlink.proxy(async (n: number) => n), 3), 6);
  });
});

test("proxies in the other direction: constructors and returned proxies", async (t) => {
  await withWorker(async (remote) => {
    const counter = await new remote.Counter(10);
    t.is(await counter.increment(5), 15);
    t.is(await counter.value, 15);
    counter[Comlink.releaseProxy]();
    const made = await remote.makeCounter(1);
    t.is(await made.increment(), 2);
    made[Comlink.releaseProxy]();
  });
});

test("ROUTER serves several DEALER clients; DEALER/ROUTER mapping routes each reply to its asker", async (t) => {
  const context = new Context();
  const router = context.socket("ROUTER");
  await router.bind("inproc://comlink-router");
  const { api } = await import("../fixtures/comlink-api.js");
  const server = socketEndpoint(router);
  Comlink.expose({ ...api, who: (name: string) => `hi ${name}` }, server as unknown as Comlink.Endpoint);
  const clients = ["a", "b", "c"].map((name) => {
    const dealer = context.socket("DEALER", { routingId: name });
    dealer.connect("inproc://comlink-router");
    const endpoint = socketEndpoint(dealer);
    return { name, endpoint, remote: Comlink.wrap<Api & { who(name: string): string }>(endpoint as unknown as Comlink.Endpoint) };
  });
  const answers = await Promise.all(clients.flatMap((c) => [c.remote.who(c.name), c.remote.add(c.name.charCodeAt(0), 0)]));
  t.deepEqual(answers, ["hi a", 97, "hi b", 98, "hi c", 99]);
  // Callbacks through the ROUTER go back to the right client.
  t.is(await clients[1]!.remote.callBack(Comlink.proxy((n: number) => n + 100), 2), 203);
  for (const c of clients) c.endpoint.close();
  server.close();
  await context.term();
});

test("ROUTER with `peer` talks to one DEALER (wrap side)", async (t) => {
  const context = new Context();
  const router = context.socket("ROUTER");
  await router.bind("inproc://comlink-router-peer");
  const dealer = context.socket("DEALER", { routingId: "svc" });
  dealer.connect("inproc://comlink-router-peer");
  const { api } = await import("../fixtures/comlink-api.js");
  const served = socketEndpoint(dealer);
  Comlink.expose(api, served as unknown as Comlink.Endpoint);
  const client = socketEndpoint(router, { peer: "svc" });
  const remote = Comlink.wrap<Api>(client as unknown as Comlink.Endpoint);
  t.is(await remote.add(40, 2), 42);
  client.close();
  served.close();
  await context.term();
});

test("socketEndpoint refuses sockets it cannot serve", (t) => {
  const context = new Context();
  const req = context.socket("REQ");
  const pair = context.socket("PAIR");
  t.throws(() => socketEndpoint(req as never), { instanceOf: TypeError, message: /PAIR, DEALER or ROUTER/ });
  t.throws(() => socketEndpoint(pair, { peer: "x" }), { instanceOf: TypeError, message: /peer/ });
  t.throws(() => socketEndpoint({} as never), { instanceOf: TypeError });
  req.close();
  pair.close();
  return context.term();
});
