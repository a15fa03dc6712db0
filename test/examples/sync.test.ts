/** syncpub + syncsub: every subscriber gets every update, none missed at the start. */
import test from "ava";
import { syncpub } from "@threadmq/examples/syncpub";
import { syncsub } from "@threadmq/examples/syncsub";
import { Lines, within } from "../helpers/lines.js";
import { freeEndpoint } from "../helpers/ports.js";
import { exampleContext, startExample } from "../helpers/programs.js";

test("three synchronized subscribers each receive all 20000 updates (in-process)", async (t) => {
  const ctx = exampleContext(t);
  const [publish, sync] = await Promise.all([freeEndpoint(), freeEndpoint()]);
  const log = new Lines();
  const publisher = syncpub(ctx, { bind: publish, sync, subscribers: 3, updates: 20000, log: log.log });
  const counts = await within(Promise.all([1, 2, 3].map(() => syncsub(ctx, { connect: publish, sync, log: () => {} }))), 30000, "subscribers");
  t.deepEqual(counts, [20000, 20000, 20000]);
  await publisher;
  t.deepEqual(log.all, ["Waiting for subscribers", "Broadcasting messages"]);
});

test("syncpub and two syncsub as programs", async (t) => {
  const [publish, sync] = await Promise.all([freeEndpoint(), freeEndpoint()]);
  const publisher = startExample(t, "syncpub", ["--bind", publish, "--sync", sync, "--subscribers", "2", "--updates", "50000"]);
  const subscribers = [1, 2].map(() => startExample(t, "syncsub", ["--connect", publish, "--sync", sync]));
  for (const subscriber of subscribers) {
    t.deepEqual(await within(subscriber.exit, 30000, "syncsub"), { code: 0, signal: null });
    t.deepEqual(subscriber.stdout.all, ["Received 50000 updates"]);
  }
  t.deepEqual(await within(publisher.exit, 10000, "syncpub"), { code: 0, signal: null });
});
