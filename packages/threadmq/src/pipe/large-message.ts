/**
 * Large messages cross threads as one transferred ArrayBuffer (the ring keeps their place
 * with a marker): all frames in one contiguous copy, [u32 count][u32 length]*count, then
 * the bytes.
 */

/**
 * One contiguous copy of all frames: [u32 count][u32 length]*count, then the bytes.
 * allocUnsafeSlow gives a whole, unpooled (so transferable) ArrayBuffer without the
 * zero-fill of `new ArrayBuffer`; the copies are native memmoves.
 */
export function encodeLarge(frames: readonly Uint8Array[]): ArrayBuffer {
  let bytes = 0;
  for (const f of frames) bytes += f.length;
  const head = 4 * (1 + frames.length);
  const out = Buffer.allocUnsafeSlow(head + bytes);
  const ab = out.buffer as ArrayBuffer;
  if (out.byteOffset !== 0 || ab.byteLength !== out.length) throw new Error("threadmq internal error: unexpected slow buffer layout");
  const words = new Uint32Array(ab, 0, 1 + frames.length);
  words[0] = frames.length;
  let off = head;
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!;
    words[i + 1] = f.length;
    (Buffer.isBuffer(f) ? f : Buffer.from(f.buffer, f.byteOffset, f.byteLength)).copy(out, off);
    off += f.length;
  }
  return ab;
}

/** Frames become views of the transferred buffer: it is ours alone, no copy needed. */
export function decodeLarge(ab: ArrayBuffer): Buffer[] {
  const count = new Uint32Array(ab, 0, 1)[0]!;
  const lengths = new Uint32Array(ab, 4, count);
  const frames = new Array<Buffer>(count);
  let off = 4 * (1 + count);
  for (let i = 0; i < count; i++) {
    const len = lengths[i]!;
    frames[i] = Buffer.from(ab, off, len);
    off += len;
  }
  return frames;
}
