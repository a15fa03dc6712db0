/**
 * For packages that extend node:v8's structured clone with host objects of their own
 * (@threadmq/pool's shared memory, @threadmq/comlink's ports): when a subclass's
 * `_readHostObject` has read a tag that is not one of its own, this hands the tag back to
 * Node's own reader (which reads the tag first itself) and returns what it reads.
 */
import { DefaultDeserializer } from "node:v8";

const nodeReadHostObject = (DefaultDeserializer.prototype as unknown as { _readHostObject(this: DefaultDeserializer): unknown })
  ._readHostObject;

export function readNodeHostObject(deserializer: DefaultDeserializer, tag: number): unknown {
  const readUint32 = deserializer.readUint32;
  let replay = true;
  deserializer.readUint32 = () => {
    if (replay) {
      replay = false;
      return tag;
    }
    return readUint32.call(deserializer);
  };
  try {
    return nodeReadHostObject.call(deserializer);
  } finally {
    delete (deserializer as { readUint32?: unknown }).readUint32;
  }
}
