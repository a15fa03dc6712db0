/**
 * Promotion (examples/src/promotion): one worker module served as a thread on inproc:// and as a
 * child process on tcp:// or ipc:// at once behind one ROUTER/DEALER broker, only the endpoint
 * differing; both must serve, and everything must shut down by itself (exit code 0 for the
 * main process, the worker process and the worker thread).
 */
import test from "ava";
import { fileURLToPath } from "node:url";
import { Context } from "threadmq";
import { child, within } from "../helpers/interop.js";

const main = fileURLToPath(new URL("../../../examples/build/promotion/main.js", import.meta.url));

for (const mode of ["tcp", "ipc"] as const) {
  test(`promotion over ${mode}: the same worker module serves as a thread (inproc) and as a process (${mode}); clean shutdown`, async (t) => {
    const args = [main, "--requests", "10", ...(mode === "ipc" ? ["--ipc"] : [])];
    const run = child(t, process.execPath, args);
    const code = await within(run.exited, 40_000, "promotion main to exit by itself");
    t.is(code, 0, `stderr: ${run.stderr()}`);
    const line = run.stdout().split("\n").find((l) => l.startsWith("RESULT "));
    t.truthy(line, run.stdout());
    const result = JSON.parse(line!.slice("RESULT ".length)) as { sent: number; thread: number; process: number; remoteEndpoint: string; threadExit: number; processExit: number };
    t.true(result.thread > 0, "the thread worker served");
    t.true(result.process > 0, "the process worker served");
    t.is(result.thread + result.process, result.sent);
    t.true(result.remoteEndpoint.startsWith(`${mode}://`));
    t.is(result.threadExit, 0);
    t.is(result.processExit, 0);
    t.regex(run.stdout(), /worker \(process \d+\) via (tcp|ipc):\/\/\S+: served \d+, bye/);
    t.regex(run.stdout(), /worker \(thread \d+ in process \d+\) via inproc:\/\/workers: served \d+, bye/);
    t.log(run.stdout().split("\n").filter((l) => l.includes("served by")).join("\n"));
  });
}

// A worker started by ctx.spawn that closed every socket it created can `await ctx.term()` on its
// attached view (as a process does on its own context) and then finish normally (exit 0): the
// spawn pipe is made only when `ctx.pipe` is used, and term closes it as the context's own.
test("a spawned worker that closed its own sockets can await ctx.term() on its attached context and exit 0", async (t) => {
  const ctx = new Context();
  t.teardown(async () => {
    for (const s of [...ctx.sockets]) s.close();
    await ctx.term();
  });
  const worker = ctx.spawn(new URL("./fixtures/term-worker.js", import.meta.url));
  let termed = false;
  worker.on("message", (m) => (termed = m === "termed"));
  const code = await within(new Promise<number>((resolve) => worker.once("exit", resolve)), 3_000, "the worker to exit by itself");
  t.true(termed, "the worker got past ctx.term()");
  t.is(code, 0);
});
