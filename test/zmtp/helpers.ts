/**
 * Engine test helpers: a recording EngineHost, loopback listeners/connectors that clean up
 * after themselves, and a raw byte-level peer for scripted (including hostile) conversations.
 * Network is 127.0.0.1 only.
 */
import net from "node:net";
import type { ExecutionContext } from "ava";
import type { Command } from "../../packages/threadmq/src/zmtp/commands.js";
import type { EngineCloseReason, EngineHost, EngineOptions, PeerInfo, ZmtpEngine } from "../../packages/threadmq/src/zmtp/engine.js";
import { commands, encoder, engine, greeting } from "./internals.js";

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  settled: boolean;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  const d: Deferred<T> = {
    promise,
    settled: false,
    resolve(v) {
      d.settled = true;
      resolve(v);
    },
  };
  return d;
}

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

/**
 * Frame-list equality by bytes. ava's deepEqual renders Buffers through concordance, which takes
 * long enough on 1 MiB frames to stall the event loop (and so every heartbeat in the process).
 */
export function sameFrames(a: readonly Buffer[] | undefined, b: readonly Buffer[]): boolean {
  return a !== undefined && a.length === b.length && a.every((f, i) => f.equals(b[i]!));
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** An EngineHost that records everything and lets tests await counts. */
export class Recorder implements EngineHost {
  readonly messages: Buffer[][] = [];
  readonly commands: Command[] = [];
  readonly handshake = deferred<PeerInfo>();
  readonly closed = deferred<EngineCloseReason>();
  drainedCount = 0;
  handshakeCalls = 0;
  closeCalls = 0;
  /** Optional override of message's return value (false = pause input). */
  onMessage: ((frames: Buffer[]) => boolean | void) | undefined;
  onDrained: (() => void) | undefined;
  onHandshake: ((peer: PeerInfo) => void) | undefined;
  readonly #waiters: { count: number; resolve: () => void }[] = [];

  handshakeDone(peer: PeerInfo): void {
    this.handshakeCalls++;
    this.handshake.resolve(peer);
    this.onHandshake?.(peer);
  }

  message(frames: Buffer[]): boolean | void {
    this.messages.push(frames);
    for (let i = this.#waiters.length - 1; i >= 0; i--) {
      const w = this.#waiters[i]!;
      if (this.messages.length >= w.count) {
        this.#waiters.splice(i, 1);
        w.resolve();
      }
    }
    return this.onMessage?.(frames);
  }

  drained(): void {
    this.drainedCount++;
    this.onDrained?.();
  }

  engineClosed(reason: EngineCloseReason): void {
    this.closeCalls++;
    this.closed.resolve(reason);
  }

  commandReceived(command: Command): void {
    this.commands.push(command);
  }

  /** Resolves once at least `count` messages arrived in total. */
  async waitMessages(count: number, ms = 15_000): Promise<Buffer[][]> {
    if (this.messages.length < count) {
      const d = deferred<void>();
      this.#waiters.push({ count, resolve: () => d.resolve() });
      await within(d.promise, ms, `${count} messages (have ${this.messages.length})`);
    }
    return this.messages;
  }

  waitClosed(ms = 15_000): Promise<EngineCloseReason> {
    return within(this.closed.promise, ms, "engineClosed");
  }

  waitHandshake(ms = 15_000): Promise<PeerInfo> {
    return within(this.handshake.promise, ms, "handshakeDone");
  }
}

/** A loopback server that records accepted sockets and destroys them on teardown. */
export async function listen(t: ExecutionContext): Promise<{ server: net.Server; port: number; accepted: () => Promise<net.Socket> }> {
  const sockets: net.Socket[] = [];
  const queue: net.Socket[] = [];
  const waiting: ((s: net.Socket) => void)[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on("error", () => {}); // tests inspect engine reasons; a raw reset must not crash the worker
    const w = waiting.shift();
    if (w) w(s);
    else queue.push(s);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    server,
    port,
    accepted: () => within(new Promise<net.Socket>((resolve) => {
      const s = queue.shift();
      if (s) resolve(s);
      else waiting.push(resolve);
    }), 10_000, "an accepted connection"),
  };
}

/** A connected loopback socket, destroyed on teardown. */
export async function dial(t: ExecutionContext, port: number): Promise<net.Socket> {
  const s = net.connect(port, "127.0.0.1");
  s.on("error", () => {});
  t.teardown(() => s.destroy());
  await within(new Promise<void>((resolve) => s.once("connect", () => resolve())), 10_000, "connect");
  return s;
}

/** Starts an engine over `socket` with a fresh Recorder; closes it on teardown. */
export function startEngine(t: ExecutionContext, socket: net.Socket, options: EngineOptions, host = new Recorder()): { engine: ZmtpEngine; host: Recorder } {
  const e = new engine.ZmtpEngine(socket, options, host);
  t.teardown(() => e.close());
  return { engine: e, host };
}

/** Two engines connected over loopback tcp. */
export async function enginePair(
  t: ExecutionContext,
  clientOptions: Partial<EngineOptions> & { socketType: string },
  serverOptions: Partial<EngineOptions> & { socketType: string },
): Promise<{ client: { engine: ZmtpEngine; host: Recorder }; server: { engine: ZmtpEngine; host: Recorder } }> {
  const { port, accepted } = await listen(t);
  const clientSocket = await dial(t, port);
  const serverSocket = await accepted();
  const client = startEngine(t, clientSocket, { asServer: false, ...clientOptions });
  const server = startEngine(t, serverSocket, { asServer: true, ...serverOptions });
  return { client, server };
}

/** A byte-level peer: collects what the engine sends and writes scripted bytes. */
export class RawPeer {
  #buf = Buffer.alloc(0);
  #waiter: (() => void) | undefined;
  readonly ended = deferred<void>();

  constructor(readonly socket: net.Socket) {
    socket.on("data", (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#waiter?.();
    });
    socket.on("close", () => {
      this.ended.resolve();
      this.#waiter?.();
    });
  }

  /** Everything received and not yet read. */
  get pending(): Buffer {
    return this.#buf;
  }

  /** Reads exactly n bytes (waits for them). */
  async read(n: number, ms = 10_000): Promise<Buffer> {
    const deadline = Date.now() + ms;
    while (this.#buf.length < n) {
      if (this.ended.settled) throw new Error(`connection closed with ${this.#buf.length} of ${n} bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out reading ${n} bytes (have ${this.#buf.length})`);
      await within(new Promise<void>((r) => (this.#waiter = r)), left, `${n} bytes`).catch(() => {});
    }
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** Reads one frame (flags, body). */
  async readFrame(): Promise<{ flags: number; body: Buffer }> {
    const [flags] = await this.read(1);
    const long = (flags! & 0x02) !== 0;
    const sizeBytes = await this.read(long ? 8 : 1);
    const size = long ? Number(sizeBytes.readBigUInt64BE(0)) : sizeBytes[0]!;
    return { flags: flags!, body: Buffer.from(await this.read(size)) };
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** Sends a 3.x NULL greeting (minor selectable) and a READY for `socketType`. */
  handshake(socketType: string, minor = 1, identity?: Buffer): void {
    this.write(greeting.encodeGreeting({ minor }));
    const props: [string, Buffer][] = [["Socket-Type", Buffer.from(socketType)]];
    if (identity !== undefined) props.push(["Identity", identity]);
    this.write(encoder.encodeCommandFrame(commands.encodeReady(props)));
  }

  /** Consumes the engine's greeting and READY; returns the READY body. */
  async readHandshake(): Promise<{ greeting: Buffer; ready: Buffer }> {
    const g = Buffer.from(await this.read(64));
    const f = await this.readFrame();
    if (f.flags !== 0x04) throw new Error(`expected READY command, got flags ${f.flags}`);
    return { greeting: g, ready: f.body };
  }
}
