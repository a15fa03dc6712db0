/**
 * Per-test context and the assertions every test file shares.
 *
 * `harness(t)` gives the test its own Context and registers a teardown that closes
 * every socket made through it and awaits `ctx.term()` (with a deadline: a term that
 * hangs fails the test instead of hanging ava).
 */
import type { ExecutionContext } from "ava";
import { Context, ZmqError, type SocketClasses, type SocketOptions, type SocketType, type ZmqErrorCode } from "threadmq";
import { DEADLINE_MS } from "./transports.js";

/**
 * Options `h.socket()` adds unless the test gives its own: linger 0 (nothing waits at
 * close) and a receive timeout, so a message that never comes fails the test in
 * bounded time instead of hanging it.
 */
export const TEST_DEFAULTS = { linger: 0, receiveTimeout: DEADLINE_MS } as const;

type AnySocket = SocketClasses[SocketType];

export interface Harness {
  readonly ctx: Context;
  /** `ctx.socket(type, { ...TEST_DEFAULTS, ...options })`, closed at teardown. */
  socket<T extends SocketType>(type: T, options?: SocketOptions<SocketClasses[T]>): SocketClasses[T];
  /** `ctx.socket(type, options)` with the library's own defaults, closed at teardown. */
  raw<T extends SocketType>(type: T, options?: SocketOptions<SocketClasses[T]>): SocketClasses[T];
}

export function harness(t: ExecutionContext): Harness {
  const ctx = new Context();
  const made: AnySocket[] = [];
  t.teardown(async () => {
    for (const sock of made) sock.close();
    await withDeadline(ctx.term(), DEADLINE_MS, "ctx.term() did not resolve after every socket was closed");
  });
  return {
    ctx,
    socket<T extends SocketType>(type: T, options?: SocketOptions<SocketClasses[T]>): SocketClasses[T] {
      const sock = ctx.socket(type, { ...TEST_DEFAULTS, ...options } as SocketOptions<SocketClasses[T]>);
      made.push(sock);
      return sock;
    },
    raw<T extends SocketType>(type: T, options?: SocketOptions<SocketClasses[T]>): SocketClasses[T] {
      const sock = ctx.socket(type, options);
      made.push(sock);
      return sock;
    },
  };
}

/** Rejects with `what` if `promise` has not settled within `ms`. */
export async function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} (waited ${ms} ms)`)), ms);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Frames as UTF-8 strings. */
export function strs(msg: readonly Buffer[]): string[] {
  return msg.map((frame) => frame.toString("utf8"));
}

/** Receives one message and returns its frames as strings. */
export async function recv(sock: { receive(): Promise<Buffer[]> }): Promise<string[]> {
  return strs(await sock.receive());
}

/** tryReceive as strings (undefined when nothing is queued). */
export function tryRecv(sock: { tryReceive(): Buffer[] | undefined }): string[] | undefined {
  const msg = sock.tryReceive();
  return msg === undefined ? undefined : strs(msg);
}

function expectation(code: ZmqErrorCode, message?: RegExp) {
  return message === undefined ? { instanceOf: ZmqError, code } : { instanceOf: ZmqError, code, message };
}

/**
 * Asserts that `fn` throws a ZmqError with `code` *synchronously* (bad arguments,
 * ENOTSUP). If `fn` returns a promise instead, the assertion fails (and the promise's
 * rejection is handled so it cannot crash the run).
 */
export function throwsZmq(t: ExecutionContext, fn: () => unknown, code: ZmqErrorCode, message?: RegExp): ZmqError | undefined {
  return t.throws(
    () => {
      const result = fn();
      if (result instanceof Promise) result.catch(() => {});
      return result;
    },
    expectation(code, message),
  ) as ZmqError | undefined;
}

/** Asserts that the promise (or the promise `fn` returns) rejects with a ZmqError with `code`. */
export async function rejectsZmq(
  t: ExecutionContext,
  promise: Promise<unknown> | (() => Promise<unknown>),
  code: ZmqErrorCode,
  message?: RegExp,
): Promise<ZmqError | undefined> {
  const expected = expectation(code, message);
  const error = typeof promise === "function" ? await t.throwsAsync(promise, expected) : await t.throwsAsync(promise, expected);
  return error as ZmqError | undefined;
}

/**
 * Asserts that calling `fn` fails with a ZmqError with `code`, either by throwing or
 * by returning a promise that rejects. For errors where the API fixes no timing
 * (EFSM, ENOTSOCK, EHOSTUNREACH from send, EADDRINUSE).
 */
export async function failsZmq(t: ExecutionContext, fn: () => unknown, code: ZmqErrorCode, message?: RegExp): Promise<void> {
  let outcome: unknown;
  try {
    outcome = fn();
  } catch (error) {
    checkError(t, error, code, message);
    return;
  }
  if (!(outcome instanceof Promise)) {
    t.fail(`expected ZmqError ${code}, but the call returned ${String(outcome)}`);
    return;
  }
  try {
    await outcome;
  } catch (error) {
    checkError(t, error, code, message);
    return;
  }
  t.fail(`expected ZmqError ${code}, but the returned promise resolved`);
}

function checkError(t: ExecutionContext, error: unknown, code: ZmqErrorCode, message?: RegExp): void {
  if (!(error instanceof ZmqError)) {
    t.fail(`expected ZmqError ${code}, got ${String(error)}`);
    return;
  }
  t.is(error.code, code, `error message: ${error.message}`);
  if (message) t.regex(error.message, message);
}

/** Milliseconds `promise` took to settle, and how it settled. */
export async function timed<T>(promise: Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> {
  const start = performance.now();
  try {
    const value = await promise;
    return { ms: performance.now() - start, value };
  } catch (error) {
    return { ms: performance.now() - start, error };
  }
}

/**
 * Asserts that a call that timed out waited about `expected` ms: not noticeably less, and
 * not without end (the upper bound is loose: other tests share the CPU and event loop).
 */
export function assertWaited(t: ExecutionContext, ms: number, expected: number): void {
  t.true(ms >= expected * 0.8 && ms < expected + 3000, `waited ${ms.toFixed(0)} ms, expected about ${expected} ms`);
}

/** A promise with its resolve function outside, for signalling between async parts of a test. */
export function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Tracks whether a promise has settled yet, without consuming its outcome. */
export function track<T>(promise: Promise<T>): { readonly settled: boolean; readonly promise: Promise<T> } {
  const state = { settled: false, promise };
  promise.then(
    () => (state.settled = true),
    () => (state.settled = true),
  );
  return state;
}
