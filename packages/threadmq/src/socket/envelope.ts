/** Frames the patterns add and recognise: the REQ/REP delimiter and subscription messages. */
export const delimiter = Buffer.alloc(0);

export const SUBSCRIBE = 1;
export const CANCEL = 0;

/** `[0x01 ‖ topic]` or `[0x00 ‖ topic]`: how SUB/XSUB tell publishers what they want. */
export function subscriptionMessage(kind: typeof SUBSCRIBE | typeof CANCEL, topic: Buffer): Buffer[] {
  const frame = Buffer.allocUnsafe(topic.length + 1);
  frame[0] = kind;
  topic.copy(frame, 1);
  return [frame];
}

/** Reads a subscription message; undefined for any other message. */
export function parseSubscription(msg: Buffer[]): { kind: typeof SUBSCRIBE | typeof CANCEL; topic: Buffer } | undefined {
  const first = msg[0];
  if (msg.length !== 1 || !first || first.length === 0 || (first[0] !== SUBSCRIBE && first[0] !== CANCEL)) return undefined;
  return { kind: first[0] as typeof SUBSCRIBE | typeof CANCEL, topic: first.subarray(1) };
}
