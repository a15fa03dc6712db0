#!/usr/bin/env node
/**
 * Entry point of every thread the pool spawns, and a CLI for process workers:
 *
 *   threadmq-pool-worker ./worker.js tcp://pool-host:5555 [concurrency]
 *
 * It loads the worker module. A module that calls `serve(handler)` itself is left to
 * it; otherwise its export (`name` option, default "default" — piscina's shape) becomes
 * the handler.
 */
import { isMainThread, parentPort, receiveMessageOnPort } from "node:worker_threads";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { BOOT_KEY, CONCURRENCY_ENV, ENDPOINT_ENV, type BootMessage } from "./protocol.js";
import { globalState, serve, type Handler } from "./worker.js";

async function main(): Promise<void> {
  let filename: string;
  let name = "default";
  if (!isMainThread && parentPort) {
    const boot = (receiveMessageOnPort(parentPort)?.message as Record<string, BootMessage> | undefined)?.[BOOT_KEY];
    if (!boot) throw new Error("@threadmq/pool bootstrap: no boot message; this file is started by Pool");
    globalState.boot = boot;
    filename = boot.filename;
    name = boot.name;
  } else {
    const [file, endpoint, concurrency] = process.argv.slice(2);
    if (!file) {
      console.error("usage: threadmq-pool-worker <worker-module> [endpoint] [concurrency]");
      process.exit(2);
    }
    if (endpoint) process.env[ENDPOINT_ENV] = endpoint;
    if (concurrency) process.env[CONCURRENCY_ENV] = concurrency;
    filename = /^[a-z][a-z0-9+.-]*:/i.test(file) && !/^[a-z]:\\/i.test(file) ? file : pathToFileURL(resolve(file)).href;
  }
  const mod = (await import(filename)) as Record<string, unknown>;
  if (globalState.served) return;
  let handler = mod[name];
  // A CommonJS module.exports = { fn } imported by name sits under default.
  if (typeof handler !== "function" && name !== "default") handler = (mod.default as Record<string, unknown> | undefined)?.[name];
  if (typeof handler !== "function") {
    throw new TypeError(`worker module ${filename} neither called serve(handler) nor exports a function named "${name}"`);
  }
  serve(handler as Handler);
}

await main();
