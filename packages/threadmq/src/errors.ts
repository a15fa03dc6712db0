/**
 * The one error class threadmq throws or rejects with. `code` is libzmq's errno
 * name, so code that handles zeromq.js errors by `err.code` works unchanged.
 */
export type ZmqErrorCode =
  | "EAGAIN"
  | "EFSM"
  | "ETERM"
  | "EHOSTUNREACH"
  | "ENOTSUP"
  | "EINVAL"
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "ECONNREFUSED"
  | "EMSGSIZE"
  | "EPROTONOSUPPORT"
  | "ENOENT"
  | "EPROTO"
  | "ENOTSOCK";

const brand = Symbol.for("threadmq.ZmqError");

/**
 * An error with a libzmq error code.
 *
 * @example
 * ```ts
 * try { await req.receive(); } catch (err) {
 *   if (err instanceof ZmqError && err.code === "EAGAIN") console.log("timed out");
 * }
 * ```
 */
export class ZmqError extends Error {
  /** libzmq's errno name, e.g. `"EFSM"`. */
  readonly code: ZmqErrorCode;

  constructor(code: ZmqErrorCode, message: string) {
    // The code is part of the message so that a bare `console.log(err)` tells the whole story.
    super(message.endsWith(`(${code})`) ? message : `${message} (${code})`);
    this.code = code;
    this.name = "ZmqError";
  }

  /** True for any ZmqError, even one from a second copy of this module. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
  }

  /** A plain object that survives `postMessage`, which drops class and `code`. */
  toWire(): WireError {
    return { code: this.code, message: this.message };
  }

  /** Rebuilds an error that crossed a thread boundary with {@link toWire}. */
  static fromWire(wire: WireError): ZmqError {
    return new ZmqError(wire.code, wire.message);
  }
}
Object.defineProperty(ZmqError.prototype, brand, { value: true });

/** The postMessage-safe form of a {@link ZmqError}. */
export interface WireError {
  code: ZmqErrorCode;
  message: string;
}
