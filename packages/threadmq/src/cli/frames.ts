/**
 * Lines to messages and back: a stdin line is split into frames on the delimiter;
 * a received message is printed on one line, text frames as they are, others encoded
 * (hex or base64) so a line stays one message.
 */
import type { CliOptions } from "./options.js";

const DEFAULT_SEPARATOR = " | ";

/** True if `frame` prints as itself: valid UTF-8 with no control characters but tab. */
export function isPrintable(frame: Buffer): boolean {
  const text = frame.toString("utf8");
  return !/[\x00-\x08\x0a-\x1f\x7f\ufffd]/.test(text);
}

/** One frame for printing. */
export function formatFrame(frame: Buffer, binary: CliOptions["binary"]): string {
  if (isPrintable(frame)) return frame.toString("utf8");
  return binary === "hex" ? `0x${frame.toString("hex")}` : `base64:${frame.toString("base64")}`;
}

/** One message as a line. */
export function formatMessage(frames: Buffer[], options: Pick<CliOptions, "binary" | "delimiter">): string {
  return frames.map((frame) => formatFrame(frame, options.binary)).join(options.delimiter ?? DEFAULT_SEPARATOR);
}

/** The frames of one stdin line: split on the delimiter, encoded frames decoded. */
export function parseLine(line: string, options: Pick<CliOptions, "binary" | "delimiter" | "decode">): Buffer[] {
  const parts = options.delimiter === undefined ? [line] : line.split(options.delimiter);
  return parts.map((part) => {
    if (!options.decode) return Buffer.from(part, "utf8");
    if (options.binary === "hex" && /^0x([0-9a-fA-F]{2})*$/.test(part)) return Buffer.from(part.slice(2), "hex");
    if (options.binary === "base64" && part.startsWith("base64:")) return Buffer.from(part.slice(7), "base64");
    return Buffer.from(part, "utf8");
  });
}
