/** The brief's counting publisher and sequence checker ("err count"), and its filter. */
import { tmpdir } from "node:os";
import { join } from "node:path";
import test from "ava";
import { nasdaqfilter } from "@threadmq/examples/nasdaqfilter";
import { seqpub } from "@threadmq/examples/seqpub";
import { seqsub } from "@threadmq/examples/seqsub";
import { Lines, within } from "../helpers/lines.js";
import { exampleContext, startExample } from "../helpers/programs.js";

test("seqsub reports each gap in the sequence as 'err count current last'", async (t) => {
  const ctx = exampleContext(t);
  const publisher = ctx.socket("XPUB"); // shows when the subscription arrived
  await publisher.bind("tcp://127.0.0.1:0");
  const log = new Lines();
  const gaps = seqsub(ctx, { connect: publisher.lastEndpoint!, delayMs: 0, count: 7, log: log.log });
  await within(publisher.receive(), 10000, "subscription");
  for (const n of [1, 2, 3, 5, 6, 9, 10]) await publisher.send(String(n));
  t.deepEqual(await within(gaps, 10000, "seqsub"), [{ current: 5, last: 3 }, { current: 9, last: 6 }]);
  t.deepEqual(log.matching(/^err count/), ["err count 5 3", "err count 9 6"]);
  t.is(log.matching(/^message: \d+$/).length, 7);
});

test("seqpub publishes 1, 2, 3, ... in order; a subscriber that joins late starts mid-stream", async (t) => {
  const ctx = exampleContext(t);
  const publisher = await seqpub(ctx, { bind: "tcp://127.0.0.1:0", log: () => {} });
  const log = new Lines();
  const gaps = await within(seqsub(ctx, { connect: publisher.endpoint, delayMs: 0, count: 200, log: log.log }), 10000, "seqsub");
  const numbers = log.matching(/^message: /).map((line) => Number(line.slice(9)));
  t.is(numbers.length, 200);
  t.true(numbers.every((n, i) => i === 0 || n > numbers[i - 1]!), "strictly increasing");
  // The slow joiner: the publisher was already counting, so the first number is a gap.
  t.true(gaps.length >= 1 && gaps[0]!.last === 0 && gaps[0]!.current > 1, JSON.stringify(gaps[0]));
  await within(ctx.term(), 5000, "term");
  t.true((await publisher.done) > 200);
});

test("seqsub as a program against seqpub prints messages and its err count lines", async (t) => {
  const ctx = exampleContext(t);
  const publisher = await seqpub(ctx, { bind: "tcp://127.0.0.1:0", log: () => {} });
  const subscriber = startExample(t, "seqsub", ["--connect", publisher.endpoint, "--delay-ms", "1", "--count", "20"]);
  t.deepEqual(await within(subscriber.exit, 10000, "seqsub"), { code: 0, signal: null });
  t.is(subscriber.stdout.matching(/^message: \d+$/).length, 20);
  t.regex(subscriber.stdout.matching(/^err count/)[0]!, /^err count \d+ 0$/);
});

test("nasdaqfilter republishes only NASDAQ, from both publishers, on ipc", async (t) => {
  const ctx = exampleContext(t);
  const publishers = [ctx.socket("XPUB"), ctx.socket("XPUB")];
  for (const publisher of publishers) await publisher.bind("tcp://127.0.0.1:0");
  const feed = `ipc://${join(tmpdir(), `nasdaq-feed-${process.pid}`)}`;
  const filter = await nasdaqfilter(ctx, { connect: publishers.map((p) => p.lastEndpoint!), bind: feed });
  for (const publisher of publishers) t.is((await within(publisher.receive(), 10000, "subscription"))[0]!.toString(), "\x01NASDAQ");

  const local = ctx.socket("SUB");
  local.connect(feed);
  local.subscribe("");
  // The filter's PUB gives no sign when our subscription reached it: send until one arrives.
  let warm = false;
  const warming = (async () => {
    while (!warm) {
      await publishers[0]!.send("NASDAQ warm-up");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  })();
  await within(local.receive(), 10000, "warm-up");
  warm = true;
  await warming;
  await publishers[0]!.send("NYSE IBM 100");
  await publishers[0]!.send(["NASDAQ", "AAPL 190"]);
  await publishers[1]!.send("LSE VOD 70");
  await publishers[1]!.send(["NASDAQ", "MSFT 410"]);
  const got: string[] = [];
  while (got.length < 2) {
    const msg = (await within(local.receive(), 10000, "feed")).map(String);
    if (msg[0] !== "NASDAQ warm-up") got.push(msg.join(" | "));
  }
  t.deepEqual(got.sort(), ["NASDAQ | AAPL 190", "NASDAQ | MSFT 410"]);
  for (const socket of [...publishers, local]) socket.close();
  await within(ctx.term(), 5000, "term");
  t.true((await filter.done) >= 3);
});
