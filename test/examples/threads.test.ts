/** mtrelay: three threads signal each other in a chain over inproc PAIRs. */
import test from "ava";
import { mtrelay } from "@threadmq/examples/mtrelay";
import { Lines, within } from "../helpers/lines.js";
import { exampleContext, startExample } from "../helpers/programs.js";

test("mtrelay in-process: step 1 signals step 2 signals step 3, across two worker threads", async (t) => {
  const ctx = exampleContext(t);
  const log = new Lines();
  t.is(await within(mtrelay(ctx, log.log), 15000, "mtrelay"), "READY");
  t.deepEqual(log.all, ["Test successful!"]);
});

test("mtrelay as a program prints the steps in order and exits 0", async (t) => {
  const program = startExample(t, "mtrelay");
  t.deepEqual(await within(program.exit, 15000, "mtrelay"), { code: 0, signal: null });
  t.deepEqual(program.stdout.all, ["Step 1 ready, signaling step 2", "Step 2 ready, signaling step 3", "Test successful!"]);
});
