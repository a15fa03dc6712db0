/**
 * ZMTP 3.x greeting: the first 64 bytes each peer sends (zeromq-reference §5.2, §5.3).
 *
 * Contract:
 * - `encodeGreeting()` returns a fresh 64-byte Buffer: signature with zero padding, version 3.1,
 *   the mechanism NUL-padded to 20 bytes, as-server as given (0 for NULL), zero filler.
 * - `GreetingParser` consumes a peer greeting in chunks of any size, including single bytes, and
 *   never throws on peer bytes. It reports a fault as early as the bytes allow (a wrong first
 *   byte is refused after one byte, a major < 3 after eleven), otherwise `done` with the parsed
 *   greeting and whatever bytes of the chunk followed the greeting (already framed traffic).
 * - Padding (bytes 1-8) and the as-server byte are never validated: libzmq writes a length into
 *   the padding and always sends as-server = 0 (§5.2).
 * - Pure: no I/O, no timers.
 */

export const GREETING_SIZE = 64;
/** Version we announce: ZMTP 3.1. */
export const ZMTP_MAJOR = 3;
export const ZMTP_MINOR = 1;

const SIGNATURE_END = 9;
const MAJOR_OFFSET = 10;
const MINOR_OFFSET = 11;
const MECHANISM_OFFSET = 12;
const MECHANISM_SIZE = 20;
const AS_SERVER_OFFSET = 32;

export interface GreetingOptions {
  /** Security mechanism name, at most 20 ASCII characters. Default "NULL". */
  mechanism?: string;
  /** As-server flag; must be false for NULL. Default false. */
  asServer?: boolean;
  /** Minor version to announce. Default 1 (tests use 0 to play a ZMTP 3.0 peer). */
  minor?: number;
}

/** What a peer's greeting said. */
export interface PeerGreeting {
  major: number;
  /** Minor version as announced. A peer announcing major > 3 is treated as 3.1 by callers. */
  minor: number;
  /** Mechanism name with the NUL padding removed. */
  mechanism: string;
  /** The as-server byte (informational only; libzmq always sends 0). */
  asServer: boolean;
}

/** Why a greeting was refused: `signature` (not ZMTP 3.x framing at all), `version`, `mechanism`. */
export type GreetingFaultCause = "signature" | "version" | "mechanism";

export type GreetingStep =
  | { status: "incomplete" }
  | { status: "done"; greeting: PeerGreeting; rest: Buffer }
  | { status: "fault"; cause: GreetingFaultCause; reason: string };

function mechanismField(mechanism: string): Buffer {
  if (mechanism.length === 0 || mechanism.length > MECHANISM_SIZE || !/^[\x21-\x7e]+$/.test(mechanism)) {
    throw new RangeError(`mechanism name must be 1-20 printable ASCII characters, got ${JSON.stringify(mechanism)}`);
  }
  const field = Buffer.alloc(MECHANISM_SIZE);
  field.write(mechanism, "latin1");
  return field;
}

/** Our 64-byte greeting, all of which may be written at once (§5.2). */
export function encodeGreeting(options: GreetingOptions = {}): Buffer {
  const g = Buffer.alloc(GREETING_SIZE);
  g[0] = 0xff;
  g[SIGNATURE_END] = 0x7f;
  g[MAJOR_OFFSET] = ZMTP_MAJOR;
  g[MINOR_OFFSET] = options.minor ?? ZMTP_MINOR;
  mechanismField(options.mechanism ?? "NULL").copy(g, MECHANISM_OFFSET);
  g[AS_SERVER_OFFSET] = options.asServer === true ? 1 : 0;
  return g;
}

/** Printable rendering of peer bytes for fault reasons (never trusts them as text). */
function printable(bytes: Buffer): string {
  let out = "";
  for (const b of bytes) out += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  return out;
}

/** The mechanism field up to its first NUL, rendered printable. */
function mechanismName(field: Buffer): string {
  const end = field.indexOf(0);
  return printable(end < 0 ? field : field.subarray(0, end));
}

/** Incremental parser for one peer greeting; see the file header for the contract. */
export class GreetingParser {
  readonly #expected: Buffer;
  readonly #expectedName: string;
  readonly #buf = Buffer.alloc(GREETING_SIZE);
  #have = 0;
  #result: GreetingStep = { status: "incomplete" };

  /** @param mechanism the mechanism we run; the peer must announce exactly this one. */
  constructor(mechanism = "NULL") {
    this.#expected = mechanismField(mechanism);
    this.#expectedName = mechanism;
  }

  /** Bytes of greeting received so far (0-64). */
  get received(): number {
    return this.#have;
  }

  /**
   * Consumes `chunk`. Once the result is `done` or `fault` it is final: further calls return the
   * same result (with an empty `rest`) and ignore their input.
   */
  feed(chunk: Buffer): GreetingStep {
    if (this.#result.status !== "incomplete") {
      return this.#result.status === "done" ? { ...this.#result, rest: Buffer.alloc(0) } : this.#result;
    }
    const take = Math.min(chunk.length, GREETING_SIZE - this.#have);
    const before = this.#have;
    chunk.copy(this.#buf, before, 0, take);
    this.#have += take;
    const fault = this.#check(before);
    if (fault !== undefined) {
      this.#result = fault;
      return fault;
    }
    if (this.#have < GREETING_SIZE) return this.#result;
    const b = this.#buf;
    const greeting: PeerGreeting = {
      major: b[MAJOR_OFFSET]!,
      minor: b[MINOR_OFFSET]!,
      mechanism: mechanismName(b.subarray(MECHANISM_OFFSET, MECHANISM_OFFSET + MECHANISM_SIZE)),
      asServer: b[AS_SERVER_OFFSET] !== 0,
    };
    this.#result = { status: "done", greeting, rest: Buffer.alloc(0) };
    // The rest is a view of the caller's chunk: the net layer hands us a fresh Buffer per read.
    return { status: "done", greeting, rest: chunk.subarray(take) };
  }

  /** Checks whichever fixed positions became available with this chunk. */
  #check(before: number): GreetingStep | undefined {
    const b = this.#buf;
    const have = this.#have;
    const reached = (offset: number): boolean => before <= offset && have > offset;
    if (reached(0) && b[0] !== 0xff) {
      return { status: "fault", cause: "signature", reason: `not a ZMTP 3.x peer: first byte 0x${b[0]!.toString(16).padStart(2, "0")}, expected 0xff` };
    }
    // libzmq tests only bit 0 of byte 9: clear means an unversioned ZMTP 1.0 peer (§5.3).
    if (reached(SIGNATURE_END) && (b[SIGNATURE_END]! & 0x01) === 0) {
      return { status: "fault", cause: "signature", reason: `not a ZMTP 3.x peer: signature byte 9 is 0x${b[SIGNATURE_END]!.toString(16).padStart(2, "0")} (ZMTP 1.0 framing is not supported)` };
    }
    if (reached(MAJOR_OFFSET) && b[MAJOR_OFFSET]! < ZMTP_MAJOR) {
      return { status: "fault", cause: "version", reason: `peer speaks ZMTP ${b[MAJOR_OFFSET]}.x; only 3.0 and later are supported` };
    }
    // RFC 23/37: the mechanism must match all 20 bytes exactly, padding included.
    if (before < MECHANISM_OFFSET + MECHANISM_SIZE && have >= MECHANISM_OFFSET + MECHANISM_SIZE) {
      const field = b.subarray(MECHANISM_OFFSET, MECHANISM_OFFSET + MECHANISM_SIZE);
      if (!field.equals(this.#expected)) {
        return { status: "fault", cause: "mechanism", reason: `security mechanism mismatch: peer uses "${mechanismName(field)}", we use "${this.#expectedName}"` };
      }
    }
    return undefined;
  }
}
