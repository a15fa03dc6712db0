/** version: prints the version of the threadmq package it runs on. */
import { readFileSync } from "node:fs";
import test from "ava";
import { within } from "../helpers/lines.js";
import { startExample } from "../helpers/programs.js";

test("version prints threadmq's package version", async (t) => {
  const manifest = JSON.parse(readFileSync(new URL("./package.json", new URL("..", import.meta.resolve("threadmq"))), "utf8")) as { version: string };
  const program = startExample(t, "version");
  t.deepEqual(await within(program.exit, 10000, "version"), { code: 0, signal: null });
  t.deepEqual(program.stdout.all.filter(Boolean), [`Current threadmq version is ${manifest.version} (speaks ZMTP 3.1, as libzmq 4.x)`]);
});
