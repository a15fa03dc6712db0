/**
 * busyPoll across threads: a socket that keeps looking for messages after it runs dry
 * needs no wake from a peer that answers within the window, where one that sleeps needs
 * one per answer. The worker counts the wakes it posts (fixtures/thread-worker.ts,
 * "echo-counting-wakes").
 */
import test from "ava";
import type { Pair, SpawnedWorker } from "threadmq";
import { watchReadable } from "threadmq/internal/readable-watch";
import { exitCode, inprocName, spawnScenario, threadContext } from "../helpers/threads.js";

const ROUND_TRIPS = 20;
/** The worker answers each echo this late: far later than one event-loop turn... */
const DELAY_MS = 10;
/** ...and far sooner than the poll window ends (µs), even on a loaded machine. */
const WINDOW = 300_000;

/**
 * `n` round trips read from the event loop (readiness + tryReceive, as @threadmq/comlink
 * reads), so the socket's pipes decide when its thread sleeps; then the worker's count.
 */
async function echoWakes(socket: Pair, n: number): Promise<number> {
  await socket.send("0"); // waits for the peer to be there, as trySend would not
  await new Promise<void>((resolve, reject) => {
    let next = 0;
    const stop = watchReadable(socket, () => {
      for (let msg = socket.tryReceive(); msg; msg = socket.tryReceive()) {
        if (msg[0]!.toString() !== String(next)) {
          stop();
          reject(new Error(`echo ${next} came back as ${msg[0]!.toString()}`));
          return;
        }
        if (++next === n) {
          stop();
          resolve();
          return;
        }
        if (!socket.trySend(String(next))) {
          stop();
          reject(new Error(`echo ${next} could not be sent`));
          return;
        }
      }
    });
  });
  await socket.send("count");
  const [wakes] = await socket.receive();
  return Number(wakes!.toString());
}

async function finish(socket: Pair, worker: SpawnedWorker): Promise<number> {
  await socket.send("bye");
  await worker.pipe.send("done");
  return exitCode(worker);
}

test("busyPoll set on a connected socket: the echoes come back without waking it; at 0 nearly each one wakes it", async (t) => {
  const ctx = threadContext(t);
  const worker = spawnScenario(t, ctx, "echo-counting-wakes", { delayMs: DELAY_MS });
  const sleeping = await echoWakes(worker.pipe, ROUND_TRIPS);
  t.true(sleeping >= ROUND_TRIPS - 2, `busyPoll 0: ${sleeping} wakes for ${ROUND_TRIPS} echoes`);

  worker.pipe.busyPoll = WINDOW;
  t.is(worker.pipe.busyPoll, WINDOW);
  const polling = await echoWakes(worker.pipe, ROUND_TRIPS);
  t.true(polling <= 2, `busyPoll ${WINDOW}: ${polling} wakes for ${ROUND_TRIPS} echoes`);

  worker.pipe.busyPoll = 0;
  const again = await echoWakes(worker.pipe, ROUND_TRIPS);
  t.true(again >= ROUND_TRIPS - 2, `busyPoll back to 0: ${again} wakes for ${ROUND_TRIPS} echoes`);
  t.is(await finish(worker.pipe, worker), 0);
});

test("busyPoll given when the socket is made holds for the connections it makes later", async (t) => {
  const ctx = threadContext(t);
  const endpoint = inprocName("busy-poll");
  const worker = spawnScenario(t, ctx, "echo-counting-wakes", { endpoint, delayMs: DELAY_MS });
  t.is((await worker.pipe.receive())[0]!.toString(), "bound");
  const socket = ctx.socket("PAIR", { busyPoll: WINDOW });
  socket.connect(endpoint);
  const wakes = await echoWakes(socket, ROUND_TRIPS);
  t.true(wakes <= 2, `${wakes} wakes for ${ROUND_TRIPS} echoes`);
  t.is(await finish(socket, worker), 0);
});
