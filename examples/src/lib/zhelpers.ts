/**
 * The guide's zhelpers (s_dump, s_set_id, ...) in TypeScript, shared by the examples.
 */
import { ZmqError, type Message } from "threadmq";

/** Where an example writes its lines; tests pass their own to read them. */
export type Log = (line: string) => void;

/** s_dump: one line per frame, `[size] text` or `[size] hex` for binary frames. */
export function dump(msg: Message, log: Log = console.log): void {
  log("----------------------------------------");
  for (const frame of msg) {
    const size = String(frame.length).padStart(3, "0");
    log(`[${size}] ${isText(frame) ? frame.toString() : frame.toString("hex").toUpperCase()}`);
  }
}

/** True if every byte is printable ASCII. */
export function isText(frame: Buffer): boolean {
  for (const byte of frame) if (byte < 32 || byte > 126) return false;
  return true;
}

/** s_set_id: a printable random identity such as "0A3F-19C2". */
export function randomIdentity(): string {
  const part = () => Math.floor(Math.random() * 0x10000).toString(16).toUpperCase().padStart(4, "0");
  return `${part()}-${part()}`;
}

/** A random integer in [min, max), the guide's randof(). */
export function randomInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min));
}

/**
 * True for the errors that mean "stop now, nothing is wrong": the context was terminated
 * (ETERM) or our socket was closed under a waiting call (ENOTSOCK). The guide treats ETERM
 * as the normal way to end a thread's loop.
 */
export function isShutdown(error: unknown): boolean {
  return error instanceof ZmqError && (error.code === "ETERM" || error.code === "ENOTSOCK");
}

/** Runs `loop`, turning a shutdown error into a normal return. */
export async function untilShutdown<T>(loop: () => Promise<T>): Promise<T | undefined> {
  try {
    return await loop();
  } catch (error) {
    if (isShutdown(error)) return undefined;
    throw error;
  }
}
