/** Shared helpers for the pool tests: fixture paths and SharedArrayBuffer flags (no sleeps). */
import { Pool, type PoolOptions } from "@threadmq/pool";

export function fixture(name: string): URL {
  return new URL(`../fixtures/${name}.js`, import.meta.url);
}

export function poolWith(options: PoolOptions = {}): Pool {
  return new Pool({ filename: fixture("pool-worker"), threads: 2, ...options });
}

/** A small shared Int32Array that workers set and tests wait on. */
export function flags(size = 8): { sab: SharedArrayBuffer; view: Int32Array } {
  const sab = new SharedArrayBuffer(size * 4);
  return { sab, view: new Int32Array(sab) };
}

/** Atomics.waitAsync (ES2024; in Node 20, missing from this project's ES2023 lib). */
const waitAsync = (Atomics as unknown as {
  waitAsync(view: Int32Array, index: number, value: number, timeout: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

/** Resolves once view[index] === value (Atomics.waitAsync: the main thread never blocks). */
export async function until(view: Int32Array, index: number, value: number): Promise<void> {
  for (;;) {
    const current = Atomics.load(view, index);
    if (current === value) return;
    const waited = waitAsync(view, index, current, 10_000);
    if (waited.async) await waited.value;
  }
}

/** Lets a `block` task finish. */
export function release(view: Int32Array, index: number): void {
  Atomics.store(view, index, 2);
  Atomics.notify(view, index);
}
