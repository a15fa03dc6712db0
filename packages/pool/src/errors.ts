/**
 * Errors of the pool, and how a value thrown in a worker crosses to the caller.
 *
 * Structured clone keeps an error's message and stack but drops its class, `code` and
 * `cause`; callers of a pool match on exactly those. So a thrown Error travels as a
 * plain description and is rebuilt on the other side as an instance of a class with the
 * same name (the built-in one for TypeError & co., a synthetic subclass of Error
 * otherwise), with `message`, `stack`, `code`, `cause` (recursively) and any other own
 * properties that can be cloned.
 */
import { deserialize, serialize } from "node:v8";

export type PoolErrorCode =
  /** run() after close()/destroy(). */
  | "ERR_POOL_CLOSED"
  /** destroy() rejected a task that was queued or running. */
  | "ERR_POOL_DESTROYED"
  /** maxQueue reached (with onQueueFull: "reject"). */
  | "ERR_POOL_QUEUE_FULL"
  /** The worker running the task exited, crashed or went away. */
  | "ERR_WORKER_EXITED"
  /** A worker could not start (its module threw, or it exited before it was ready). */
  | "ERR_WORKER_INIT"
  /** The task or its result cannot be cloned. */
  | "ERR_POOL_CLONE"
  /** A bad option or argument. */
  | "ERR_POOL_INVALID";

const poolBrand = Symbol.for("threadmq.pool.PoolError");

/** An error the pool itself raises; `code` tells which. */
export class PoolError extends Error {
  readonly code: PoolErrorCode;

  constructor(code: PoolErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = "PoolError";
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[poolBrand] === true;
  }
}
Object.defineProperty(PoolError.prototype, poolBrand, { value: true });

/**
 * Rejection of a task cancelled by its AbortSignal (as piscina's and Node's: name
 * "AbortError", code "ABORT_ERR", the signal's reason in `cause`).
 */
export class AbortError extends Error {
  readonly code = "ABORT_ERR";

  constructor(reason?: unknown) {
    super("The task was aborted", reason === undefined ? undefined : { cause: reason });
    this.name = "AbortError";
  }
}

// ---- thrown values across the wire ---------------------------------------------

interface WireThrown {
  /** An error described field by field. */
  e?: WireErrorShape;
  /** Any other thrown value, cloned as is. */
  v?: unknown;
}

interface WireErrorShape {
  className: string;
  name: string;
  message: string;
  stack: string | undefined;
  /** Own properties other than message/stack/cause/errors, each one cloneable. */
  props: Record<string, unknown>;
  hasCause: boolean;
  cause?: WireThrown;
  errors?: WireThrown[];
}

const MAX_DEPTH = 8;

function cloneable(value: unknown): boolean {
  try {
    serialize(value);
    return true;
  } catch {
    return false;
  }
}

function toWire(value: unknown, depth: number): WireThrown {
  if (!(value instanceof Error) || depth > MAX_DEPTH) {
    return cloneable(value) ? { v: value } : { v: String(value) };
  }
  const shape: WireErrorShape = {
    className: value.constructor?.name || "Error",
    name: String(value.name),
    message: String(value.message),
    stack: typeof value.stack === "string" ? value.stack : undefined,
    props: {},
    hasCause: Object.prototype.hasOwnProperty.call(value, "cause"),
  };
  if (shape.hasCause) shape.cause = toWire((value as { cause?: unknown }).cause, depth + 1);
  if (Array.isArray((value as { errors?: unknown }).errors)) {
    shape.errors = ((value as unknown as { errors: unknown[] }).errors).map((e) => toWire(e, depth + 1));
  }
  for (const key of Object.keys(value)) {
    if (key === "message" || key === "stack" || key === "cause" || key === "errors") continue;
    const prop = (value as unknown as Record<string, unknown>)[key];
    if (cloneable(prop)) shape.props[key] = prop;
  }
  return { e: shape };
}

const builtins: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

const synthetic = new Map<string, ErrorConstructor>();

/** A subclass of Error whose `constructor.name` is `name`, one per name. */
function classNamed(name: string): ErrorConstructor {
  const builtin = builtins[name];
  if (builtin) return builtin;
  if (name === "AbortError") return AbortError as unknown as ErrorConstructor;
  if (name === "PoolError") return PoolError as unknown as ErrorConstructor;
  let made = synthetic.get(name);
  if (!made) {
    const holder = { [name]: class extends Error {} };
    made = holder[name] as unknown as ErrorConstructor;
    synthetic.set(name, made);
  }
  return made;
}

function fromWire(wire: WireThrown, depth: number): unknown {
  const shape = wire.e;
  if (!shape) return wire.v;
  let error: Error;
  if (shape.className === "AggregateError") {
    error = new AggregateError((shape.errors ?? []).map((e) => fromWire(e, depth + 1)), shape.message);
  } else {
    const Ctor = classNamed(shape.className);
    // A real native error (Error's own constructor) with the class's prototype: no
    // constructor of that class runs, yet instanceof and util.inspect behave.
    error = Reflect.construct(Error, [shape.message], Ctor) as Error;
    if (shape.errors) {
      Object.defineProperty(error, "errors", { value: shape.errors.map((e) => fromWire(e, depth + 1)), writable: true, configurable: true });
    }
  }
  Object.defineProperty(error, "stack", { value: shape.stack ?? `${shape.name}: ${shape.message}`, writable: true, configurable: true, enumerable: false });
  if (shape.hasCause && shape.cause) {
    Object.defineProperty(error, "cause", { value: fromWire(shape.cause, depth + 1), writable: true, configurable: true, enumerable: false });
  }
  for (const [key, prop] of Object.entries(shape.props)) {
    Object.defineProperty(error, key, { value: prop, writable: true, configurable: true, enumerable: true });
  }
  if (error.name !== shape.name) {
    Object.defineProperty(error, "name", { value: shape.name, writable: true, configurable: true, enumerable: false });
  }
  return error;
}

/** A cloneable description of a thrown value (Error or anything else). */
export function thrownToWire(value: unknown): unknown {
  return toWire(value, 0);
}

/** Rebuilds a thrown value from {@link thrownToWire}'s description. */
export function thrownFromWire(wire: unknown): unknown {
  if (typeof wire !== "object" || wire === null) return wire;
  return fromWire(wire as WireThrown, 0);
}

/** Serializes a thrown value for the wire. */
export function encodeThrown(value: unknown): Buffer {
  return serialize(toWire(value, 0));
}

/** Rebuilds a thrown value serialized by {@link encodeThrown}. */
export function decodeThrown(bytes: Uint8Array): unknown {
  return fromWire(deserialize(bytes) as WireThrown, 0);
}
