/**
 * RoutingTable (libzmq router's outpipes): routing id <-> pipe. A peer's id is the one it
 * announced (ROUTING_ID / ZMTP Identity) or a generated 5-byte `0x00 + uint32` id, the
 * counter starting at a random value as libzmq's. A duplicate announced id is refused
 * (the new pipe is told to go away) unless `handover`, where the newcomer takes it.
 */
import type { Pipe } from "../pipe/pipe.js";

export class RoutingTable {
  readonly #byId = new Map<string, Pipe>();
  readonly #idOf = new Map<Pipe, Buffer>();
  #nextId = (Math.random() * 0x1_0000_0000) >>> 0;

  /**
   * Registers a new pipe. Returns the pipe that must be terminated as a result
   * (the newcomer when its id is taken, or the previous holder under handover), if any.
   */
  add(pipe: Pipe, handover: boolean): Pipe | undefined {
    const announced = pipe.peerRoutingId;
    let id: Buffer;
    let evicted: Pipe | undefined;
    if (announced && announced.length > 0) {
      const holder = this.#byId.get(announced.toString("latin1"));
      if (holder) {
        if (!handover) return pipe;
        this.remove(holder);
        evicted = holder;
      }
      id = announced;
    } else {
      id = Buffer.allocUnsafe(5);
      id[0] = 0;
      id.writeUInt32BE(this.#nextId, 1);
      this.#nextId = (this.#nextId + 1) >>> 0;
    }
    this.#byId.set(id.toString("latin1"), pipe);
    this.#idOf.set(pipe, id);
    return evicted;
  }

  remove(pipe: Pipe): void {
    const id = this.#idOf.get(pipe);
    if (!id) return;
    this.#idOf.delete(pipe);
    this.#byId.delete(id.toString("latin1"));
  }

  has(pipe: Pipe): boolean {
    return this.#idOf.has(pipe);
  }

  idOf(pipe: Pipe): Buffer | undefined {
    return this.#idOf.get(pipe);
  }

  pipeFor(id: Buffer): Pipe | undefined {
    return this.#byId.get(id.toString("latin1"));
  }

  pipes(): IterableIterator<Pipe> {
    return this.#idOf.keys();
  }
}
