/** The launcher: `pnpm example <name>` runs one example, `pnpm example <group>` several. */
import test from "ava";
import { within } from "../helpers/lines.js";
import { startExample } from "../helpers/programs.js";

test("run <name> runs that example with its arguments", async (t) => {
  const program = startExample(t, "run", ["wuclient", "--help"]);
  t.deepEqual(await within(program.exit, 10000, "run"), { code: 0, signal: null });
  t.regex(program.stdout.all[0]!, /^usage: wuclient \[zipcode\]/);
});

test("run without a name, or with an unknown one, prints usage to stderr and exits 2", async (t) => {
  for (const args of [[], ["no-such-example"]]) {
    const program = startExample(t, "run", args);
    t.is((await within(program.exit, 10000, "run")).code, 2);
    t.truthy(await program.stderr.waitFor(/^usage: pnpm example <name>/));
  }
});

test("run pipeline starts vent, three workers and sink: the sink accounts for all the work sent", async (t) => {
  const program = startExample(t, "run", ["pipeline", "--free-ports"]);
  t.deepEqual(await within(program.exit, 30000, "pipeline"), { code: 0, signal: null });
  const cost = /Total expected cost: (\d+) msec/.exec(program.stdout.all.join("\n"))![1];
  t.truthy(program.stdout.matching(new RegExp(`^\\[tasksink\\] Total work done: ${cost} msec in 100 results$`)).length);
  // Each of the three workers did some of it.
  for (const n of [1, 2, 3]) t.regex(program.stdout.matching(new RegExp(`^\\[taskwork ${n}\\]`)).join(""), /\.+/);
});
