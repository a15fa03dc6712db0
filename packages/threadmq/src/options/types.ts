import type { OptionName } from "./descriptors.js";

/**
 * Compile-time view of the option table: what each socket class exposes as
 * properties and accepts in `ctx.socket(type, options)`.
 */

/** Options every socket has. Times are milliseconds. */
export interface CommonOptions {
  /** ZMQ_SNDHWM: outbound queue limit per peer, in messages (0 = none). Default 1000. */
  sendHighWaterMark: number;
  /** ZMQ_RCVHWM: inbound queue limit per peer, in messages (0 = none). Default 1000. */
  receiveHighWaterMark: number;
  /** ZMQ_LINGER: how long unsent messages survive close (-1 forever, 0 drop). Default -1, SUB/XSUB 0. */
  linger: number;
  /** ZMQ_RCVTIMEO: `receive()` rejects with EAGAIN after this long (-1 = wait forever). */
  receiveTimeout: number;
  /** ZMQ_SNDTIMEO: `send()` rejects with EAGAIN after this long (-1 = wait forever). */
  sendTimeout: number;
  /** ZMQ_RECONNECT_IVL: first reconnect delay for tcp/ipc connects (-1 = never). Default 100. */
  reconnectInterval: number;
  /** ZMQ_RECONNECT_IVL_MAX: cap for the doubling reconnect delay (0 = no backoff). */
  reconnectIntervalMax: number;
  /** ZMQ_MAXMSGSIZE: largest inbound message from a tcp/ipc peer, bytes (-1 = none). */
  maxMessageSize: number;
  /** ZMQ_IMMEDIATE: queue messages only on completed tcp/ipc connections. */
  immediate: boolean;
  /** ZMQ_HEARTBEAT_IVL: send ZMTP PING this often (0 = off). */
  heartbeatInterval: number;
  /** ZMQ_HEARTBEAT_TIMEOUT: drop a peer silent this long after a PING (-1 = the interval). */
  heartbeatTimeout: number;
  /** ZMQ_HEARTBEAT_TTL: time-to-live announced in our PINGs (ms, 0 = none, max 6553599). */
  heartbeatTimeToLive: number;
  /** ZMQ_HANDSHAKE_IVL: a ZMTP handshake must complete within this time (0 = no limit). */
  handshakeInterval: number;
  /** ZMQ_CONNECT_TIMEOUT: abort a pending tcp connect after this long (0 = OS default). */
  connectTimeout: number;
  /** ZMQ_BACKLOG: listen() backlog for tcp/ipc binds. */
  backlog: number;
  /** ZMQ_TCP_KEEPALIVE: -1 OS default, 0 off, 1 on. */
  tcpKeepalive: number;
  /** ZMQ_TCP_KEEPALIVE_IDLE (seconds, -1 = OS default). */
  tcpKeepaliveIdle: number;
  /** ZMQ_TCP_KEEPALIVE_CNT (-1 = OS default). */
  tcpKeepaliveCount: number;
  /** ZMQ_TCP_KEEPALIVE_INTVL (seconds, -1 = OS default). */
  tcpKeepaliveInterval: number;
  /**
   * threadmq only: microseconds a socket keeps looking for messages from other threads
   * before it goes to sleep (0 = it sleeps at once). A peer writing to a sleeping socket
   * must wake its thread, which costs tens of µs per message; within the window it does not.
   * - A `receive()` that finds nothing spins for the window, blocking the thread: the
   *   fastest (round trips of a few µs), for threads that have nothing else to do.
   * - Otherwise (`tryReceive`, `Poller`, readiness listeners, after a spin that found
   *   nothing) the socket looks again on every event-loop turn for the window: timers and
   *   I/O still run, and a reply that comes back within it needs no wake.
   * Either way a core is busy meanwhile: give each polling thread a core of its own.
   * Applies to connections across threads (inproc); set it any time.
   */
  busyPoll: number;
}

/** ZMQ_ROUTING_ID: the identity a ROUTER peer knows this socket by (1-255 bytes, not starting with 0). */
export interface RoutingIdOption {
  get routingId(): Buffer | undefined;
  set routingId(value: string | Buffer | undefined);
}

export interface ConflateOption {
  /**
   * ZMQ_CONFLATE: a receive returns only the newest queued message, discarding older ones
   * (counted in `stats.messagesDiscarded`). On the sending side it has no effect here.
   */
  conflate: boolean;
}

export interface ProbeRouterOption {
  /** ZMQ_PROBE_ROUTER: send an empty message on every new connection. */
  probeRouter: boolean;
}

export interface RouterOptions extends ProbeRouterOption {
  /** ZMQ_ROUTER_MANDATORY: unroutable sends reject with EHOSTUNREACH; full peers block. */
  mandatory: boolean;
  /** ZMQ_ROUTER_HANDOVER: a new peer with a taken routing id takes it over. */
  handover: boolean;
}

export interface RequestOptions extends ProbeRouterOption {
  /** ZMQ_REQ_RELAXED: allow a new request before the reply to the previous one. */
  relaxed: boolean;
  /** ZMQ_REQ_CORRELATE: tag requests with an id and drop replies that don't match. */
  correlate: boolean;
}

export interface NoDropOption {
  /** ZMQ_XPUB_NODROP: at the high-water mark, block (EAGAIN) instead of dropping. */
  noDrop: boolean;
}

export interface XPublisherOptions extends NoDropOption {
  /** ZMQ_XPUB_VERBOSE: pass every subscription up, duplicates included. */
  verbose: boolean;
  /** ZMQ_XPUB_VERBOSER: pass every subscription and unsubscription up. */
  verboser: boolean;
}

/** Options accepted at construction for a socket whose properties are `P`: its options, nothing else. */
export type SocketOptions<P> = Partial<{
  [K in keyof P & OptionName]: K extends "routingId" ? string | Buffer : P[K];
}>;
