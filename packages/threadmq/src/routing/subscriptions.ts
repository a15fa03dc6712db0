/**
 * Subscriptions: counted binary prefixes (libzmq's trie semantics). Subscribing "A"
 * twice needs two unsubscribes; "" matches everything. Used per pipe by PUB/XPUB
 * (which topics a subscriber wants) and locally by SUB (filtering what arrives).
 */
export class Subscriptions {
  /** Topic (as latin1 text, byte for byte) -> count. */
  readonly #counts = new Map<string, number>();
  #everything = 0;

  get size(): number {
    return this.#counts.size + (this.#everything > 0 ? 1 : 0);
  }

  /** True if `topic` itself (not a prefix of it) is held. */
  has(topic: Buffer): boolean {
    return topic.length === 0 ? this.#everything > 0 : this.#counts.has(topic.toString("latin1"));
  }

  /** Adds one reference; true if the topic is new. */
  add(topic: Buffer): boolean {
    if (topic.length === 0) return this.#everything++ === 0;
    const key = topic.toString("latin1");
    const count = this.#counts.get(key) ?? 0;
    this.#counts.set(key, count + 1);
    return count === 0;
  }

  /** Removes one reference; returns how many remain, or -1 for a topic not held. */
  remove(topic: Buffer): number {
    if (topic.length === 0) return this.#everything === 0 ? -1 : --this.#everything;
    const key = topic.toString("latin1");
    const count = this.#counts.get(key);
    if (count === undefined) return -1;
    if (count === 1) this.#counts.delete(key);
    else this.#counts.set(key, count - 1);
    return count - 1;
  }

  /** True if some subscription is a prefix of `frame`. */
  matches(frame: Buffer): boolean {
    if (this.#everything > 0) return true;
    if (this.#counts.size === 0) return false;
    for (const key of this.#counts.keys()) {
      if (key.length <= frame.length && frame.toString("latin1", 0, key.length) === key) return true;
    }
    return false;
  }

  /** Every topic with its count, emptying the set (a subscriber went away). */
  clear(): Array<[Buffer, number]> {
    const list: Array<[Buffer, number]> = [...this.#counts].map(([key, count]) => [Buffer.from(key, "latin1"), count]);
    if (this.#everything > 0) list.unshift([Buffer.alloc(0), this.#everything]);
    this.#counts.clear();
    this.#everything = 0;
    return list;
  }

  /** Every distinct topic held, as Buffers. */
  topics(): Buffer[] {
    const list = [...this.#counts.keys()].map((key) => Buffer.from(key, "latin1"));
    if (this.#everything > 0) list.unshift(Buffer.alloc(0));
    return list;
  }
}
