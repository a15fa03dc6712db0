/**
 * FairQueue (libzmq fq): takes one whole message from each readable pipe in turn,
 * so a chatty peer cannot starve a quiet one. Used by PULL, DEALER, ROUTER, SUB, REP,
 * REQ. Pipes that had nothing to read are parked until they report readActivated, so
 * an idle peer costs nothing per receive.
 */
import type { Pipe } from "../pipe/pipe.js";

export class FairQueue {
  /** Pipes that may have messages; parked (drained) ones are left out. */
  readonly #active: Pipe[] = [];
  readonly #all = new Set<Pipe>();
  #current = 0;
  /** A message taken early by hasIn, handed out first by the next recv. */
  #prefetched: { msg: Buffer[]; pipe: Pipe } | undefined;

  attach(pipe: Pipe): void {
    this.#all.add(pipe);
    this.#active.push(pipe);
  }

  detach(pipe: Pipe): void {
    this.#all.delete(pipe);
    if (this.#prefetched?.pipe === pipe) this.#prefetched = undefined;
    this.#deactivate(pipe);
  }

  activated(pipe: Pipe): void {
    if (this.#all.has(pipe) && !this.#active.includes(pipe)) this.#active.push(pipe);
  }

  /** The next message and the pipe it came from, or undefined when no pipe has one. */
  recv(): { msg: Buffer[]; pipe: Pipe } | undefined {
    const early = this.#prefetched;
    if (early) {
      this.#prefetched = undefined;
      return early;
    }
    const active = this.#active;
    while (active.length > 0) {
      if (this.#current >= active.length) this.#current = 0;
      const pipe = active[this.#current]!;
      const msg = pipe.read();
      if (msg !== undefined) {
        this.#current++;
        return { msg, pipe };
      }
      active.splice(this.#current, 1);
    }
    // A parked pipe's activation arrives asynchronously; a caller polling synchronously
    // (tryReceive in a loop) must still see messages written meanwhile, so look once.
    if (this.#all.size > 0) {
      for (const pipe of this.#all) {
        const msg = pipe.read();
        if (msg !== undefined) {
          active.push(pipe);
          this.#current = active.length;
          return { msg, pipe };
        }
      }
    }
    return undefined;
  }

  /** True if some pipe has a message. A pipe can only tell by reading, so the message is kept for recv. */
  hasIn(): boolean {
    this.#prefetched ??= this.recv();
    return this.#prefetched !== undefined;
  }

  #deactivate(pipe: Pipe): void {
    const index = this.#active.indexOf(pipe);
    if (index < 0) return;
    this.#active.splice(index, 1);
    if (this.#current > index) this.#current--;
  }
}
