/**
 * Distributor (libzmq dist): fan-out of each message to every selected pipe. Used by
 * PUB, XPUB (selected = subscribed to the message's first frame) and XSUB (all
 * publishers). A pipe at its high-water mark loses its copy (counted as a drop),
 * unless the caller first checks `allHaveRoom` (XPUB noDrop) and waits instead.
 */
import type { Pipe } from "../pipe/pipe.js";

export class Distributor {
  readonly #pipes: Pipe[] = [];

  get pipes(): readonly Pipe[] {
    return this.#pipes;
  }

  attach(pipe: Pipe): void {
    this.#pipes.push(pipe);
  }

  detach(pipe: Pipe): void {
    const index = this.#pipes.indexOf(pipe);
    if (index >= 0) this.#pipes.splice(index, 1);
  }

  /** Writes `msg` to every pipe `select` accepts; returns how many copies were dropped at HWM. */
  send(msg: Buffer[], select?: (pipe: Pipe) => boolean): number {
    let dropped = 0;
    for (const pipe of this.#pipes) {
      if (select && !select(pipe)) continue;
      if (pipe.write(msg)) pipe.flush();
      else dropped++;
    }
    return dropped;
  }

  /** True if every selected pipe would accept a message now. */
  allHaveRoom(select?: (pipe: Pipe) => boolean): boolean {
    return this.#pipes.every((pipe) => (select && !select(pipe)) || pipe.checkWrite());
  }
}
