/**
 * ZMTP socket-type names and the peer-compatibility matrix (zeromq-reference §1.2, §5.6).
 *
 * Contract:
 * - Names are the exact `Socket-Type` property spellings libzmq emits and compares
 *   case-sensitively, so nothing here normalises case.
 * - `isCompatiblePeer(ours, theirs)` is symmetric for every pair in the matrix and false for
 *   any name that is not a ZMTP socket type (STREAM is raw TCP and never handshakes).
 * - Pure data and functions: no I/O, safe from any thread.
 */

/** Every socket type that may appear in a ZMTP `Socket-Type` property. */
export const ZMTP_SOCKET_TYPES = [
  "PAIR",
  "PUB",
  "SUB",
  "REQ",
  "REP",
  "DEALER",
  "ROUTER",
  "PULL",
  "PUSH",
  "XPUB",
  "XSUB",
  "SERVER",
  "CLIENT",
  "RADIO",
  "DISH",
  "GATHER",
  "SCATTER",
  "PEER",
  "CHANNEL",
] as const;

export type ZmtpSocketType = (typeof ZMTP_SOCKET_TYPES)[number];

/** libzmq's `ZMQ_*` number for each type (also the ZMTP 2.0 socket-type byte). */
export const SOCKET_TYPE_NUMBERS: Readonly<Record<ZmtpSocketType, number>> = {
  PAIR: 0,
  PUB: 1,
  SUB: 2,
  REQ: 3,
  REP: 4,
  DEALER: 5,
  ROUTER: 6,
  PULL: 7,
  PUSH: 8,
  XPUB: 9,
  XSUB: 10,
  SERVER: 12,
  CLIENT: 13,
  RADIO: 14,
  DISH: 15,
  GATHER: 16,
  SCATTER: 17,
  PEER: 19,
  CHANNEL: 20,
};

// The matrix as libzmq's mechanism_t::check_socket_type has it. REP–ROUTER is deliberately
// absent: libzmq refuses it even though both ends speak envelopes.
const VALID_PEERS: Readonly<Record<ZmtpSocketType, readonly ZmtpSocketType[]>> = {
  PAIR: ["PAIR"],
  PUB: ["SUB", "XSUB"],
  SUB: ["PUB", "XPUB"],
  REQ: ["REP", "ROUTER"],
  REP: ["REQ", "DEALER"],
  DEALER: ["REP", "DEALER", "ROUTER"],
  ROUTER: ["REQ", "DEALER", "ROUTER"],
  PULL: ["PUSH"],
  PUSH: ["PULL"],
  XPUB: ["SUB", "XSUB"],
  XSUB: ["PUB", "XPUB"],
  SERVER: ["CLIENT"],
  CLIENT: ["SERVER"],
  RADIO: ["DISH"],
  DISH: ["RADIO"],
  GATHER: ["SCATTER"],
  SCATTER: ["GATHER"],
  PEER: ["PEER"],
  CHANNEL: ["CHANNEL"],
};

const KNOWN: ReadonlySet<string> = new Set(ZMTP_SOCKET_TYPES);

/** True if `name` is a ZMTP socket-type name, spelled exactly. */
export function isZmtpSocketType(name: string): name is ZmtpSocketType {
  return KNOWN.has(name);
}

/** The peer types `type` may talk to (empty for an unknown name). */
export function compatiblePeers(type: string): readonly ZmtpSocketType[] {
  return isZmtpSocketType(type) ? VALID_PEERS[type] : [];
}

/** True if a socket of type `ours` accepts a peer announcing `theirs`. */
export function isCompatiblePeer(ours: string, theirs: string): boolean {
  return isZmtpSocketType(ours) && isZmtpSocketType(theirs) && VALID_PEERS[ours].includes(theirs);
}

/**
 * True for the types whose READY carries an `Identity` property. libzmq includes it (possibly
 * empty) exactly for REQ, DEALER and ROUTER and omits it for every other type (§5.6).
 */
export function sendsIdentity(type: string): boolean {
  return type === "REQ" || type === "DEALER" || type === "ROUTER";
}

/** SUB and XSUB: their single-frame 0x01/0x00 messages are subscriptions on the wire. */
export function isSubscriberType(type: string): boolean {
  return type === "SUB" || type === "XSUB";
}

/** PUB and XPUB: they receive subscriptions (SUBSCRIBE/CANCEL commands or 0x01/0x00 messages). */
export function isPublisherType(type: string): boolean {
  return type === "PUB" || type === "XPUB";
}
