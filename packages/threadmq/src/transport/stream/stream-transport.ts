/**
 * tcp:// and ipc://: listeners and connecters over node:net, one Session per peer.
 * bind resolves once listening (port 0 / `*` resolved in the handle's address);
 * connect returns at once and connects, and reconnects, in the background with
 * libzmq's RECONNECT_IVL / RECONNECT_IVL_MAX rules.
 */
import { randomUUID } from "node:crypto";
import { existsSync, unlinkSync } from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ZmqError } from "../../errors.js";
import type { Endpoint } from "../../endpoint.js";
import type { EndpointHandle, SocketCore, Transport } from "../transport.js";
import { Session, type SessionOwner } from "./session.js";

type StreamEndpoint = Extract<Endpoint, { scheme: "tcp" | "ipc" }>;

export class StreamTransport implements Transport {
  async bind(socket: SocketCore, endpoint: Endpoint): Promise<EndpointHandle> {
    const target = endpoint as StreamEndpoint;
    const server = net.createServer({ noDelay: true });
    const listenOptions = listenTarget(target);
    await listen(server, listenOptions, socket.option("backlog") as number, target.text);
    const address = boundAddress(server, target, listenOptions);
    const sessions = new Set<Session>();
    let closed = false;
    const handle: EndpointHandle = {
      address,
      close() {
        if (closed) return;
        closed = true;
        server.close();
        if (listenOptions.path && !listenOptions.path.startsWith("\0")) removeStale(listenOptions.path);
        // Connections still in their handshake have no pipe the socket could end: end them here.
        for (const session of sessions) if (!session.hasPipe) session.end();
      },
    };
    const owner: SessionOwner = {
      sessionDisconnected: (session) => {
        sessions.delete(session);
      },
    };
    server.on("connection", (stream) => {
      if (closed || socket.closed) {
        stream.destroy();
        return;
      }
      configureStream(stream, socket);
      socket.emit({ type: "accept", address });
      const session = new Session(socket, handle, owner, false);
      sessions.add(session);
      session.startEngine(stream, true);
    });
    server.on("error", (error) => socket.emit({ type: "accept:error", address, reason: error.message }));
    return handle;
  }

  connect(socket: SocketCore, endpoint: Endpoint): EndpointHandle {
    return new Connecter(socket, endpoint as StreamEndpoint).handle;
  }
}

/** One connect(): keeps (re)connecting until the socket lets go of the endpoint. */
class Connecter implements SessionOwner {
  readonly handle: EndpointHandle;
  readonly #socket: SocketCore;
  readonly #endpoint: StreamEndpoint;
  readonly #session: Session;
  #stream: net.Socket | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #delay: number;
  #stopped = false;

  constructor(socket: SocketCore, endpoint: StreamEndpoint) {
    this.#socket = socket;
    this.#endpoint = endpoint;
    this.#delay = socket.option("reconnectInterval") as number;
    this.handle = {
      address: endpoint.text,
      close: () => {
        // Pending output may still be lingering in the pipe: keep connecting until the socket
        // ends the pipe, unless there is no pipe to deliver.
        if (!this.#session.hasPipe) this.#stop();
      },
    };
    this.#session = new Session(socket, this.handle, this, true);
    this.#attempt();
  }

  #attempt(): void {
    this.#timer = undefined;
    if (this.#stopped) return;
    const stream = net.connect(connectTarget(this.#endpoint));
    this.#stream = stream;
    const timeout = this.#socket.option("connectTimeout") as number;
    const connectTimer = timeout > 0 ? setTimeout(() => stream.destroy(new Error(`connect timed out after ${timeout} ms`)), timeout) : undefined;
    const failed = (error: Error) => {
      clearTimeout(connectTimer);
      if (this.#stream !== stream) return;
      this.#stream = undefined;
      this.#socket.emit({ type: "connect:delay", address: this.#endpoint.text, reason: error.message });
      this.#retry();
    };
    stream.once("error", failed);
    stream.once("connect", () => {
      clearTimeout(connectTimer);
      stream.off("error", failed);
      if (this.#stopped) {
        stream.destroy();
        return;
      }
      this.#delay = this.#socket.option("reconnectInterval") as number;
      configureStream(stream, this.#socket);
      this.#socket.emit({ type: "connect", address: this.#endpoint.text });
      this.#session.startEngine(stream, false);
    });
  }

  #retry(): void {
    if (this.#stopped || this.#session.ended) return;
    const base = this.#socket.option("reconnectInterval") as number;
    if (base < 0) return;
    const max = this.#socket.option("reconnectIntervalMax") as number;
    let wait: number;
    if (max > 0 && max >= base) {
      wait = Math.min(this.#delay, max);
      this.#delay = Math.min(this.#delay * 2, max);
    } else {
      // libzmq without a maximum: the interval plus random jitter below it.
      wait = base + Math.floor(Math.random() * base);
    }
    this.#socket.emit({ type: "connect:retry", address: this.#endpoint.text, interval: wait });
    this.#timer = setTimeout(() => this.#attempt(), wait);
    this.#timer.unref();
  }

  sessionDisconnected(_session: Session, retry: boolean): void {
    if (retry) this.#retry();
    else this.#stop();
  }

  #stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#stream?.destroy();
    this.#session.end();
  }
}

interface ListenTarget {
  host?: string;
  port?: number;
  path?: string;
}

function listenTarget(endpoint: StreamEndpoint): ListenTarget {
  if (endpoint.scheme === "ipc") {
    let path = endpoint.path;
    if (path === "*") path = join(tmpdir(), `threadmq-${randomUUID()}.ipc`);
    else if (path.startsWith("@")) path = `\0${path.slice(1)}`;
    return { path };
  }
  return { host: endpoint.host === "*" ? "0.0.0.0" : endpoint.host, port: endpoint.port === "*" ? 0 : endpoint.port };
}

function connectTarget(endpoint: StreamEndpoint): net.NetConnectOpts {
  if (endpoint.scheme === "ipc") return { path: endpoint.path.startsWith("@") ? `\0${endpoint.path.slice(1)}` : endpoint.path };
  return { host: endpoint.host, port: endpoint.port as number };
}

function listen(server: net.Server, target: ListenTarget, backlog: number, text: string, retried = false): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      if (error.code === "EADDRINUSE" && target.path && !target.path.startsWith("\0") && !retried) {
        // A socket file nobody listens on (left by a crashed process) is replaced, as libzmq does.
        void isStale(target.path).then((stale) => {
          if (!stale) return reject(bindError(error, text));
          removeStale(target.path!);
          listen(server, target, backlog, text, true).then(resolve, reject);
        });
        return;
      }
      reject(bindError(error, text));
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen({ ...target, backlog });
  });
}

function bindError(error: NodeJS.ErrnoException, text: string): ZmqError {
  switch (error.code) {
    case "EADDRINUSE":
      return new ZmqError("EADDRINUSE", `cannot bind ${text}: the address is already in use`);
    case "EADDRNOTAVAIL":
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return new ZmqError("EADDRNOTAVAIL", `cannot bind ${text}: the address is not available on this machine`);
    case "EACCES":
    case "EPERM":
      return new ZmqError("EADDRNOTAVAIL", `cannot bind ${text}: permission denied`);
    default:
      return new ZmqError("EINVAL", `cannot bind ${text}: ${error.message}`);
  }
}

/** True if nobody accepts connections on the socket file at `path`. */
function isStale(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const probe = net.connect({ path });
    probe.once("connect", () => {
      probe.destroy();
      resolve(false);
    });
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

function removeStale(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone.
  }
}

function boundAddress(server: net.Server, endpoint: StreamEndpoint, target: ListenTarget): string {
  if (endpoint.scheme === "ipc") {
    return target.path!.startsWith("\0") ? `ipc://@${target.path!.slice(1)}` : `ipc://${target.path}`;
  }
  const info = server.address() as net.AddressInfo;
  const host = target.host!.includes(":") ? `[${target.host}]` : target.host;
  return `tcp://${host}:${info.port}`;
}

function configureStream(stream: net.Socket, socket: SocketCore): void {
  if (typeof stream.setNoDelay === "function" && stream.remoteFamily !== undefined) stream.setNoDelay(true);
  const keepalive = socket.option("tcpKeepalive") as number;
  if (keepalive >= 0 && stream.remoteFamily !== undefined) {
    const idle = socket.option("tcpKeepaliveIdle") as number;
    stream.setKeepAlive(keepalive === 1, idle > 0 ? idle * 1000 : 0);
  }
}
