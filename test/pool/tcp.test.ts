import test from "ava";
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { PoolError } from "@threadmq/pool";
import { fixture, flags, poolWith, release, until } from "./helpers.js";

// Process workers over tcp: the same worker module, started as a child process with
// THREADMQ_POOL_ENDPOINT, connects to the pool's backend through pool.listen().
test("process workers connect over tcp, serve beside threads, and are rejected-not-hung when killed", async (t) => {
  const pool = poolWith({ threads: 1 });
  let child: ChildProcess | undefined;
  try {
    const endpoint = await pool.listen("tcp://127.0.0.1:0");
    t.regex(endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const joined = new Promise((resolve) => pool.on("workerCreate", (id: string) => id.startsWith("remote-") && resolve(id)));
    child = spawn(process.execPath, [fileURLToPath(fixture("pool-worker"))], {
      env: { ...process.env, THREADMQ_POOL_ENDPOINT: endpoint },
      stdio: "inherit",
    });
    await Promise.all([pool.ready(), joined]);
    // The thread is busy: the process takes the next task.
    const f = flags();
    const blocked = pool.run({ op: "block", flags: f.sab, index: 0 });
    await until(f.view, 0, 1);
    t.is(await pool.run({ op: "whoami" }), `process-${child.pid}`);
    t.is(await pool.run({ op: "add", a: 20, b: 22 }), 42);
    release(f.view, 0);
    await blocked;
    // A process killed mid-task: its task is rejected, the pool keeps serving.
    const g = flags();
    const onThread = pool.run({ op: "block", flags: g.sab, index: 0 });
    await until(g.view, 0, 1);
    const onProcess = pool.run({ op: "crashAsync", message: "never answers" });
    await Promise.resolve();
    child.kill("SIGKILL");
    const error = await t.throwsAsync(onProcess, { instanceOf: PoolError });
    t.is((error as PoolError).code, "ERR_WORKER_EXITED");
    release(g.view, 0);
    await onThread;
    t.is(await pool.run({ op: "add", a: 1, b: 1 }), 2);
  } finally {
    child?.kill("SIGKILL");
    if (child && child.exitCode === null && child.signalCode === null) await once(child, "exit");
    await pool.destroy();
  }
});
