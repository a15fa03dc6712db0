/**
 * @threadmq/comlink: a comlink `Endpoint` over a threadmq socket.
 *
 * ```ts
 * Comlink.expose(api, socketEndpoint(pair));        // one side
 * const remote = Comlink.wrap<Api>(socketEndpoint(pair)); // the other
 * ```
 *
 * On the wire (one socket message per comlink message):
 *
 *   PAIR / DEALER:  [payload]            the endpoint's own messages
 *                   [channel, payload]   a bridged port's messages
 *                   [channel, ""]        that port closed
 *   ROUTER:         the same, after the peer's routing id
 *
 * `payload` is the comlink message serialized with node:v8 (structured clone). Messages
 * that are plain JSON data take the JSON fast path shared with @threadmq/pool
 * (threadmq/internal/plain-json: the very same value back at a fraction of the cost; a
 * payload starting with 0xFF, v8's version tag, is v8, anything else is JSON text, so a
 * payload is never empty). Comlink's proxies (`Comlink.proxy`, callbacks,
 * `createEndpoint`) transfer MessagePorts, which cannot cross a socket, so each
 * transferred port becomes a *channel* multiplexed over the same socket: the port is
 * written as a reference to a fresh channel id, its messages are forwarded as
 * [channel, payload], and the receiving side hands comlink a new local MessagePort that is
 * bridged to that channel. `[channel, ""]` closes it. So callbacks work
 * wherever the socket goes: across threads (inproc) and processes or hosts (tcp), with no
 * extra endpoint to bind.
 *
 * ROUTER: without `peer`, the endpoint serves every connected peer (the `expose` side of a
 * many-clients service): a reply goes back to the peer whose request had the same comlink
 * message id. With `peer`, it talks to that one peer only (the `wrap` side).
 * REQ/REP are not supported (comlink keeps several calls in flight).
 */
import { randomBytes } from "node:crypto";
import { DefaultDeserializer, DefaultSerializer } from "node:v8";
import { MessageChannel, MessagePort } from "node:worker_threads";
import type { Dealer, Pair, Router } from "threadmq";
import { readNodeHostObject } from "threadmq/internal/host-objects";
import { isPlainJson, isPlainJsonPayload, readPlainJson, writePlainJson } from "threadmq/internal/plain-json";
import { watchReadable } from "threadmq/internal/readable-watch";

/** comlink's Endpoint, structurally (comlink's own type refers to DOM types). */
export interface SocketEndpoint {
  postMessage(message: any, transfer?: readonly unknown[]): void;
  addEventListener(type: string, listener: EventListenerLike, options?: {}): void;
  removeEventListener(type: string, listener: EventListenerLike, options?: {}): void;
  start(): void;
  /** Closes the bridged channels and the socket. */
  close(): void;
}

type EventListenerLike = ((event: { data: unknown }) => void) | { handleEvent(event: { data: unknown }): void };

export interface SocketEndpointOptions {
  /**
   * ROUTER only: the routing id of the one peer to talk to. Without it the endpoint serves
   * all peers, answering each request to the peer it came from.
   */
  peer?: string | Buffer;
}

type AnySocket = Pair | Dealer | Router;

const CLOSED = Buffer.alloc(0);
const TAG_PORT = 0x434c_0001;

// Node's own host-object hooks (not in @types/node).
const nodeWriteHostObject = (DefaultSerializer.prototype as unknown as { _writeHostObject(this: DefaultSerializer, o: unknown): void })._writeHostObject;

interface Channel {
  port: MessagePort;
  /** ROUTER: the peer this channel leads to. */
  peer: Buffer | undefined;
}

class PortSerializer extends DefaultSerializer {
  constructor(private readonly onPort: (port: MessagePort) => string) {
    super();
  }

  _writeHostObject(value: unknown): void {
    if (value instanceof MessagePort) {
      const id = Buffer.from(this.onPort(value));
      this.writeUint32(TAG_PORT);
      this.writeUint32(id.length);
      this.writeRawBytes(id);
      return;
    }
    nodeWriteHostObject.call(this, value);
  }
}

class PortDeserializer extends DefaultDeserializer {
  constructor(
    bytes: Buffer,
    private readonly onPort: (id: string) => MessagePort,
  ) {
    super(bytes);
  }

  _readHostObject(): unknown {
    const tag = this.readUint32();
    if (tag === TAG_PORT) {
      const length = this.readUint32();
      return this.onPort((this.readRawBytes(length) as Buffer).toString("latin1"));
    }
    // Not ours: give the tag back to Node's reader, which reads it first.
    return readNodeHostObject(this, tag);
  }
}

class Endpoint implements SocketEndpoint {
  readonly #socket: AnySocket;
  readonly #router: boolean;
  readonly #peer: Buffer | undefined;
  /** Replaced, never mutated, so a dispatch in progress keeps the list it started with. */
  #listeners: readonly EventListenerLike[] = [];
  readonly #channels = new Map<string, Channel>();
  /** ROUTER serving many peers: comlink message id -> the peer that asked. */
  readonly #replyTo = new Map<string, Buffer>();
  readonly #nonce = randomBytes(6).toString("hex");
  #nextChannel = 0;
  /** Set while started: stops watching the socket (and lets the thread exit). */
  #stopWatching: (() => void) | undefined;
  #closed = false;

  constructor(socket: AnySocket, options: SocketEndpointOptions) {
    if (typeof (socket as Partial<AnySocket>)?.trySend !== "function" || typeof (socket as Partial<AnySocket>).tryReceive !== "function") {
      throw new TypeError("socketEndpoint(socket) needs a threadmq PAIR, DEALER or ROUTER socket");
    }
    if (socket.type !== "PAIR" && socket.type !== "DEALER" && socket.type !== "ROUTER") {
      throw new TypeError(`socketEndpoint() works over PAIR, DEALER or ROUTER sockets, not ${socket.type} (comlink keeps several calls in flight)`);
    }
    if (options.peer !== undefined && socket.type !== "ROUTER") throw new TypeError("socketEndpoint() option `peer` is for ROUTER sockets");
    this.#socket = socket;
    this.#router = socket.type === "ROUTER";
    this.#peer = options.peer === undefined ? undefined : Buffer.from(options.peer);
  }

  postMessage(message: unknown): void {
    let peer = this.#peer;
    if (this.#router && !peer) {
      const id = (message as { id?: unknown } | null)?.id;
      peer = typeof id === "string" ? this.#replyTo.get(id) : undefined;
      if (!peer) throw new TypeError("a ROUTER endpoint without `peer` can only answer requests (the message's id names no asking peer)");
      this.#replyTo.delete(id as string);
    }
    this.#send(peer, undefined, message);
  }

  addEventListener(type: string, listener: EventListenerLike): void {
    if (type !== "message") return;
    if (!this.#listeners.includes(listener)) this.#listeners = [...this.#listeners, listener];
    this.start();
  }

  removeEventListener(type: string, listener: EventListenerLike): void {
    if (type === "message") this.#listeners = this.#listeners.filter((l) => l !== listener);
  }

  /**
   * Starts delivering messages. While started, the endpoint keeps its thread alive, as a
   * MessagePort with a listener does.
   */
  start(): void {
    if (this.#stopWatching || this.#closed) return;
    this.#stopWatching = watchReadable(this.#socket, this.#drain);
  }

  close(): void {
    if (this.#closed) return;
    this.#end();
    this.#socket.close();
  }

  /** Stops for good: the socket closed, its context ended, or close() was called. */
  #end(): void {
    this.#closed = true;
    this.#stopWatching?.();
    for (const channel of this.#channels.values()) channel.port.close();
    this.#channels.clear();
  }

  // ---- wire ---------------------------------------------------------------------------

  /** `channel` undefined: the endpoint's own message. */
  #send(peer: Buffer | undefined, channel: Buffer | undefined, data: unknown): void {
    if (this.#closed) return;
    let payload: Buffer;
    if (isPlainJson(data)) {
      payload = writePlainJson(data);
    } else {
      const serializer = new PortSerializer((port) => this.#exportPort(port, peer));
      serializer.writeHeader();
      serializer.writeValue(data);
      payload = serializer.releaseBuffer();
    }
    this.#write(peer, channel ? [channel, payload] : [payload]);
  }

  /**
   * Sends `frames` (behind `peer`'s routing id on a ROUTER) at once, as a MessagePort
   * posts: a peer that is awake reads it on its next look, a sleeping one is woken.
   */
  #write(peer: Buffer | undefined, frames: Buffer[]): void {
    if (peer) frames.unshift(peer);
    try {
      // A socket at its high-water mark waits: comlink has no backpressure of its own.
      if (!this.#socket.trySend(frames)) this.#socket.send(frames).catch(() => {});
    } catch {
      // Closed socket or terminated context: comlink calls stay pending, as over a closed port.
    }
  }

  /** Runs after every wake of the socket: delivers everything queued. */
  readonly #drain = (): void => {
    const socket = this.#socket;
    while (!this.#closed) {
      let msg: Buffer[] | undefined;
      try {
        msg = socket.tryReceive();
      } catch {
        // The socket closed or the context terminated.
        this.#end();
        return;
      }
      if (msg === undefined) return;
      this.#dispatch(msg);
    }
  };

  #dispatch(msg: Buffer[]): void {
    let peer: Buffer | undefined;
    let at = 0;
    if (this.#router) {
      peer = msg[at++];
      if (this.#peer && !peer!.equals(this.#peer)) return;
    }
    let channelId: string | undefined;
    if (msg.length - at === 2) channelId = msg[at++]!.toString("latin1");
    else if (msg.length - at !== 1) return; // not a message of ours
    const payload = msg[at]!;
    if (payload.length === 0) {
      // [channel, ""]: the other side's port closed.
      if (channelId !== undefined) this.#closeChannel(channelId, false);
      return;
    }
    const created: MessagePort[] = [];
    let data: unknown;
    try {
      if (isPlainJsonPayload(payload)) data = readPlainJson(payload);
      else {
        const deserializer = new PortDeserializer(payload, (id) => {
          const port = this.#importPort(id, peer);
          created.push(port);
          return port;
        });
        deserializer.readHeader();
        data = deserializer.readValue();
      }
    } catch {
      return; // not a message of ours
    }
    if (channelId !== undefined) {
      const local = this.#channels.get(channelId);
      if (local) local.port.postMessage(data, created);
      else for (const port of created) port.close();
      return;
    }
    if (this.#router && !this.#peer && peer) {
      const id = (data as { id?: unknown } | null)?.id;
      if (typeof id === "string") this.#replyTo.set(id, peer);
    }
    const event = { data };
    for (const listener of this.#listeners) {
      try {
        if (typeof listener === "function") listener(event);
        else listener.handleEvent(event);
      } catch (error) {
        // As from a MessagePort's listener: an uncaught exception, and the next message is still delivered.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  // ---- channels (bridged MessagePorts) --------------------------------------------------

  /** A port comlink transfers out: it becomes a channel; its messages go over the socket. */
  #exportPort(port: MessagePort, peer: Buffer | undefined): string {
    const id = `${this.#nonce}.${this.#nextChannel++}`;
    this.#bridge(id, port, peer);
    return id;
  }

  /** A channel the other side made: comlink gets a fresh port bridged to it. */
  #importPort(id: string, peer: Buffer | undefined): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.#bridge(id, port1, peer);
    return port2;
  }

  #bridge(id: string, port: MessagePort, peer: Buffer | undefined): void {
    const channel = Buffer.from(id, "latin1");
    this.#channels.set(id, { port, peer });
    port.on("message", (data: unknown) => this.#send(peer, channel, data));
    port.once("close", () => this.#closeChannel(id, true));
  }

  #closeChannel(id: string, tellPeer: boolean): void {
    const channel = this.#channels.get(id);
    if (!channel) return;
    this.#channels.delete(id);
    channel.port.close();
    if (tellPeer) {
      const frame = Buffer.from(id, "latin1");
      this.#write(channel.peer, [frame, CLOSED]);
    }
  }
}

/**
 * A comlink Endpoint over a threadmq PAIR, DEALER or ROUTER socket. Messages are
 * serialized with node:v8 (structured clone); comlink's transferred MessagePorts
 * (proxies, callbacks) become channels over the same socket. `close()` closes the socket.
 */
export function socketEndpoint(socket: AnySocket, options: SocketEndpointOptions = {}): SocketEndpoint {
  return new Endpoint(socket, options);
}
