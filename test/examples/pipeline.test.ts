/**
 * taskvent + taskwork + tasksink (chapter 1) and taskwork2 + tasksink2 (chapter 2):
 * the work the sink accounts for is the work the ventilator sent, spread over workers.
 */
import test from "ava";
import { tasksink, bindSink, collectBatch } from "@threadmq/examples/tasksink";
import { tasksink2 } from "@threadmq/examples/tasksink2";
import { taskvent } from "@threadmq/examples/taskvent";
import { taskwork } from "@threadmq/examples/taskwork";
import { taskwork2 } from "@threadmq/examples/taskwork2";
import { handshakes } from "@threadmq/examples/lib/peers";
import { freeEndpoint } from "../helpers/ports.js";
import { Lines, within } from "../helpers/lines.js";
import { exampleContext, startExample } from "../helpers/programs.js";

const quiet = () => {};

test("pipeline in-process: three workers do the batch; the sink's total work equals the vent's expected cost", async (t) => {
  const ctx = exampleContext(t);
  const sink = await bindSink(ctx, "tcp://127.0.0.1:0");
  const tasksEndpoint = await freeEndpoint();
  const batch = collectBatch(sink, { tasks: 30, log: quiet, progress: quiet });
  const workers = [1, 2, 3].map(() => taskwork(ctx, { tasks: tasksEndpoint, sink: sink.lastEndpoint!, progress: quiet }));
  const cost = await taskvent(ctx, { bind: tasksEndpoint, sink: sink.lastEndpoint!, tasks: 30, ready: (sender) => handshakes(sender, 3), log: quiet });
  const result = await within(batch, 20000, "batch");
  t.is(result.workMs, cost);
  t.is(result.results, 30);
  // Three workers in parallel: well under the serial cost (fair distribution, chapter 1).
  t.true(result.elapsedMs < cost * 0.8, `elapsed ${result.elapsedMs} ms for ${cost} ms of work`);
  sink.close();
  await within(ctx.term(), 5000, "term");
  const done = await Promise.all(workers);
  t.is(done.reduce((a, b) => a + b, 0), 30);
  t.true(done.every((n) => n > 0), `tasks per worker: ${done.join(", ")}`);
});

test("tasksink alone: collects exactly the announced number of results after the start signal", async (t) => {
  const ctx = exampleContext(t);
  const log = new Lines();
  const endpoint = await freeEndpoint();
  const result = tasksink(ctx, { bind: endpoint, tasks: 3, log: log.log, progress: quiet });
  const push = ctx.socket("PUSH");
  push.connect(endpoint);
  for (const message of ["0", "5", "7", "9"]) await push.send(message);
  t.like(await within(result, 5000, "sink"), { workMs: 21, results: 3 });
  await log.waitFor(/^Total elapsed time: \d+ msec$/);
});

test("pipeline with kill signalling: tasksink2 broadcasts KILL and every taskwork2 ends", async (t) => {
  const ctx = exampleContext(t);
  const [tasksEndpoint, sinkEndpoint, controlEndpoint] = await Promise.all([freeEndpoint(), freeEndpoint(), freeEndpoint()]);
  const batch = tasksink2(ctx, { bind: sinkEndpoint, control: controlEndpoint, tasks: 20, log: quiet, progress: quiet });
  const workers = [1, 2].map(() => taskwork2(ctx, { tasks: tasksEndpoint, sink: sinkEndpoint, control: controlEndpoint, progress: quiet }));
  const cost = await taskvent(ctx, { bind: tasksEndpoint, sink: sinkEndpoint, tasks: 20, ready: (sender) => handshakes(sender, 2), log: quiet });
  t.is((await within(batch, 20000, "batch")).workMs, cost);
  // The workers stop on KILL by themselves: no term needed for them to end.
  const done = await within(Promise.all(workers), 10000, "workers to get KILL");
  t.is(done.reduce((a, b) => a + b, 0), 20);
});

test("pipeline as programs: taskvent --workers waits for the workers, the sink reports the work sent", async (t) => {
  const [tasksEndpoint, sinkEndpoint] = await Promise.all([freeEndpoint(), freeEndpoint()]);
  const sink = startExample(t, "tasksink", ["--bind", sinkEndpoint, "--tasks", "20"]);
  for (let i = 0; i < 2; i++) startExample(t, "taskwork", ["--tasks", tasksEndpoint, "--sink", sinkEndpoint]);
  const vent = startExample(t, "taskvent", ["--bind", tasksEndpoint, "--sink", sinkEndpoint, "--tasks", "20", "--workers", "2"]);
  t.is((await within(vent.exit, 15000, "taskvent")).code, 0);
  const cost = Number(/(\d+)/.exec(await vent.stdout.waitFor(/^Total expected cost: \d+ msec$/))![1]);
  t.is((await within(sink.exit, 15000, "tasksink")).code, 0);
  await sink.stdout.waitFor(new RegExp(`^Total work done: ${cost} msec in 20 results$`));
});
