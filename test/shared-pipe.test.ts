import test, { type ExecutionContext } from "ava";

// The heavy tests (stress, busy-poll, 8 MiB) run serially, before the rest run side by
// side, so that on a 2-core machine their time bounds do not depend on each other.
import { spawn } from "node:child_process";
import { MessagePort, Worker } from "node:worker_threads";
import { createSharedPipe, openSharedPipe, type SharedPipe, type SharedPipeOptions } from "threadmq/internal/shared-pipe";
import { RecordingSink, checkMessage, guardedRead, guardedWrite, makeMessage, prng, receive, sendAll, sendBursts, sleep, type Profile } from "./fixtures/pipe-helpers.js";

const fixture = new URL("./fixtures/shared-pipe-worker.js", import.meta.url);

interface Started {
  pipe: SharedPipe;
  sink: RecordingSink;
  worker: Worker;
  /** Next message the worker posted on parentPort. */
  report(timeoutMs?: number): Promise<Record<string, unknown>>;
  exited: Promise<number>;
  errors: Error[];
}

function start(t: ExecutionContext, mode: string, params: Record<string, unknown> = {}, opts: Partial<SharedPipeOptions> = {}): Started {
  const sink = new RecordingSink();
  const { local, remote, transfer } = createSharedPipe({
    endpoint: "inproc://test",
    sendHwm: 1000,
    receiveHwm: 1000,
    socketType: "PUSH",
    routingId: Buffer.from("main-id"),
    ...opts,
  });
  local.setSink(sink);
  const worker = new Worker(fixture, { workerData: { desc: remote, mode, ...params }, transferList: transfer });
  const errors: Error[] = [];
  worker.on("error", (e) => errors.push(e));
  const inbox: Record<string, unknown>[] = [];
  const waiting: ((m: Record<string, unknown>) => void)[] = [];
  worker.on("message", (m: Record<string, unknown>) => {
    const w = waiting.shift();
    if (w) w(m);
    else inbox.push(m);
  });
  const exited = new Promise<number>((resolve) => worker.once("exit", resolve));
  t.teardown(async () => {
    local.terminate(0);
    await worker.terminate();
  });
  const report = (timeoutMs = 20_000): Promise<Record<string, unknown>> => {
    const m = inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no report from worker (${mode}) within ${timeoutMs} ms; errors: ${errors.join()}`)), timeoutMs);
      waiting.push((msg) => {
        clearTimeout(timer);
        resolve(msg);
      });
    });
  };
  return { pipe: local, sink, worker, report, exited, errors };
}

function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  return Promise.race([p, sleep(ms).then(() => Promise.reject(new Error(`${what}: not within ${ms} ms`)))]);
}

function spinNs(ns: number): void {
  const until = process.hrtime.bigint() + BigInt(ns);
  while (process.hrtime.bigint() < until);
}

async function receiveChecked(s: Started, count: number, profile: Profile): Promise<string> {
  let expected = 0;
  let error = "";
  const got = await receive(s.pipe, s.sink, count, (m) => {
    if (error === "") error = checkMessage(m, expected, profile);
    expected++;
  });
  return error || (got === count ? "" : `only ${got} of ${count} messages`);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Both ends of a pipe in this thread, so the order of events is fixed, with wakes counted
 * as the pipe's port posts. Serial tests only: no other test may post meanwhile or patch
 * postMessage too. Undone at teardown.
 */
function pipeInThisThread(t: ExecutionContext, endpoint: string) {
  const { local: writer, remote } = createSharedPipe({ endpoint, sendHwm: 100, receiveHwm: 100, socketType: "PAIR" });
  const reader = openSharedPipe(remote, { sendHwm: 100, receiveHwm: 100, socketType: "PAIR" });
  const readerSink = new RecordingSink();
  writer.setSink(new RecordingSink());
  reader.setSink(readerSink);
  const post = MessagePort.prototype.postMessage;
  let posts = 0;
  MessagePort.prototype.postMessage = function (this: MessagePort, ...args: Parameters<MessagePort["postMessage"]>) {
    posts++;
    return post.apply(this, args);
  };
  t.teardown(() => {
    MessagePort.prototype.postMessage = post;
    writer.terminate(0);
    reader.terminate(0);
  });
  /** Writes `text`, then reads it back once it arrived; returns the wakes the write posted. */
  const wakesFor = async (text: string): Promise<number> => {
    const before = posts;
    t.true(writer.write([Buffer.from(text)]));
    writer.flush();
    const wakes = posts - before;
    await readerSink.next("read");
    t.deepEqual(reader.read()?.map(String), [text]);
    return wakes;
  };
  return { reader, wakesFor };
}

test.serial("a reader that finds its ring empty parks one event-loop turn later: a write meanwhile owes it no wake", async (t) => {
  const { reader, wakesFor } = pipeInThisThread(t, "inproc://grace");
  t.is(reader.read(), undefined);
  t.is(await wakesFor("during the grace turn"), 0, "no wake for a reader in its grace turn");

  t.is(reader.read(), undefined);
  await nextTurn();
  await nextTurn(); // the grace turn has passed: the reader is parked
  t.is(await wakesFor("to a parked reader"), 1, "a parked reader gets one wake");
});

test.serial("poll window: a reader keeps looking for setPollWindow µs before it parks, then a write wakes it once", async (t) => {
  const { reader, wakesFor } = pipeInThisThread(t, "inproc://poll-window");
  const window = 200_000; // µs: long enough that the turns below all fall within it
  reader.setPollWindow(window);
  t.is(reader.read(), undefined);
  for (let i = 0; i < 5; i++) await nextTurn(); // past the default grace turn, within the window
  t.is(await wakesFor("within the window"), 0, "no wake for a reader that is still looking");

  const dryAt = performance.now();
  t.is(reader.read(), undefined);
  await sleep(window / 1000 + 50);
  await nextTurn();
  t.true(performance.now() - dryAt > window / 1000);
  t.is(await wakesFor("after the window"), 1, "the window has passed: the reader parked and gets one wake");

  reader.setPollWindow(0);
  t.is(reader.read(), undefined);
  for (let i = 0; i < 5; i++) await nextTurn();
  t.is(await wakesFor("window back to 0"), 1, "without a window the reader parks after one turn");
});

test("identity: each end sees the other's routing id and socket type", async (t) => {
  const s = start(t, "hold");
  const r = await s.report();
  t.deepEqual(r, { opened: true, peerType: "PUSH", peerRoutingId: "main-id" });
  t.is(s.pipe.peerType, "PULL", "known synchronously once the opener has returned");
  t.is(s.pipe.peerRoutingId?.toString(), "worker-id");
  t.is(s.pipe.endpoint, "inproc://test");
  s.worker.postMessage({ cmd: "release" });
  await s.report();
  s.pipe.terminate(0);
  await within(5000, s.sink.next("term"), "main pipeTerminated");
  t.is(await within(5000, s.exited, "worker exit"), 0);
});

test.serial("stress main -> worker: 100k messages in short bursts, the reader parking in between", async (t) => {
  t.timeout(50_000);
  const s = start(t, "verify", { count: 100_000, profile: "small" });
  const t0 = Date.now();
  await sendBursts(s.pipe, s.sink, 100_000, "small", 1);
  const r = await s.report(40_000);
  t.deepEqual(r, { got: 100_000, error: "", reentrant: 0 });
  await within(10_000, s.sink.next("term"), "pipeTerminated after the worker ended its end");
  t.is(s.sink.reentrant, 0);
  t.is(await s.exited, 0);
  t.log(`${Date.now() - t0} ms`);
});

test.serial("stress ping-pong bursts: every lost wake-up would stall a burst (100k messages each way)", async (t) => {
  t.timeout(55_000);
  // Each burst waits for its own echo before the next one, so both readers drain and
  // park between bursts and nothing later could mask a wake-up that went missing.
  const s = start(t, "echo");
  const rnd = prng(3);
  const total = 100_000;
  let sent = 0;
  let expected = 0;
  let error = "";
  let bursts = 0;
  while (sent < total) {
    const n = Math.min(total - sent, 1 + Math.floor(rnd() * 20));
    const jitter = rnd() < 0.5;
    for (let i = 0; i < n; i++) {
      t.true(s.pipe.write(makeMessage(sent++, "small")));
      s.pipe.flush();
      // A pause of 0-2 us between messages lets the reader catch up and start parking
      // just as the next (maybe last) message lands: the window of the classic race.
      if (jitter) spinNs(Math.floor(rnd() * 2000));
    }
    const got = await within(5000, receive(s.pipe, s.sink, n, (m) => {
      if (error === "") error = checkMessage(m, expected, "small");
      expected++;
    }), `echo of burst ${bursts}`);
    t.is(got, n);
    bursts++;
    if (rnd() < 0.01) await sleep(1);
  }
  t.is(error, "");
  t.is(expected, total);
  s.pipe.terminate(-1);
  await within(5000, s.sink.next("term"), "pipeTerminated");
  t.deepEqual(await s.report(), { echoDone: true, reentrant: 0 });
  t.is(s.sink.reentrant, 0);
  t.is(await s.exited, 0);
});

test.serial("stress worker -> main: 100k messages in bursts, lingering writer exits once all is read", async (t) => {
  t.timeout(50_000);
  const s = start(t, "send", { count: 100_000, profile: "small" });
  t.is(await receiveChecked(s, 100_000, "small"), "");
  t.is(s.pipe.read(), undefined);
  await within(10_000, s.sink.next("term"), "pipeTerminated");
  t.deepEqual(await s.report(), { done: true, reentrant: 0 });
  t.is(await within(5000, s.exited, "worker exit"), 0);
  t.is(s.sink.reentrant, 0);
});

test.serial("mixed sizes, multipart, empty and large frames through a tiny ring with tiny HWMs, echoed back", async (t) => {
  t.timeout(50_000);
  const count = 5000;
  const s = start(t, "echo", { sendHwm: 3, receiveHwm: 2 }, { sendHwm: 5, receiveHwm: 4, ringBytes: 4096, largeThreshold: 600 });
  const receiving = receiveChecked(s, count, "mixed");
  await sendBursts(s.pipe, s.sink, count, "mixed", 7);
  t.is(await receiving, "");
  s.pipe.terminate(-1);
  await within(5000, s.sink.next("term"), "pipeTerminated");
  t.deepEqual(await s.report(), { echoDone: true, reentrant: 0 });
  t.is(await s.exited, 0);
});

test.serial("busy-polling reader sees data at once, large messages included, without the event loop", async (t) => {
  t.timeout(30_000);
  const count = 3000;
  const s = start(t, "send", { count, profile: "mixed" }, { ringBytes: 8192, largeThreshold: 1024 });
  let expected = 0;
  let error = "";
  const deadline = Date.now() + 15_000;
  // A synchronous spin: no port events, no timers run on this thread meanwhile.
  while (expected < count && Date.now() < deadline) {
    const m = s.pipe.read();
    if (m === undefined) continue;
    if (error === "") error = checkMessage(m, expected, "mixed");
    expected++;
  }
  t.is(error, "");
  t.is(expected, count);
  await within(10_000, s.sink.next("term"), "pipeTerminated");
  t.is(await s.exited, 0);
});

test("HWM: capacity is exactly sendHwm of the writer + receiveHwm of the reader (2 + 3)", async (t) => {
  const s = start(t, "hold", { receiveHwm: 3 }, { sendHwm: 2 });
  await s.report();
  let accepted = 0;
  while (s.pipe.write(makeMessage(accepted, "small"))) accepted++;
  s.pipe.flush();
  t.is(accepted, 5);
  t.is(s.pipe.outstanding, 5);
  t.false(s.pipe.checkWrite());
  t.false(s.pipe.write(makeMessage(99, "small")));
  s.worker.postMessage({ cmd: "read", n: 1 });
  t.deepEqual(await s.report(), { read: [0] });
  t.is(s.pipe.outstanding, 4);
  t.true(s.pipe.checkWrite(), "room as soon as one is read");
  t.true(s.pipe.write(makeMessage(5, "small")));
  t.false(s.pipe.write(makeMessage(6, "small")));
  s.pipe.flush();
  s.worker.postMessage({ cmd: "read", n: 5 });
  t.deepEqual(await s.report(), { read: [1, 2, 3, 4, 5] });
  await within(5000, s.sink.next("write"), "writeActivated");
  t.is(s.sink.counts.write, 1);
  t.true(s.pipe.write(makeMessage(6, "small")));
  s.worker.postMessage({ cmd: "release" });
  await s.report();
  s.pipe.terminate(0);
  await within(5000, s.sink.next("term"), "pipeTerminated");
  await within(5000, s.exited, "worker exit");
});

test("HWM counts messages, not bytes: a full byte ring still accepts up to capacity", async (t) => {
  // 1 KiB ring: four 216-byte records fill it; the fifth waits in the writer's overflow.
  const s = start(t, "hold", { receiveHwm: 3 }, { sendHwm: 2, ringBytes: 1024 });
  await s.report();
  const big = (i: number): Buffer[] => [Buffer.from([i, 0, 0, 0]), Buffer.alloc(200, i)];
  let accepted = 0;
  while (s.pipe.write(big(accepted))) accepted++;
  s.pipe.flush();
  t.is(accepted, 5);
  s.worker.postMessage({ cmd: "read", n: 5 });
  t.deepEqual(await s.report(), { read: [0, 1, 2, 3, 4] }, "the overflowed message follows once the reader frees room");
  await within(5000, s.sink.next("write"), "writeActivated");
  s.worker.postMessage({ cmd: "release" });
  await s.report();
  s.pipe.terminate(0);
  await within(5000, s.exited, "worker exit");
});

for (const [snd, rcv] of [
  [0, 3],
  [2, 0],
]) {
  test(`HWM: ${snd} + ${rcv} is unlimited (overflow beyond the byte ring, all delivered)`, async (t) => {
    t.timeout(30_000);
    const s = start(t, "hold", { receiveHwm: rcv }, { sendHwm: snd, ringBytes: 4096 });
    await s.report();
    const count = 20_000; // ~28 bytes each: far more than the 4 KiB ring
    for (let i = 0; i < count; i++) t.true(guardedWrite(s.pipe, s.sink, makeMessage(i, "small")) || i < 0);
    s.pipe.flush();
    t.is(s.pipe.outstanding, count);
    s.worker.postMessage({ cmd: "read", n: count });
    const r = await s.report();
    t.deepEqual(r.read, Array.from({ length: count }, (_, i) => i));
    t.is(s.pipe.outstanding, 0);
    s.worker.postMessage({ cmd: "release" });
    await s.report();
    s.pipe.terminate(0);
    await within(5000, s.exited, "worker exit");
  });
}

test("HWM: live changes on either side move the capacity, and wake a blocked writer", async (t) => {
  const s = start(t, "hold", { receiveHwm: 3 }, { sendHwm: 2 });
  await s.report();
  let n = 0;
  while (s.pipe.write(makeMessage(n, "small"))) n++;
  t.is(n, 5);
  s.pipe.setHighWaterMarks(10, 1000);
  while (s.pipe.write(makeMessage(n, "small"))) n++;
  t.is(n, 13, "10 + 3");
  s.pipe.flush();
  const woken = s.sink.next("write");
  s.worker.postMessage({ cmd: "hwm", snd: 1000, rcv: 7 });
  await s.report();
  await within(5000, woken, "writeActivated after the reader raised its RCVHWM");
  while (s.pipe.write(makeMessage(n, "small"))) n++;
  t.is(n, 17, "10 + 7");
  s.pipe.setHighWaterMarks(1, 1000);
  t.false(s.pipe.checkWrite(), "lowered below what is outstanding");
  s.worker.postMessage({ cmd: "read", n: 17 });
  t.is((await s.report()).read instanceof Array, true);
  s.worker.postMessage({ cmd: "release" });
  await s.report();
  s.pipe.terminate(0);
  await within(5000, s.exited, "worker exit");
});

test.serial("an 8 MiB message travels in order between small ones, both ways, user buffers untouched", async (t) => {
  t.timeout(40_000);
  const s = start(t, "echo");
  const count = 7;
  const sent: Buffer[][] = [];
  for (let i = 0; i < count; i++) sent.push(makeMessage(i, "huge"));
  const receiving = receiveChecked(s, count, "huge");
  await sendAll(s.pipe, s.sink, sent);
  t.is(await receiving, "");
  t.is(sent[1]![1]!.length, 8 * 1024 * 1024 + 1, "the caller's buffer is neither detached nor changed");
  t.is(checkMessage(sent[1]!, 1, "huge"), "");
  s.pipe.terminate(-1);
  await within(5000, s.sink.next("term"), "pipeTerminated");
  t.is(await s.exited, 0);
});

for (const how of ["exit", "crash", "terminate"]) {
  test(`peer thread death (${how}): what it wrote is delivered, then pipeTerminated`, async (t) => {
    const count = 20;
    const s = start(t, "die", { count, profile: "mixed", how: how === "terminate" ? "spin" : how }, { ringBytes: 8192, largeThreshold: 1024 });
    if (how === "terminate") {
      t.deepEqual(await s.report(), { written: count });
      await s.worker.terminate();
    }
    const code = await within(10_000, s.exited, "worker exit");
    t.is(code, how === "exit" ? 7 : 1);
    t.is(s.errors.length, how === "crash" ? 1 : 0);
    // Only now start reading: the dead peer's messages must still all be there.
    t.is(await receiveChecked(s, count, "mixed"), "");
    t.is(guardedRead(s.pipe, s.sink), undefined);
    await within(5000, s.sink.next("term"), "pipeTerminated");
    t.true(s.pipe.terminated);
    t.false(s.pipe.write([Buffer.from("late")]));
    t.is(s.sink.counts.term, 1);
  });
}

test("linger -1: a terminated end's messages are all delivered, then both ends end", async (t) => {
  const s = start(t, "linger", { count: 50, profile: "mixed", linger: -1 });
  await sleep(200); // the writer has terminated long ago; nothing may be lost meanwhile
  t.is(await receiveChecked(s, 50, "mixed"), "");
  t.is(s.pipe.read(), undefined);
  await within(5000, s.sink.next("term"), "pipeTerminated");
  t.is(typeof (await s.report()).lingerDone, "number");
  t.is(await within(5000, s.exited, "worker exit"), 0);
});

test("linger 0: unread messages are dropped at once", async (t) => {
  const s = start(t, "linger", { count: 50, profile: "small", linger: 0 });
  await s.report(); // the worker's end has already ended
  await within(5000, s.sink.next("term"), "pipeTerminated");
  t.is(s.pipe.read(), undefined);
  t.is(await within(5000, s.exited, "worker exit"), 0);
});

test("linger 100 ms: an unread pipe ends after the linger, dropping its messages", async (t) => {
  const s = start(t, "linger", { count: 50, profile: "small", linger: 100 });
  const r = await s.report(); // not reading on this side meanwhile
  t.true((r.lingerDone as number) >= 90, `ended after ${String(r.lingerDone)} ms`);
  await within(5000, s.sink.next("term"), "pipeTerminated");
  t.is(s.pipe.read(), undefined);
  t.is(await within(5000, s.exited, "worker exit"), 0);
});

test("keep-alive: a worker whose only work is an open pipe stays up, and exits by itself when it ends", async (t) => {
  const s = start(t, "idle");
  let exited = false;
  void s.exited.then(() => (exited = true));
  t.deepEqual(await s.report(), { opened: true });
  await sleep(400);
  t.false(exited, "the open pipe keeps the worker thread alive");
  t.is(s.pipe.peerType, "PULL");
  s.pipe.terminate(0);
  await within(5000, s.sink.next("term"), "main pipeTerminated");
  t.deepEqual(await s.report(), { idleTerminated: true });
  t.is(await within(5000, s.exited, "worker exit"), 0, "exits by itself once its pipe ended");
});

test("keep-alive: the main thread waits on an open pipe alone, and exits once it ends", async (t) => {
  const script = new URL("./fixtures/keepalive-main.js", import.meta.url);
  const child = spawn(process.execPath, [script.pathname], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d) => (out += String(d)));
  child.stderr.on("data", (d) => (out += String(d)));
  const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
  const code = await new Promise<number | null>((r) => child.on("exit", r));
  clearTimeout(timer);
  t.is(code, 0, out);
  t.regex(out, /read 5, terminated/);
});

test("terminate from the main side while the worker is blocked on HWM ends both", async (t) => {
  const s = start(t, "send", { count: 100_000, profile: "small" }, { receiveHwm: 10 });
  t.is(await receive(s.pipe, s.sink, 1, () => {}), 1);
  await sleep(100); // time to fill the pipe up to its capacity of 1010
  s.pipe.terminate(0);
  await within(5000, s.sink.next("term"), "pipeTerminated");
  t.is(s.sink.counts.term, 1);
  // The worker's sendAll throws once its pipe terminated: an uncaught error ends it.
  await within(5000, s.exited, "worker exit");
});
