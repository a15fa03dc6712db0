/**
 * What the `threadmq` command does with its socket: stdin lines out, received messages
 * printed, in the order each socket type allows (lock-step for REQ and REP).
 */
import { createInterface } from "node:readline";
import type { Readable as ReadableStream, Writable as WritableStream } from "node:stream";
import { Context } from "../context.js";
import { ZmqError } from "../errors.js";
import type { SocketBase, Readable, Writable } from "../socket/socket-base.js";
import type { SocketType } from "../socket/socket-type.js";
import { formatMessage, parseLine } from "./frames.js";
import { UsageError, type CliOptions } from "./options.js";

export interface Io {
  stdin: ReadableStream;
  stdout: WritableStream;
  stderr: WritableStream;
}

type CliSocket = SocketBase & Partial<Readable & Writable> & { subscribe?(...prefixes: string[]): void };

const sendOnly: readonly SocketType[] = ["PUB", "PUSH"];
const receiveOnly: readonly SocketType[] = ["SUB", "PULL"];

/**
 * Makes the socket, subscribes, binds and connects. An endpoint or option the library
 * refuses (EINVAL, EPROTONOSUPPORT) is a bad argument: UsageError.
 */
async function openSocket(ctx: Context, options: CliOptions): Promise<CliSocket> {
  let socket: CliSocket | undefined;
  try {
    socket = ctx.socket(options.type, {
      ...(options.identity !== undefined ? { routingId: options.identity } : {}),
      ...(options.receiveTimeout !== undefined ? { receiveTimeout: options.receiveTimeout } : {}),
    }) as CliSocket;
    if (options.type === "SUB" || options.type === "XSUB") socket.subscribe!(...options.subscribe);
    for (const endpoint of options.binds) await socket.bind(endpoint);
    for (const endpoint of options.connects) socket.connect(endpoint);
    return socket;
  } catch (error) {
    socket?.close();
    await ctx.term();
    if (error instanceof ZmqError && (error.code === "EINVAL" || error.code === "EPROTONOSUPPORT")) throw new UsageError(error.message);
    throw error;
  }
}

/** Runs the command; resolves with the exit status. Throws UsageError for arguments the library refused. */
export async function runCli(options: CliOptions, io: Io): Promise<number> {
  const ctx = new Context();
  let socket: CliSocket;
  try {
    socket = await openSocket(ctx, options);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    io.stderr.write(`threadmq: ${(error as Error).message}\n`);
    return 1;
  }
  const print = (frames: Buffer[]) => io.stdout.write(`${formatMessage(frames, options)}\n`);
  const lines = stdinLines(io.stdin, options);
  const interrupted = () => {
    // Ctrl-C: drop whatever is still queued and end now.
    socket.linger = 0;
    ctx.shutdown();
  };
  process.once("SIGINT", interrupted);
  let status = 0;
  try {
    status = await converse(socket, options, lines, print);
  } catch (error) {
    if (!(error instanceof ZmqError && error.code === "ETERM")) {
      io.stderr.write(`threadmq: ${(error as Error).message}\n`);
      status = 1;
    }
  } finally {
    process.off("SIGINT", interrupted);
    lines.close();
    socket.close();
    // term waits for linger (and keeps the process up meanwhile), so what we sent is delivered.
    await ctx.term();
  }
  return status;
}

type Lines = AsyncIterator<Buffer[]> & { close(): void };

/** Stdin as messages, read on demand (REQ and REP take one line per round trip). */
function stdinLines(stdin: ReadableStream, options: CliOptions): Lines {
  let reader: ReturnType<typeof createInterface> | undefined;
  let iterator: AsyncIterator<string> | undefined;
  return {
    async next() {
      // Opened only when needed: a receive-only run must not hold stdin open.
      reader ??= createInterface({ input: stdin, crlfDelay: Infinity });
      iterator ??= reader[Symbol.asyncIterator]();
      const result = await iterator.next();
      return result.done ? { done: true, value: undefined } : { done: false, value: parseLine(result.value, options) };
    },
    close() {
      reader?.close();
    },
  };
}

async function converse(socket: CliSocket, options: CliOptions, lines: Lines, print: (frames: Buffer[]) => void): Promise<number> {
  const limit = options.count ?? Infinity;
  if (socket.type === "REQ") {
    for (let n = 0; n < limit; n++) {
      const line = await lines.next();
      if (line.done) return 0;
      await socket.send!(line.value);
      const reply = await receiveOrTimeout(socket);
      if (!reply) return 1;
      print(reply);
    }
    return 0;
  }
  if (socket.type === "REP") {
    let stdinEnded = false;
    for (let n = 0; n < limit; n++) {
      const request = await receiveOrTimeout(socket);
      if (!request) return options.count === undefined ? 0 : 1;
      print(request);
      const line = stdinEnded ? undefined : await lines.next();
      if (line?.done) stdinEnded = true;
      await socket.send!(line && !line.done ? line.value : request);
    }
    return 0;
  }
  if (sendOnly.includes(socket.type)) return sendLines(socket, lines, limit);
  if (receiveOnly.includes(socket.type)) return receiveMessages(socket, options, print);
  // PAIR, DEALER, ROUTER, XPUB, XSUB: both at once; receiving decides when we are done.
  void sendLines(socket, lines, Infinity).catch(() => {});
  return receiveMessages(socket, options, print);
}

async function sendLines(socket: CliSocket, lines: Lines, limit: number): Promise<number> {
  for (let n = 0; n < limit; n++) {
    const line = await lines.next();
    if (line.done) break;
    await socket.send!(line.value);
  }
  return 0;
}

async function receiveMessages(socket: CliSocket, options: CliOptions, print: (frames: Buffer[]) => void): Promise<number> {
  const limit = options.count ?? Infinity;
  for (let n = 0; n < limit; n++) {
    const msg = await receiveOrTimeout(socket);
    if (!msg) return options.count === undefined ? 0 : 1;
    print(msg);
  }
  return 0;
}

/** The next message, or undefined when --receive-timeout passed without one. */
async function receiveOrTimeout(socket: CliSocket): Promise<Buffer[] | undefined> {
  try {
    return await socket.receive!();
  } catch (error) {
    if (error instanceof ZmqError && error.code === "EAGAIN") return undefined;
    throw error;
  }
}
