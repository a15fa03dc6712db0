/**
 * Running an example as a program: each example exports its core as a function (so tests
 * run it in-process) and calls `main` only when started directly with node.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isMainThread } from "node:worker_threads";

/** True when the module with this `import.meta.url` is the script node was started with, in the main thread. */
export function isMain(moduleUrl: string): boolean {
  const script = process.argv[1];
  // A worker thread running the same file (mtrelay, rtreq, ...) shares process.argv.
  if (!script || !isMainThread) return false;
  // Compare real paths: the script may be reached through a symlink (pnpm's node_modules).
  try {
    return realpathSync(fileURLToPath(moduleUrl)) === realpathSync(script);
  } catch {
    return false;
  }
}

/**
 * Runs `body` as the program: an error is printed and sets a failing exit code, as an
 * assertion ends a C example; nothing else forces an exit, so sockets can linger.
 */
export function main(moduleUrl: string, body: () => Promise<void>): void {
  if (!isMain(moduleUrl)) return;
  body().catch((error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  });
}
