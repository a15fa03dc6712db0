/**
 * version — reports the library version (guide chapter 1's zmq_version).
 * threadmq has no version call: its package.json is the source, beside its build.
 * Run: `pnpm example version`
 */
import { readFileSync } from "node:fs";
import { parse } from "./lib/args.js";
import { main } from "./lib/main.js";

/** The threadmq version, read from the package that `import "threadmq"` resolves to. */
export function threadmqVersion(): string {
  const entry = new URL(import.meta.resolve("threadmq"));
  const manifest = JSON.parse(readFileSync(new URL("../package.json", entry), "utf8")) as { version: string };
  return manifest.version;
}

main(import.meta.url, async () => {
  parse("usage: version", {});
  console.log(`Current threadmq version is ${threadmqVersion()} (speaks ZMTP 3.1, as libzmq 4.x)`);
});
