/** identity: the ROUTER's made-up id for an anonymous peer vs. one the peer chose. */
import test from "ava";
import { identity } from "@threadmq/examples/identity";
import { Lines, within } from "../helpers/lines.js";
import { exampleContext, startExample } from "../helpers/programs.js";

test("an anonymous REQ gets a 5-byte id starting with 0; PEER2 keeps its own; both envelopes have the delimiter", async (t) => {
  const ctx = exampleContext(t);
  const log = new Lines();
  const [anonymous, named] = await within(identity(ctx, log.log), 5000, "identity");
  t.is(anonymous![0]!.length, 5);
  t.is(anonymous![0]![0], 0);
  t.deepEqual(anonymous!.slice(1).map(String), ["", "ROUTER uses a generated 5 byte identity"]);
  t.deepEqual(named!.map(String), ["PEER2", "", "ROUTER socket uses REQ's socket identity"]);
  t.regex(log.all[1]!, /^\[005\] 00[0-9A-F]{8}$/);
  t.is(log.all[5], "[005] PEER2");
});

test("identity as a program dumps both messages", async (t) => {
  const program = startExample(t, "identity");
  t.deepEqual(await within(program.exit, 10000, "identity"), { code: 0, signal: null });
  t.is(program.stdout.all.length, 8);
  t.deepEqual(program.stdout.all.slice(4), ["----------------------------------------", "[005] PEER2", "[000] ", "[040] ROUTER socket uses REQ's socket identity"]);
});
