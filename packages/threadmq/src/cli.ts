#!/usr/bin/env node
/**
 * `threadmq` — a socket on the command line: `threadmq SUB tcp://host:5556 --subscribe A`.
 * See cli/options.ts for the usage.
 */
import { parseCli, usage, UsageError } from "./cli/options.js";
import { runCli } from "./cli/session.js";

try {
  const options = parseCli(process.argv.slice(2));
  if (!options) {
    process.stdout.write(`${usage}\n`);
  } else {
    process.exitCode = await runCli(options, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  }
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`threadmq: ${error.message}\n${usage}\n`);
  process.exitCode = 2;
}
