/**
 * The security-mechanism contract the engine drives (NULL now; PLAIN and CURVE later), and the
 * metadata checks every mechanism applies to the peer's properties (zeromq-reference §5.6).
 *
 * Contract:
 * - A mechanism is a pure state machine for one connection's handshake: the engine calls
 *   `start()` once, right after the peer's greeting was accepted, and writes the command bodies
 *   it returns; then it passes every command received during the handshake to `onCommand()`
 *   and writes the returned `send` bodies (in order) before acting on the step's kind.
 * - `done` carries the validated peer metadata; `failed` says why. A `failed` step may ask to
 *   send an ERROR first (its `send`), after which the engine closes the connection.
 * - Mechanisms never throw on peer input and never touch I/O or timers.
 */
import { getProperty, type Command, type Properties } from "./commands.js";
import { isCompatiblePeer } from "./socket-types.js";

/** What the handshake learned about the peer. */
export interface PeerMetadata {
  /** The peer's `Socket-Type`, or undefined when it sent none (libzmq tolerates that). */
  socketType: string | undefined;
  /** The peer's non-empty `Identity`, else undefined (absent and empty both mean "none"). */
  routingId: Buffer | undefined;
  /** All properties as the peer spelled them (Socket-Type, Identity, X-..., unknown ones). */
  properties: Properties;
}

/** Why a handshake failed, for monitor events and reconnect policy. */
export type HandshakeFailureCause =
  | "greeting" // not ZMTP 3.x, or an unsupported version
  | "mechanism" // the peer runs a different security mechanism
  | "socket-type" // the matrix of §1.2 forbids this pair
  | "metadata" // READY (or INITIATE) properties malformed or out of range
  | "peer-error" // the peer sent ERROR
  | "protocol" // a frame that has no place in the handshake
  | "timeout"; // handshakeInterval expired

export type MechanismStep =
  | { kind: "continue"; send: Buffer[] }
  | { kind: "done"; send: Buffer[]; peer: PeerMetadata }
  | { kind: "failed"; send: Buffer[]; cause: HandshakeFailureCause; detail: string };

export interface Mechanism {
  /** Name as written in the greeting ("NULL", "PLAIN", "CURVE"). */
  readonly name: string;
  /** Command bodies to send once the peer's greeting has been accepted. */
  start(): Buffer[];
  /** Handles one command received before the handshake completed. */
  onCommand(command: Command): MechanismStep;
}

/** Longest Identity accepted from a peer (RFC: 0-255 bytes). */
export const MAX_IDENTITY = 255;

/**
 * Validates a peer's properties for a socket of type `ourType`: Socket-Type must be compatible
 * (§1.2) when present, Identity at most 255 bytes. Property names are matched
 * case-insensitively (RFC 37), values exactly.
 */
export function checkPeerMetadata(
  ourType: string,
  properties: Properties,
): { ok: true; peer: PeerMetadata } | { ok: false; cause: HandshakeFailureCause; detail: string } {
  const typeValue = getProperty(properties, "Socket-Type");
  const socketType = typeValue?.toString("latin1");
  if (socketType !== undefined && !isCompatiblePeer(ourType, socketType)) {
    return { ok: false, cause: "socket-type", detail: `incompatible Socket-Type: ${ourType} cannot talk to ${JSON.stringify(socketType)}` };
  }
  const identity = getProperty(properties, "Identity");
  if (identity !== undefined && identity.length > MAX_IDENTITY) {
    return { ok: false, cause: "metadata", detail: `peer Identity of ${identity.length} bytes exceeds ${MAX_IDENTITY}` };
  }
  return {
    ok: true,
    peer: { socketType, routingId: identity !== undefined && identity.length > 0 ? identity : undefined, properties },
  };
}
