import { ZmqError } from "./errors.js";

/** A parsed endpoint. `address` is what follows `scheme://`. */
export type Endpoint =
  | { scheme: "inproc"; name: string; text: string }
  | { scheme: "tcp"; host: string; port: number | "*"; text: string }
  | { scheme: "ipc"; path: string; text: string };

const MAX_INPROC_NAME = 256;

/**
 * Parses `inproc://name`, `tcp://host:port`, `tcp://[::1]:port`, `tcp://*:port`
 * or `ipc:///path`; throws a ZmqError that says what is wrong otherwise.
 */
export function parseEndpoint(text: unknown): Endpoint {
  if (typeof text !== "string") {
    throw new ZmqError("EINVAL", `endpoint must be a string like "tcp://127.0.0.1:5555", got ${typeof text}`);
  }
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(.*)$/s.exec(text);
  if (!match) throw new ZmqError("EINVAL", `endpoint "${text}" is not of the form transport://address`);
  const scheme = match[1]!;
  const address = match[2]!;
  switch (scheme) {
    case "inproc":
      if (address.length === 0) throw new ZmqError("EINVAL", `endpoint "${text}" has no name after inproc://`);
      if (address.length > MAX_INPROC_NAME) {
        throw new ZmqError("EINVAL", `inproc name in "${text}" is longer than ${MAX_INPROC_NAME} characters`);
      }
      return { scheme, name: address, text };
    case "tcp":
      return parseTcp(address, text);
    case "ipc":
      if (address.length === 0) throw new ZmqError("EINVAL", `endpoint "${text}" has no path after ipc://`);
      return { scheme, path: address, text };
    default:
      throw new ZmqError(
        "EPROTONOSUPPORT",
        `transport "${scheme}" in "${text}" is not supported; use inproc://, tcp:// or ipc://`,
      );
  }
}

function parseTcp(address: string, text: string): Endpoint {
  // A connect endpoint may name a source address first ("src;dst"); we take the destination.
  const target = address.includes(";") ? address.slice(address.lastIndexOf(";") + 1) : address;
  const colon = target.lastIndexOf(":");
  if (colon <= 0) throw new ZmqError("EINVAL", `tcp endpoint "${text}" needs host:port, e.g. tcp://127.0.0.1:5555`);
  let host = target.slice(0, colon);
  const portText = target.slice(colon + 1);
  if (host.startsWith("[")) {
    if (!host.endsWith("]")) throw new ZmqError("EINVAL", `tcp endpoint "${text}" has an unclosed [ in its IPv6 address`);
    host = host.slice(1, -1);
  }
  if (host.length === 0) throw new ZmqError("EINVAL", `tcp endpoint "${text}" has an empty host`);
  if (portText === "*") return { scheme: "tcp", host, port: "*", text };
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new ZmqError("EINVAL", `tcp endpoint "${text}" has an invalid port "${portText}" (0-65535 or *)`);
  }
  return { scheme: "tcp", host, port: Number(portText), text };
}
