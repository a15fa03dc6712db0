/** psenvpub + psenvsub: filtering on the envelope frame, the whole message delivered. */
import test from "ava";
import { psenvpub } from "@threadmq/examples/psenvpub";
import { psenvsub } from "@threadmq/examples/psenvsub";
import { within } from "../helpers/lines.js";
import { freeEndpoint } from "../helpers/ports.js";
import { exampleContext, startExample } from "../helpers/programs.js";

test("psenvsub receives only the B envelopes, key and content", async (t) => {
  const ctx = exampleContext(t);
  const publisher = await psenvpub(ctx, { bind: "tcp://127.0.0.1:0", intervalMs: 5 });
  const received = await within(psenvsub(ctx, { connect: publisher.endpoint, count: 3, log: () => {} }), 10000, "psenvsub");
  t.deepEqual(received, Array(3).fill(["B", "We would like to see this"]));
  await within(ctx.term(), 5000, "term");
  await publisher.done;
});

test("psenvpub and psenvsub as programs", async (t) => {
  const endpoint = await freeEndpoint();
  startExample(t, "psenvpub", ["--bind", endpoint, "--interval-ms", "10"]);
  const subscriber = startExample(t, "psenvsub", ["--connect", endpoint, "--count", "2"]);
  t.deepEqual(await within(subscriber.exit, 10000, "psenvsub"), { code: 0, signal: null });
  t.deepEqual(subscriber.stdout.all, ["[B] We would like to see this", "[B] We would like to see this"]);
});
