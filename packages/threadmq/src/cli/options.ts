/**
 * The `threadmq` command line: what it accepts, and the usage text shown for --help and
 * for any argument it cannot use.
 */
import { parseArgs } from "node:util";
import { isSocketType, socketTypes, type SocketType } from "../socket/socket-type.js";

export const usage = `usage: threadmq <TYPE> [endpoint...] [options]

Opens one socket of TYPE (${socketTypes.join(" ")}), sends stdin lines as messages
and prints the messages it receives, one per line.

endpoints:
  <endpoint>              bound or connected by TYPE: PUB XPUB REP ROUTER PULL bind,
                          the others connect
  --bind <endpoint>       bind this one (repeatable)
  --connect <endpoint>    connect this one (repeatable)
options:
  --subscribe <prefix>    SUB/XSUB: subscribe to prefix (repeatable; default: everything)
  --identity <id>         routing id this socket is known by to a ROUTER peer
  --count <n>             stop after n messages received (or sent, for PUB and PUSH)
  --delimiter <text>      split each stdin line into frames on text; also joins
                          printed frames (default " | ")
  --hex                   print frames that are not text as 0x<hex> (also the default);
                          and send stdin frames written 0x<hex> as those bytes
  --base64                print frames that are not text as base64:<data>,
                          and send stdin frames written base64:<data> as those bytes
  --receive-timeout <ms>  stop when nothing arrives for ms
  --help                  show this
REQ sends a line and prints the reply, line by line; REP prints each request and
answers with the next stdin line (or echoes it once stdin has ended).
Exit status: 0 done, 1 fewer than --count messages before the timeout, 2 bad arguments.`;

export interface CliOptions {
  type: SocketType;
  binds: string[];
  connects: string[];
  subscribe: string[];
  identity: string | undefined;
  count: number | undefined;
  delimiter: string | undefined;
  binary: "hex" | "base64";
  /** Decode encoded stdin frames: only when --hex or --base64 was given. */
  decode: boolean;
  receiveTimeout: number | undefined;
}

export class UsageError extends Error {}

const bindsByDefault: readonly SocketType[] = ["PUB", "XPUB", "REP", "ROUTER", "PULL"];

/** Parses the arguments after `threadmq`; throws UsageError with what is wrong. `undefined` means --help. */
export function parseCli(argv: string[]): CliOptions | undefined {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        bind: { type: "string", multiple: true },
        connect: { type: "string", multiple: true },
        subscribe: { type: "string", multiple: true },
        identity: { type: "string" },
        count: { type: "string" },
        delimiter: { type: "string" },
        hex: { type: "boolean" },
        base64: { type: "boolean" },
        "receive-timeout": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const [typeText, ...endpoints] = positionals;
  if (typeText === undefined) throw new UsageError("missing the socket TYPE");
  const type = typeText.toUpperCase();
  if (!isSocketType(type)) throw new UsageError(`unknown socket type "${typeText}"`);
  const binds = [...(values.bind ?? [])];
  const connects = [...(values.connect ?? [])];
  (bindsByDefault.includes(type) ? binds : connects).push(...endpoints);
  if (binds.length + connects.length === 0) throw new UsageError("give at least one endpoint");
  if (values.subscribe && type !== "SUB" && type !== "XSUB") throw new UsageError(`--subscribe is for SUB and XSUB sockets, not ${type}`);
  if (values.hex && values.base64) throw new UsageError("choose one of --hex and --base64");
  if (values.delimiter === "") throw new UsageError("--delimiter must not be empty");
  return {
    type,
    binds,
    connects,
    subscribe: values.subscribe ?? [""],
    identity: values.identity,
    count: positiveInteger("count", values.count, 1),
    delimiter: values.delimiter,
    binary: values.base64 ? "base64" : "hex",
    decode: Boolean(values.hex || values.base64),
    receiveTimeout: positiveInteger("receive-timeout", values["receive-timeout"], 0),
  };
}

function positiveInteger(name: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min) throw new UsageError(`--${name} needs a whole number >= ${min}, got "${text}"`);
  return value;
}
