/**
 * NULL security mechanism (RFC 37 §NULL; zeromq-reference §5.7): no authentication, one READY
 * each way carrying the metadata.
 *
 * Contract:
 * - `start()` returns our READY at once; we never wait for the peer's READY first (libzmq sends
 *   READY immediately from both sides).
 * - Our READY carries `Socket-Type` (exact spelling) and, only when our type is REQ, DEALER or
 *   ROUTER, `Identity` (possibly empty) — byte-for-byte what libzmq sends (§5.12). Extra
 *   application metadata (`X-...`) may follow.
 * - The peer's READY is validated with `checkPeerMetadata`; an incompatible type makes the step
 *   `failed` with an ERROR command to send before closing. A peer ERROR fails without reply.
 *   Any other command during the handshake is a protocol failure.
 * - ZAP is not consulted (libzmq only does so with a ZAP domain configured).
 */
import { encodeError, encodeReady, type Command } from "../commands.js";
import { checkPeerMetadata, MAX_IDENTITY, type Mechanism, type MechanismStep } from "../mechanism.js";
import { sendsIdentity } from "../socket-types.js";

export interface NullMechanismOptions {
  /** Our ZMTP socket type (already validated by the caller). */
  socketType: string;
  /** Our routing id, sent as Identity for REQ/DEALER/ROUTER; default empty. */
  routingId?: Buffer | undefined;
  /** Application metadata appended to READY, names starting with "X-". */
  metadata?: ReadonlyMap<string, Buffer> | undefined;
}

const EMPTY = Buffer.alloc(0);

export class NullMechanism implements Mechanism {
  readonly name = "NULL";
  readonly #socketType: string;
  readonly #ready: Buffer;
  #finished = false;

  constructor(options: NullMechanismOptions) {
    this.#socketType = options.socketType;
    const routingId = options.routingId ?? EMPTY;
    if (routingId.length > MAX_IDENTITY) throw new RangeError(`routingId is limited to ${MAX_IDENTITY} bytes`);
    const props: [string, Buffer][] = [["Socket-Type", Buffer.from(options.socketType, "latin1")]];
    if (sendsIdentity(options.socketType)) props.push(["Identity", routingId]);
    for (const [name, value] of options.metadata ?? []) props.push([name, value]);
    this.#ready = encodeReady(props);
  }

  start(): Buffer[] {
    return [this.#ready];
  }

  onCommand(command: Command): MechanismStep {
    if (this.#finished) return { kind: "failed", send: [], cause: "protocol", detail: "NULL handshake already finished" };
    switch (command.kind) {
      case "ready": {
        this.#finished = true;
        const checked = checkPeerMetadata(this.#socketType, command.properties);
        if (!checked.ok) {
          // RFC 37 suggests ERROR before closing; libzmq itself just closes, and accepts either.
          return { kind: "failed", send: [encodeError(checked.detail)], cause: checked.cause, detail: checked.detail };
        }
        return { kind: "done", send: [], peer: checked.peer };
      }
      case "error":
        this.#finished = true;
        return { kind: "failed", send: [], cause: "peer-error", detail: `peer refused the handshake: ${command.reason}` };
      default:
        this.#finished = true;
        return {
          kind: "failed",
          send: [],
          cause: "protocol",
          detail: `unexpected ${command.kind === "other" ? command.name : command.kind.toUpperCase()} command during the NULL handshake`,
        };
    }
  }
}
