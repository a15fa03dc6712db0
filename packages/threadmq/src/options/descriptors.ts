/**
 * The one table of socket options: name, default, validation, which socket types
 * accept it. It drives the constructor options, the runtime accessors and the
 * compile-time types (see options/types.ts), so an option is declared exactly once.
 */
import { ZmqError } from "../errors.js";
import type { SocketType } from "../socket/socket-type.js";

export type OptionValue = number | boolean | Buffer | undefined;

export interface OptionDescriptor {
  /** libzmq's name, for error messages and docs. */
  readonly zmq: string;
  /** Socket types that accept it; undefined = all. */
  readonly types?: readonly SocketType[];
  /** Default, possibly per socket type. */
  defaultFor(type: SocketType): OptionValue;
  /** Converts and checks a user value; throws ZmqError EINVAL naming the problem. */
  parse(value: unknown, name: string): OptionValue;
}

function integer(zmq: string, min: number, fallback: number, max = Number.MAX_SAFE_INTEGER): OptionDescriptor {
  return {
    zmq,
    defaultFor: () => fallback,
    parse(value, name) {
      if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
        throw new ZmqError("EINVAL", `option ${name} (${zmq}) must be ${range}, got ${String(value)}`);
      }
      return value;
    },
  };
}

function flag(zmq: string, types?: readonly SocketType[]): OptionDescriptor {
  return {
    zmq,
    ...(types ? { types } : {}),
    defaultFor: () => false,
    parse(value, name) {
      if (typeof value !== "boolean") throw new ZmqError("EINVAL", `option ${name} (${zmq}) must be true or false, got ${String(value)}`);
      return value;
    },
  };
}

const routingIdDescriptor: OptionDescriptor = {
  zmq: "ZMQ_ROUTING_ID",
  defaultFor: () => undefined,
  parse(value, name) {
    if (value === undefined || value === null) return undefined;
    const id = typeof value === "string" ? Buffer.from(value) : value instanceof Uint8Array ? Buffer.from(value) : undefined;
    if (!id) throw new ZmqError("EINVAL", `option ${name} must be a string or Buffer, got ${typeof value}`);
    if (id.length < 1 || id.length > 255) throw new ZmqError("EINVAL", `option ${name} must be 1 to 255 bytes, got ${id.length}`);
    if (id[0] === 0) throw new ZmqError("EINVAL", `option ${name} must not start with a zero byte (reserved for generated ids)`);
    return id;
  },
};

/** Every socket option, keyed by its property name. */
export const optionDescriptors = {
  sendHighWaterMark: integer("ZMQ_SNDHWM", 0, 1000),
  receiveHighWaterMark: integer("ZMQ_RCVHWM", 0, 1000),
  linger: {
    ...integer("ZMQ_LINGER", -1, -1),
    // libzmq: pending subscriptions are not worth waiting for.
    defaultFor: (type: SocketType) => (type === "SUB" || type === "XSUB" ? 0 : -1),
  },
  routingId: routingIdDescriptor,
  receiveTimeout: integer("ZMQ_RCVTIMEO", -1, -1),
  sendTimeout: integer("ZMQ_SNDTIMEO", -1, -1),
  reconnectInterval: integer("ZMQ_RECONNECT_IVL", -1, 100),
  reconnectIntervalMax: integer("ZMQ_RECONNECT_IVL_MAX", 0, 0),
  maxMessageSize: integer("ZMQ_MAXMSGSIZE", -1, -1),
  immediate: flag("ZMQ_IMMEDIATE"),
  conflate: flag("ZMQ_CONFLATE", ["PUB", "SUB", "PUSH", "PULL", "DEALER", "PAIR"]),
  heartbeatInterval: integer("ZMQ_HEARTBEAT_IVL", 0, 0),
  heartbeatTimeout: integer("ZMQ_HEARTBEAT_TIMEOUT", -1, -1),
  heartbeatTimeToLive: integer("ZMQ_HEARTBEAT_TTL", 0, 0, 6553599),
  handshakeInterval: integer("ZMQ_HANDSHAKE_IVL", 0, 30000),
  connectTimeout: integer("ZMQ_CONNECT_TIMEOUT", 0, 0),
  backlog: integer("ZMQ_BACKLOG", 0, 100),
  tcpKeepalive: integer("ZMQ_TCP_KEEPALIVE", -1, -1, 1),
  tcpKeepaliveIdle: integer("ZMQ_TCP_KEEPALIVE_IDLE", -1, -1),
  tcpKeepaliveCount: integer("ZMQ_TCP_KEEPALIVE_CNT", -1, -1),
  tcpKeepaliveInterval: integer("ZMQ_TCP_KEEPALIVE_INTVL", -1, -1),
  busyPoll: integer("threadmq busy-poll microseconds", 0, 0, 1_000_000),
  mandatory: flag("ZMQ_ROUTER_MANDATORY", ["ROUTER"]),
  handover: flag("ZMQ_ROUTER_HANDOVER", ["ROUTER"]),
  probeRouter: flag("ZMQ_PROBE_ROUTER", ["ROUTER", "DEALER", "REQ"]),
  relaxed: flag("ZMQ_REQ_RELAXED", ["REQ"]),
  correlate: flag("ZMQ_REQ_CORRELATE", ["REQ"]),
  verbose: flag("ZMQ_XPUB_VERBOSE", ["XPUB"]),
  verboser: flag("ZMQ_XPUB_VERBOSER", ["XPUB"]),
  noDrop: flag("ZMQ_XPUB_NODROP", ["PUB", "XPUB"]),
} satisfies Record<string, OptionDescriptor>;

export type OptionName = keyof typeof optionDescriptors;

export function isOptionName(name: string): name is OptionName {
  return Object.prototype.hasOwnProperty.call(optionDescriptors, name);
}

/** Option names accepted by a socket type. */
export function optionsFor(type: SocketType): OptionName[] {
  return (Object.keys(optionDescriptors) as OptionName[]).filter((name) => {
    const types = (optionDescriptors[name] as OptionDescriptor).types;
    return types === undefined || types.includes(type);
  });
}
