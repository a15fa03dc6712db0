/**
 * Starting example programs (and the CLI) as child processes: stdout/stderr as Lines,
 * the exit as a promise, and a kill at teardown for any child still running.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { ExecutionContext } from "ava";
import { Context } from "threadmq";
import { Lines } from "./lines.js";

export interface Program {
  child: ChildProcessWithoutNullStreams;
  stdout: Lines;
  stderr: Lines;
  /** Resolves when the process has exited and its output is all read (code, or the signal that ended it). */
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The compiled example `name` (examples/build/<name>.js). */
export function exampleScript(name: string): string {
  return fileURLToPath(import.meta.resolve(`@threadmq/examples/${name}`));
}

/** The compiled threadmq CLI (packages/threadmq/build/cli.js). */
export function cliScript(): string {
  return fileURLToPath(new URL("./cli.js", import.meta.resolve("threadmq")));
}

/** Runs `node script args...`; the child is killed at teardown if it still runs. */
export function startScript(t: ExecutionContext, script: string, args: string[] = [], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Program {
  // Its own process group, so that teardown also ends what it started (the launcher's parts).
  const child = spawn(process.execPath, [script, ...args], { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: "pipe", detached: true });
  const stdout = new Lines();
  const stderr = new Lines();
  createInterface({ input: child.stdout }).on("line", stdout.log).on("close", () => stdout.end());
  createInterface({ input: child.stderr }).on("line", stderr.log).on("close", () => stderr.end());
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    // "close", not "exit": only then have stdout and stderr been read to their end.
    child.once("close", (code, signal) => resolve({ code, signal }));
  });
  let exited = false;
  void exit.then(() => (exited = true));
  t.teardown(async () => {
    try {
      process.kill(-child.pid!, "SIGKILL"); // the whole group: grandchildren too
    } catch {
      // Nothing left in the group.
    }
    if (!exited) await exit;
  });
  return { child, stdout, stderr, exit };
}

/** Runs the example `name` with `args`. */
export function startExample(t: ExecutionContext, name: string, args: string[] = [], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Program {
  return startScript(t, exampleScript(name), args, options);
}

/** A context whose sockets are closed and which is terminated when the test ends. */
export function exampleContext(t: ExecutionContext): Context {
  const ctx = new Context();
  t.teardown(async () => {
    ctx.shutdown();
    for (const socket of [...ctx.sockets]) {
      socket.linger = 0;
      socket.close();
    }
    await ctx.term();
  });
  return ctx;
}
