/** The classic ZeroMQ socket types, by their libzmq / ZMTP names. */
export const socketTypes = ["PAIR", "PUB", "SUB", "REQ", "REP", "DEALER", "ROUTER", "PULL", "PUSH", "XPUB", "XSUB"] as const;

export type SocketType = (typeof socketTypes)[number];

export function isSocketType(value: unknown): value is SocketType {
  return typeof value === "string" && (socketTypes as readonly string[]).includes(value);
}
