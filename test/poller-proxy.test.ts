import test from "ava";
import { Context, POLLIN, POLLOUT, Poller, ZmqError, proxy } from "threadmq";
import { inprocName, threadContext } from "./helpers/threads.js";

test("Poller: resolves with the socket that became readable, empty map on timeout", async (t) => {
  const ctx = threadContext(t);
  const a = ctx.socket("PULL");
  const b = ctx.socket("PULL");
  const pushA = ctx.socket("PUSH");
  const pushB = ctx.socket("PUSH");
  await a.bind(inprocName("poll-a"));
  await b.bind(inprocName("poll-b"));
  pushA.connect(a.lastEndpoint!);
  pushB.connect(b.lastEndpoint!);
  const poller = new Poller();
  poller.register(a, POLLIN);
  poller.register(b, POLLIN);
  t.is((await poller.poll(20)).size, 0);
  const ready = poller.poll(1000);
  await pushB.send("for b");
  const result = await ready;
  t.deepEqual([...result], [[b, POLLIN]]);
  t.is(b.tryReceive()?.toString(), "for b");
  poller.unregister(b);
  await pushB.send("ignored");
  t.is((await poller.poll(0)).size, 0);
});

test("Poller: POLLOUT follows REQ/REP lockstep", async (t) => {
  const ctx = threadContext(t);
  const rep = ctx.socket("REP");
  const req = ctx.socket("REQ");
  await rep.bind(inprocName("poll-rr"));
  req.connect(rep.lastEndpoint!);
  const poller = new Poller();
  poller.register(req, POLLIN | POLLOUT);
  poller.register(rep, POLLIN | POLLOUT);
  t.deepEqual([...(await poller.poll(0))], [[req, POLLOUT]]);
  await req.send("q");
  t.deepEqual([...(await poller.poll(100))], [[rep, POLLIN]]);
  await rep.receive();
  t.deepEqual([...(await poller.poll(0))], [[rep, POLLOUT]]);
  await rep.send("a");
  t.deepEqual([...(await poller.poll(100))], [[req, POLLIN]]);
});

test("Poller rejects bad arguments with EINVAL", (t) => {
  const poller = new Poller();
  t.is(t.throws<ZmqError>(() => poller.register({} as never, POLLIN))?.code, "EINVAL");
  const ctx = new Context();
  const sock = ctx.socket("PAIR");
  t.is(t.throws<ZmqError>(() => poller.register(sock, 8))?.code, "EINVAL");
  t.is(t.throws<ZmqError>(() => poller.poll(-2))?.code, "EINVAL");
  sock.close();
  return ctx.term();
});

async function brokerWithClients(t: Parameters<typeof threadContext>[0], ctx: Context) {
  const frontend = ctx.socket("ROUTER");
  const backend = ctx.socket("DEALER");
  await frontend.bind(inprocName("front"));
  await backend.bind(inprocName("back"));
  const workers = [0, 1, 2].map(() => ctx.socket("REP"));
  for (const worker of workers) worker.connect(backend.lastEndpoint!);
  const served = workers.map(() => 0);
  workers.forEach(async (worker, i) => {
    for await (const [msg] of worker) {
      served[i]!++;
      await worker.send(`${msg} served by ${i}`);
    }
  });
  const clients = [0, 1, 2, 3].map(() => ctx.socket("REQ"));
  for (const client of clients) client.connect(frontend.lastEndpoint!);
  return { frontend, backend, clients, served };
}

test("proxy: ROUTER/DEALER shared queue delivers every reply to its own client, spread over workers", async (t) => {
  const ctx = threadContext(t);
  const { frontend, backend, clients, served } = await brokerWithClients(t, ctx);
  const capture = ctx.socket("PAIR");
  const captured = ctx.socket("PAIR");
  await captured.bind(inprocName("capture"));
  capture.connect(captured.lastEndpoint!);
  const running = proxy(frontend, backend, { capture });
  await Promise.all(
    clients.map(async (client, c) => {
      for (let i = 0; i < 30; i++) {
        await client.send(`c${c}-${i}`);
        const [reply] = await client.receive();
        t.regex(reply!.toString(), new RegExp(`^c${c}-${i} served by \\d$`));
      }
    }),
  );
  t.is(served.reduce((a, b) => a + b, 0), 120);
  t.true(served.every((n) => n > 0), `every worker served: ${served}`);
  // Each request and each reply passed through capture: 240 messages.
  let copies = 0;
  while (captured.tryReceive()) copies++;
  t.is(copies, 240);
  frontend.close();
  await running;
});

test("proxy: control socket PAUSE / RESUME / STATISTICS / TERMINATE", async (t) => {
  const ctx = threadContext(t);
  const { frontend, backend, clients } = await brokerWithClients(t, ctx);
  const control = ctx.socket("PAIR");
  const commander = ctx.socket("PAIR");
  await control.bind(inprocName("control"));
  commander.connect(control.lastEndpoint!);
  let finished = false;
  const running = proxy(frontend, backend, { control }).then(() => (finished = true));
  const client = clients[0]!;
  await client.send("one");
  t.is((await client.receive())[0]!.toString().startsWith("one"), true);

  await commander.send("PAUSE");
  await commander.send("STATISTICS");
  const stats = (await commander.receive()).map((frame) => Number(frame.readBigUInt64LE()));
  // libzmq's layout: frontend in (frames, bytes), out, then backend in, out; frames counted one by one.
  // The request [id(5), "", "one"] came in at the frontend and went out at the backend; the
  // reply [id, "", "one served by N"] the other way.
  t.deepEqual(stats, [3, 8, 3, 20, 3, 20, 3, 8]);
  await client.send("two");
  t.is(client.tryReceive(), undefined);
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.is(client.tryReceive(), undefined, "paused: nothing forwarded");
  await commander.send("RESUME");
  t.is((await client.receive())[0]!.toString().startsWith("two"), true);
  t.false(finished);
  await commander.send("TERMINATE");
  await running;
  t.true(finished);
});

test("proxy rejects with ETERM when the context terminates", async (t) => {
  const ctx = new Context();
  const pull = ctx.socket("PULL");
  const push = ctx.socket("PUSH");
  await pull.bind(inprocName("stream-in"));
  const running = proxy(pull, push);
  const term = ctx.term();
  const error = await t.throwsAsync<ZmqError>(running);
  t.is(error?.code, "ETERM");
  pull.close();
  push.close();
  await term;
});

test("conflate: a receive returns only the newest queued message", async (t) => {
  const ctx = threadContext(t);
  const pull = ctx.socket("PULL", { conflate: true });
  const push = ctx.socket("PUSH");
  await pull.bind(inprocName("conflate"));
  push.connect(pull.lastEndpoint!);
  for (let i = 0; i < 20; i++) await push.send(String(i));
  t.is((await pull.receive())[0]!.toString(), "19");
  t.is(pull.tryReceive(), undefined);
  t.is(pull.stats.messagesDiscarded, 19);
});

test("a waiting poll rejects with ETERM when the context terminates, ENOTSOCK when a socket closes", async (t) => {
  const ctx = new Context();
  const a = ctx.socket("PULL");
  const b = ctx.socket("PULL");
  const poller = new Poller();
  poller.register(a, POLLIN);
  poller.register(b, POLLIN);
  const closedWhilePolling = poller.poll();
  b.close();
  t.is((await t.throwsAsync<ZmqError>(closedWhilePolling))?.code, "ENOTSOCK");
  poller.unregister(b);
  const terminatedWhilePolling = poller.poll();
  const term = ctx.term();
  t.is((await t.throwsAsync<ZmqError>(terminatedWhilePolling))?.code, "ETERM");
  a.close();
  await term;
});
