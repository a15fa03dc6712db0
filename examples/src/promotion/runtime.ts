/**
 * Promotion helpers: the one place that knows whether a worker runs as a thread or as a
 * process. The worker module itself never asks; it calls `workerContext()` and
 * `workerEndpoint()` and connects.
 *
 * - Parent side: `startWorker(ctx, moduleUrl, endpoint)` starts the worker as a thread
 *   (`ctx.spawn`, context attached) when the endpoint is `inproc://…`, and as a child process
 *   (`node worker.js ENDPOINT` via child_process.spawn, its own Context) for `tcp://…` or `ipc://…`. The endpoint is the
 *   only option.
 * - Worker side: `workerEndpoint()` reads the endpoint from `workerData` (thread) or from
 *   argv / `THREADMQ_ENDPOINT` (process); `workerContext()` attaches to the parent's context in
 *   a thread and makes a fresh one in a process, where SIGTERM/SIGINT shut it down, so blocked
 *   calls end with ETERM exactly as they do in a thread whose parent terminated the context.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { isMainThread, threadId, workerData, type Worker } from "node:worker_threads";
import { Context } from "threadmq";

/** A started worker, thread or process, with one way to wait for its end. */
export interface StartedWorker {
  kind: "thread" | "process";
  endpoint: string;
  /** Resolves with the exit code once the thread or process has ended. */
  exited: Promise<number>;
  /**
   * Asks a process worker to stop (SIGTERM → its context shuts down → ETERM → it closes and exits).
   * For a thread worker this does nothing: terminating the parent's context is what ends it.
   */
  stop(): void;
  thread?: Worker;
  process?: ChildProcess;
}

export function startWorker(ctx: Context, moduleUrl: URL, endpoint: string): StartedWorker {
  if (endpoint.startsWith("inproc://")) {
    const thread = ctx.spawn(moduleUrl, { workerData: { endpoint } });
    const exited = new Promise<number>((resolve) => thread.once("exit", resolve));
    // The spawn pipe is not used by promoted workers; close the parent's end with the worker.
    void exited.then(() => thread.pipe.close());
    return { kind: "thread", endpoint, exited, stop: () => {}, thread };
  }
  // A plain node process (no fork IPC channel: nothing but the sockets keeps it alive).
  const child = spawn(process.execPath, [fileURLToPath(moduleUrl), endpoint], { stdio: "inherit", env: { ...process.env, THREADMQ_ENDPOINT: endpoint } });
  const exited = new Promise<number>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  return { kind: "process", endpoint, exited, stop: () => void child.kill("SIGTERM"), process: child };
}

/** Worker side: the endpoint to connect to, wherever the worker runs. */
export function workerEndpoint(): string {
  const fromThread = !isMainThread ? (workerData as { endpoint?: string } | undefined)?.endpoint : undefined;
  const endpoint = fromThread ?? process.argv[2] ?? process.env["THREADMQ_ENDPOINT"];
  if (!endpoint) throw new Error("no endpoint: pass it in workerData.endpoint (thread), argv[2] or THREADMQ_ENDPOINT (process)");
  return endpoint;
}

/** Worker side: the context to use, wherever the worker runs. */
export function workerContext(): Context {
  if (!isMainThread) {
    return Context.attach();
  }
  const ctx = new Context();
  const stop = () => ctx.shutdown();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  return ctx;
}

/** Worker side: who am I, for logs and replies. */
export function workerName(): string {
  return isMainThread ? `process ${process.pid}` : `thread ${threadId} in process ${process.pid}`;
}
