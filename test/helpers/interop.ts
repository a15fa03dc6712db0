/**
 * Interop helpers: threadmq on one side, zeromq.js (real libzmq 4.3.5) or raw bytes on the
 * other. Everything made here is torn down when the test ends (linger 0, sockets closed,
 * child processes killed). Network: 127.0.0.1 and unix sockets only.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ExecutionContext } from "ava";
import { Context, type MonitorEvent, type MonitorEventType, type Socket } from "threadmq";
import * as zmq from "zeromq";

/** Rejects after `ms` so a broken test fails with a name instead of ava's global timeout. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]);
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** A threadmq context whose sockets are closed (linger 0) and which is terminated at teardown. */
export function interopContext(t: ExecutionContext): Context {
  const ctx = new Context();
  t.teardown(async () => {
    for (const socket of [...ctx.sockets]) {
      socket.linger = 0;
      socket.close();
    }
    await within(ctx.term(), 10_000, "ctx.term() at teardown");
  });
  return ctx;
}

/** Registers a zeromq.js socket for closing (linger 0) at teardown; returns it. */
export function peer<S extends zmq.Socket>(t: ExecutionContext, socket: S): S {
  socket.linger = 0;
  t.teardown(() => {
    if (!socket.closed) socket.close();
  });
  return socket;
}

let ipcCounter = 0;
/** A fresh ipc:// endpoint in the temp directory, removed at teardown. */
export function ipcEndpoint(t: ExecutionContext, label: string): string {
  const path = join(tmpdir(), `tmq-${label}-${process.pid}-${ipcCounter++}.ipc`);
  t.teardown(() => rmSync(path, { force: true }));
  return `ipc://${path}`;
}

/** A loopback endpoint for a threadmq or zeromq.js bind that picks its own port. */
export const ANY_TCP = "tcp://127.0.0.1:*";

/** Binds a zeromq.js socket and returns the endpoint actually bound (port resolved). */
export async function zbind(socket: zmq.Socket, endpoint: string): Promise<string> {
  await socket.bind(endpoint);
  return socket.lastEndpoint!;
}

/** Binds a threadmq socket and returns the endpoint actually bound (port resolved). */
export async function tbind(socket: Socket, endpoint: string): Promise<string> {
  await socket.bind(endpoint);
  return socket.lastEndpoint!;
}

/**
 * Records a threadmq socket's monitor events from now on and lets a test wait for one.
 * Reading starts immediately so no event is missed; the loop ends when the socket closes.
 */
export class EventLog {
  readonly events: MonitorEvent[] = [];
  readonly #waiters: { match: (e: MonitorEvent) => boolean; resolve: (e: MonitorEvent) => void }[] = [];

  constructor(socket: Socket) {
    const monitor = socket.events;
    void (async () => {
      for await (const event of monitor) {
        this.events.push(event);
        for (let i = 0; i < this.#waiters.length; i++) {
          const w = this.#waiters[i]!;
          if (w.match(event)) {
            this.#waiters.splice(i--, 1);
            w.resolve(event);
          }
        }
      }
    })();
  }

  /** Resolves with the first event of `type` (matching `pred`) seen after `from` (default: any recorded). */
  wait(type: MonitorEventType, ms = 10_000, pred: (e: MonitorEvent) => boolean = () => true, from = 0): Promise<MonitorEvent> {
    const match = (e: MonitorEvent) => e.type === type && pred(e);
    const seen = this.events.slice(from).find(match);
    if (seen) return Promise.resolve(seen);
    return within(
      new Promise<MonitorEvent>((resolve) => this.#waiters.push({ match, resolve })),
      ms,
      `monitor event ${type} (seen: ${this.events.map((e) => e.type).join(", ") || "none"})`,
    );
  }

  count(type: MonitorEventType): number {
    return this.events.filter((e) => e.type === type).length;
  }
}

/** Waits for a zeromq.js socket's monitor event of `type` (its Observer `on` API). */
export function zEvent(socket: zmq.Socket, type: string, ms = 10_000): Promise<unknown> {
  return within(
    new Promise((resolve) => {
      (socket.events as unknown as { on(t: string, f: (e: unknown) => void): void }).on(type, resolve);
    }),
    ms,
    `zeromq.js event ${type}`,
  );
}

/** Receives one message with a deadline. */
export function recv(socket: { receive(): Promise<Buffer[]> }, ms = 10_000, what = "a message"): Promise<Buffer[]> {
  return within(socket.receive(), ms, what);
}

export function strings(frames: Buffer[]): string[] {
  return frames.map((f) => f.toString());
}

// ---- raw ZMTP bytes (for scripted and hostile peers) ------------------------------------------

/** Our 64-byte ZMTP 3.1 NULL greeting. */
export function greetingBytes(minor = 1): Buffer {
  const g = Buffer.alloc(64);
  g[0] = 0xff;
  g[9] = 0x7f;
  g[10] = 3;
  g[11] = minor;
  g.write("NULL", 12, "ascii");
  return g;
}

/** A short or long ZMTP frame. */
export function frame(body: Buffer, flags = 0): Buffer {
  if (body.length <= 255 && (flags & 0x02) === 0) return Buffer.concat([Buffer.from([flags, body.length]), body]);
  const head = Buffer.alloc(9);
  head[0] = flags | 0x02;
  head.writeBigUInt64BE(BigInt(body.length), 1);
  return Buffer.concat([head, body]);
}

/** A READY command frame with the given properties. */
export function readyBytes(socketType: string, identity?: Buffer): Buffer {
  const props: Buffer[] = [Buffer.from([5]), Buffer.from("READY")];
  const prop = (name: string, value: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(value.length);
    props.push(Buffer.from([name.length]), Buffer.from(name), len, value);
  };
  prop("Socket-Type", Buffer.from(socketType));
  if (identity) prop("Identity", identity);
  return frame(Buffer.concat(props), 0x04);
}

/** A raw client connection to `endpoint` (tcp:// or ipc://), destroyed at teardown. */
export async function rawConnect(t: ExecutionContext, endpoint: string): Promise<RawPeer> {
  const target = endpoint.startsWith("ipc://")
    ? { path: endpoint.slice("ipc://".length) }
    : { host: "127.0.0.1", port: Number(endpoint.slice(endpoint.lastIndexOf(":") + 1)) };
  const socket = net.connect(target);
  await within(new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject)), 5_000, `raw connect ${endpoint}`);
  const raw = new RawPeer(socket);
  t.teardown(() => raw.destroy());
  return raw;
}

/** A raw loopback server; each accepted connection becomes a RawPeer. Closed at teardown. */
export async function rawServer(t: ExecutionContext): Promise<{ endpoint: string; accepted(): Promise<RawPeer> }> {
  const queue: RawPeer[] = [];
  const waiting: ((p: RawPeer) => void)[] = [];
  const all: RawPeer[] = [];
  const server = net.createServer((s) => {
    const p = new RawPeer(s);
    all.push(p);
    const w = waiting.shift();
    if (w) w(p);
    else queue.push(p);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => {
    for (const p of all) p.destroy();
    server.close();
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    endpoint: `tcp://127.0.0.1:${port}`,
    accepted: () => within(queue.length > 0 ? Promise.resolve(queue.shift()!) : new Promise<RawPeer>((r) => waiting.push(r)), 10_000, "a raw connection"),
  };
}

/** A byte-level peer: collects what arrives, lets a test wait for N bytes or the close. */
export class RawPeer {
  readonly socket: net.Socket;
  received = Buffer.alloc(0);
  readonly closed: Promise<void>;
  #waiters: { n: number; resolve: () => void }[] = [];

  constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("error", () => {}); // a reset from the other side is an expected outcome here
    socket.on("data", (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.#waiters = this.#waiters.filter((w) => (this.received.length >= w.n ? (w.resolve(), false) : true));
    });
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** Resolves once at least `n` bytes in total have arrived. */
  waitBytes(n: number, ms = 5_000): Promise<Buffer> {
    if (this.received.length >= n) return Promise.resolve(this.received);
    return within(new Promise<void>((resolve) => this.#waiters.push({ n, resolve })), ms, `${n} raw bytes (have ${this.received.length})`).then(() => this.received);
  }

  /** Completes a NULL handshake as `socketType`: sends greeting + READY, waits for theirs. */
  async handshake(socketType: string, identity?: Buffer): Promise<void> {
    this.write(greetingBytes());
    this.write(readyBytes(socketType, identity));
    await this.waitBytes(64 + 2);
    const size = this.received[65]!; // their READY is short-form in practice
    await this.waitBytes(64 + 2 + size);
  }

  waitClosed(ms = 5_000): Promise<void> {
    return within(this.closed, ms, "the raw connection to close");
  }

  destroy(): void {
    this.socket.destroy();
  }
}

// ---- child processes -----------------------------------------------------------------------

/** A child process killed at teardown if still running; stdout/stderr collected. */
export interface Child {
  proc: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or the signal name). */
  exited: Promise<number | string>;
  /** Resolves once stdout contains `text`. */
  waitOutput(text: string | RegExp, ms?: number): Promise<string>;
}

export function child(t: ExecutionContext, command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Child {
  const proc = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...options.env }, cwd: options.cwd });
  let out = "";
  let err = "";
  const watchers: { test: (s: string) => boolean; resolve: (s: string) => void }[] = [];
  proc.stdout!.on("data", (d: Buffer) => {
    out += d.toString();
    for (let i = 0; i < watchers.length; i++) {
      if (watchers[i]!.test(out)) {
        watchers[i]!.resolve(out);
        watchers.splice(i--, 1);
      }
    }
  });
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  let done = false;
  const exited = new Promise<number | string>((resolve) =>
    proc.once("exit", (code, signal) => {
      done = true;
      resolve(code ?? signal ?? -1);
    }),
  );
  t.teardown(async () => {
    if (!done) {
      proc.kill("SIGKILL");
      await exited;
    }
  });
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitOutput(text, ms = 15_000) {
      const test = (s: string) => (typeof text === "string" ? s.includes(text) : text.test(s));
      if (test(out)) return Promise.resolve(out);
      return within(
        new Promise<string>((resolve, reject) => {
          watchers.push({ test, resolve });
          void exited.then((code) => reject(new Error(`child exited (${code}) before printing ${text}; stdout: ${out}; stderr: ${err}`)));
        }),
        ms,
        `child output ${text} (stdout so far: ${JSON.stringify(out.slice(-300))}, stderr: ${JSON.stringify(err.slice(-300))})`,
      );
    },
  };
}

/**
 * A Python interpreter that can `import zmq`, decided synchronously (at module load): `$PYTHON_ZMQ`,
 * ("off" = none), then `python3` on PATH, then Debian's `/usr/bin/python3` (where `apt-get install python3-zmq`
 * puts pyzmq, even when a pyenv/venv python3 comes first on PATH).
 */
export function findPythonZmq(): { python: string | undefined; detail: string } {
  if (process.env["PYTHON_ZMQ"] === "off") return { python: undefined, detail: "PYTHON_ZMQ=off" };
  const candidates = [process.env["PYTHON_ZMQ"], "python3", "/usr/bin/python3"].filter((c): c is string => !!c);
  const failures: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ["-c", "import zmq; print('pyzmq', zmq.pyzmq_version(), 'libzmq', zmq.zmq_version())"], { encoding: "utf8", timeout: 20_000 });
    if (r.status === 0) return { python, detail: r.stdout.trim() };
    failures.push(`${python}: ${(r.error?.message ?? r.stderr ?? "").trim().split("\n").pop()}`);
  }
  return { python: undefined, detail: failures.join("; ") };
}

/** A free loopback tcp port (bound and released; good enough for a program that needs a fixed port). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function uniqueName(label: string): string {
  return `${label}-${randomUUID().slice(0, 8)}`;
}
