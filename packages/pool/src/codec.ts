/**
 * Structured clone with node:v8, plus SharedArrayBuffers (and plain data as JSON).
 *
 * `v8.serialize` copies typed arrays (as host objects) and cannot carry a
 * SharedArrayBuffer at all; postMessage shares it. Pools are often handed shared memory,
 * so the pool shares it too, with threads it spawned: typed arrays over shared memory and
 * bare SharedArrayBuffers are written as (buffer index, view type, offset, length)
 * references, and the list of buffers travels out of band. The pool and each thread it
 * spawned share a MessagePort (the "side port"); the list is posted there *before* the
 * socket message that refers to it is written, so it is already queued when the reader
 * meets that message and takes it with receiveMessageOnPort (the ordering SharedPipe
 * relies on for its large messages). Processes and other hosts cannot share memory: for
 * them a SharedArrayBuffer is a DataCloneError.
 */
import { DefaultDeserializer, DefaultSerializer } from "node:v8";
import { readNodeHostObject } from "threadmq/internal/host-objects";
import { isPlainJson, isPlainJsonPayload, readPlainJson, writePlainJson } from "threadmq/internal/plain-json";

/** Tags after Node's own typed-array indices (0..12) in host-object records. */
const TAG_SHARED_VIEW = 0x5348_0001;
const TAG_SHARED_BARE = 0x5348_0002;

const viewTypes = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  DataView,
  Buffer,
  BigInt64Array,
  BigUint64Array,
] as const;

// Node's own host-object hooks (not in @types/node).
const nodeWriteHostObject = (DefaultSerializer.prototype as unknown as { _writeHostObject(this: DefaultSerializer, view: unknown): void })._writeHostObject;

/** DataViews standing for a bare SharedArrayBuffer during serialization. */
const bareMarkers = new WeakSet<object>();

class SharingSerializer extends DefaultSerializer {
  readonly shared: SharedArrayBuffer[] = [];
  sawBare = false;

  #index(buffer: SharedArrayBuffer): number {
    let id = this.shared.indexOf(buffer);
    if (id < 0) id = this.shared.push(buffer) - 1;
    return id;
  }

  _writeHostObject(view: NodeJS.TypedArray | DataView): void {
    const buffer = view.buffer;
    if (!(buffer instanceof SharedArrayBuffer)) return nodeWriteHostObject.call(this, view);
    if (bareMarkers.has(view)) {
      this.writeUint32(TAG_SHARED_BARE);
      this.writeUint32(this.#index(buffer));
      return;
    }
    const type = viewTypes.findIndex((ctor) => view.constructor === ctor);
    this.writeUint32(TAG_SHARED_VIEW);
    this.writeUint32(this.#index(buffer));
    this.writeUint32(type < 0 ? 1 : type);
    this.writeUint32(view.byteOffset);
    this.writeUint32(view.byteLength);
  }

  // A bare SharedArrayBuffer: V8 asks for an id that Node cannot resolve when reading, so
  // note it; encode() starts over with bare buffers wrapped in marked views.
  _getSharedArrayBufferId(): number {
    this.sawBare = true;
    return 0;
  }
}

class SharingDeserializer extends DefaultDeserializer {
  readonly #shared: readonly SharedArrayBuffer[] | undefined;

  constructor(bytes: Buffer, shared: readonly SharedArrayBuffer[] | undefined) {
    super(bytes);
    this.#shared = shared;
  }

  _readHostObject(): unknown {
    const tag = this.readUint32();
    if (tag === TAG_SHARED_BARE || tag === TAG_SHARED_VIEW) {
      const buffer = this.#shared?.[this.readUint32()];
      if (!buffer) throw new Error("shared memory reference without its SharedArrayBuffer");
      if (tag === TAG_SHARED_BARE) return buffer;
      const Ctor = viewTypes[this.readUint32()] ?? Uint8Array;
      const byteOffset = this.readUint32();
      const byteLength = this.readUint32();
      if (Ctor === Buffer) return Buffer.from(buffer, byteOffset, byteLength);
      const per = (Ctor as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
      return new (Ctor as unknown as new (b: ArrayBufferLike, o: number, l: number) => unknown)(buffer, byteOffset, Ctor === DataView ? byteLength : byteLength / per);
    }
    // Not ours: hand the tag back to Node's reader, which reads it first.
    return readNodeHostObject(this, tag);
  }
}

const NOTHING_SHARED: SharedArrayBuffer[] = [];

/**
 * Serializes `value`; the SharedArrayBuffers it refers to come back in `shared` (empty:
 * none; never written to). Plain data takes the JSON fast path (threadmq/internal/plain-json).
 */
export function encode(value: unknown): { bytes: Buffer; shared: SharedArrayBuffer[] } {
  if (isPlainJson(value)) return { bytes: writePlainJson(value), shared: NOTHING_SHARED };
  let serializer = new SharingSerializer();
  serializer.writeHeader();
  serializer.writeValue(value);
  if (serializer.sawBare) {
    serializer = new SharingSerializer();
    serializer.writeHeader();
    serializer.writeValue(wrapBare(value, new Map()));
  }
  return { bytes: serializer.releaseBuffer(), shared: serializer.shared };
}

/** Deserializes bytes from {@link encode}, given the SharedArrayBuffers it refers to. */
export function decode(bytes: Buffer, shared: readonly SharedArrayBuffer[] | undefined): unknown {
  if (isPlainJsonPayload(bytes)) return readPlainJson(bytes);
  const deserializer = new SharingDeserializer(bytes, shared);
  deserializer.readHeader();
  return deserializer.readValue();
}

/**
 * A copy of `value` where each bare SharedArrayBuffer is a marked DataView over it. Only
 * containers are copied (as structured clone would copy them anyway); cycles and shared
 * references are kept.
 */
function wrapBare(value: unknown, seen: Map<object, unknown>): unknown {
  if (value instanceof SharedArrayBuffer) {
    let marker = seen.get(value);
    if (!marker) {
      marker = new DataView(value);
      bareMarkers.add(marker as DataView);
      seen.set(value, marker);
    }
    return marker;
  }
  if (typeof value !== "object" || value === null || ArrayBuffer.isView(value) || value instanceof Date || value instanceof RegExp || value instanceof Error) {
    return value;
  }
  const known = seen.get(value);
  if (known !== undefined) return known;
  if (Array.isArray(value)) {
    const copy: unknown[] = new Array(value.length);
    seen.set(value, copy);
    for (let i = 0; i < value.length; i++) if (i in value) copy[i] = wrapBare(value[i], seen);
    return copy;
  }
  if (value instanceof Map) {
    const copy = new Map();
    seen.set(value, copy);
    for (const [k, v] of value) copy.set(wrapBare(k, seen), wrapBare(v, seen));
    return copy;
  }
  if (value instanceof Set) {
    const copy = new Set();
    seen.set(value, copy);
    for (const v of value) copy.add(wrapBare(v, seen));
    return copy;
  }
  const copy: Record<string, unknown> = {};
  seen.set(value, copy);
  for (const key of Object.keys(value)) copy[key] = wrapBare((value as Record<string, unknown>)[key], seen);
  return copy;
}

export function noSharingError(): Error {
  return Object.assign(new Error("a SharedArrayBuffer can only be shared with a worker thread the pool spawned in this process"), {
    name: "DataCloneError",
  });
}
