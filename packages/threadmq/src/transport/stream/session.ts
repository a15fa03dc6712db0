/**
 * Session: the socket-side half of one tcp/ipc peer, as libzmq's session_base. It owns
 * the session end of a LocalPipe pair (the socket holds the other end) and moves whole
 * messages between that pipe and the current ZmtpEngine. Runs on the socket's thread.
 *
 * - Backpressure both ways: outbound, messages are pulled from the pipe only while the
 *   engine is writable (the socket's SNDHWM lives in the pipe); inbound, the engine is
 *   paused while the pipe is full (RCVHWM).
 * - A connect-side session keeps its pipe across reconnects (messages queue while the peer
 *   is away), unless `immediate` is set or the socket is a ROUTER (which needs the peer's
 *   identity before it can route): then the pipe exists only while a handshake is done.
 * - A bind-side session lives for one connection: pipe after the handshake, gone with it.
 * - When the socket terminates the pipe (close, unbind, disconnect) the session drains what
 *   is left into the engine, closes it gracefully and ends.
 */
import type { Socket as NetSocket } from "node:net";
import { LocalPipe } from "../../pipe/local-pipe.js";
import type { Pipe, PipeSink } from "../../pipe/pipe.js";
import { ZmtpEngine, type EngineCloseReason, type EngineHost, type PeerInfo } from "../../zmtp/engine.js";
import type { EndpointHandle, SocketCore } from "../transport.js";

export interface SessionOwner {
  /** The connection ended; `retry` says whether the owner should connect again. */
  sessionDisconnected(session: Session, retry: boolean): void;
}

export class Session implements PipeSink, EngineHost {
  readonly #socket: SocketCore;
  readonly #origin: EndpointHandle;
  readonly #owner: SessionOwner;
  readonly #persistentPipe: boolean;
  #pipe: Pipe | undefined;
  #engine: ZmtpEngine | undefined;
  #ended = false;
  /** An inbound message the full pipe refused; written first once it has room. */
  #held: Buffer[] | undefined;
  /** Handshakes completed on the persistent pipe: from the second on, the socket is told. */
  #connections = 0;

  constructor(socket: SocketCore, origin: EndpointHandle, owner: SessionOwner, connectSide: boolean) {
    this.#socket = socket;
    this.#origin = origin;
    this.#owner = owner;
    this.#persistentPipe = connectSide && socket.option("immediate") !== true && socket.type !== "ROUTER";
    if (this.#persistentPipe) this.#makePipe(undefined);
  }

  /** True while the socket holds a pipe to this peer. */
  get hasPipe(): boolean {
    return this.#pipe !== undefined;
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** A new transport connection for this session: start the ZMTP handshake on it. */
  startEngine(stream: NetSocket, asServer: boolean): void {
    const socket = this.#socket;
    const number = (name: Parameters<SocketCore["option"]>[0]) => socket.option(name) as number;
    this.#engine = new ZmtpEngine(
      stream,
      {
        socketType: socket.type,
        routingId: socket.option("routingId") as Buffer | undefined,
        asServer,
        maxMessageSize: number("maxMessageSize"),
        heartbeatInterval: number("heartbeatInterval"),
        heartbeatTimeout: number("heartbeatTimeout"),
        heartbeatTimeToLive: number("heartbeatTimeToLive"),
        handshakeInterval: number("handshakeInterval"),
      },
      this,
    );
  }

  /** Stops the current connection (if any) and the session. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#engine?.close();
    this.#pipe?.terminate(0);
  }

  #makePipe(peer: PeerInfo | undefined): void {
    const socket = this.#socket;
    const endpoint = this.#origin.address;
    const [socketEnd, sessionEnd] = LocalPipe.pair(
      {
        endpoint,
        socketType: socket.type,
        routingId: socket.option("routingId") as Buffer | undefined,
        sendHwm: socket.option("sendHighWaterMark") as number,
        receiveHwm: socket.option("receiveHighWaterMark") as number,
      },
      // The session adds no capacity of its own: the engine buffers the rest.
      { endpoint, socketType: peer?.socketType, routingId: peer?.routingId, sendHwm: -1, receiveHwm: -1 },
    );
    this.#pipe = sessionEnd;
    sessionEnd.setSink(this);
    socket.attachPipe(socketEnd, this.#origin);
  }

  // ---- engine host ----------------------------------------------------------------

  handshakeDone(peer: PeerInfo): void {
    this.#socket.emit({ type: "handshake", address: this.#origin.address });
    if (this.#pipe) {
      const pipe = this.#pipe as LocalPipe;
      pipe.introduceOwner({ socketType: peer.socketType, routingId: peer.routingId });
      if (this.#connections++ > 0) pipe.hiccup();
    } else {
      this.#makePipe(peer);
    }
    this.#pumpOut();
  }

  message(frames: Buffer[]): boolean {
    const pipe = this.#pipe;
    if (!pipe || pipe.terminated) return true;
    if (!pipe.write(frames)) {
      // The socket's RCVHWM is reached: keep this one and pause the engine until there is room.
      this.#held = frames;
      return false;
    }
    pipe.flush();
    return true;
  }

  drained(): void {
    this.#pumpOut();
  }

  engineClosed(reason: EngineCloseReason): void {
    this.#engine = undefined;
    const address = this.#origin.address;
    if (reason.kind === "handshake-failed") {
      this.#socket.emit({ type: "handshake-failed", address, reason: reason.detail });
    } else if (reason.handshakeDone && reason.kind !== "local") {
      // Reported when the connection is lost (libzmq's DISCONNECTED), not when the socket
      // has read what it carried; the pipe's end reason tells the socket it was reported.
      this.#socket.emit({ type: "disconnect", address, reason: reason.detail });
    }
    if (this.#ended) return;
    if (!this.#persistentPipe) {
      // The pipe lives for one connection; the socket reports its end, with our reason. What
      // the peer sent before it went stays readable (-1): received messages are never dropped.
      this.#pipe?.terminate(-1, reason.detail);
      this.#pipe = undefined;
    }
    this.#held = undefined;
    this.#owner.sessionDisconnected(this, true);
  }

  // ---- pipe sink (the session end) --------------------------------------------------

  readActivated(): void {
    this.#pumpOut();
  }

  writeActivated(): void {
    const held = this.#held;
    if (!held || !this.#pipe) return;
    if (!this.#pipe.write(held)) return;
    this.#held = undefined;
    this.#pipe.flush();
    this.#engine?.resumeInput();
  }

  pipeTerminated(pipe: Pipe): void {
    if (pipe !== this.#pipe) return;
    this.#pipe = undefined;
    // The socket let go (close, unbind, disconnect): what was left has been read already.
    this.#ended = true;
    this.#engine?.close();
    this.#owner.sessionDisconnected(this, false);
  }

  /** Moves queued outbound messages into the engine while it is ready and writable. */
  #pumpOut(): void {
    const engine = this.#engine;
    const pipe = this.#pipe;
    if (!engine || !pipe || engine.state !== "ready") return;
    while (engine.writable) {
      const msg = pipe.read();
      if (!msg) return;
      engine.send(msg);
    }
  }
}
