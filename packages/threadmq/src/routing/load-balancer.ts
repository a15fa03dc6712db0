/**
 * LoadBalancer (libzmq lb): round robin over pipes that have room. Used by PUSH,
 * DEALER, REQ. Invariants: a whole message goes to one pipe (messages are whole by
 * construction); a full pipe is skipped, not waited on; if every pipe is full, or
 * there are none, `send` returns undefined and the socket blocks (never drops).
 */
import type { Pipe } from "../pipe/pipe.js";

export class LoadBalancer {
  readonly #pipes: Pipe[] = [];
  #next = 0;

  attach(pipe: Pipe): void {
    this.#pipes.push(pipe);
  }

  detach(pipe: Pipe): void {
    const index = this.#pipes.indexOf(pipe);
    if (index < 0) return;
    this.#pipes.splice(index, 1);
    if (this.#next > index) this.#next--;
    if (this.#next >= this.#pipes.length) this.#next = 0;
  }

  /** Writes to the next pipe with room; returns that pipe, or undefined if none has room. */
  send(msg: Buffer[]): Pipe | undefined {
    const pipes = this.#pipes;
    const count = pipes.length;
    for (let i = 0; i < count; i++) {
      const index = (this.#next + i) % count;
      const pipe = pipes[index]!;
      if (pipe.write(msg)) {
        pipe.flush();
        this.#next = (index + 1) % count;
        return pipe;
      }
    }
    return undefined;
  }

  /** True if some pipe has room. */
  hasOut(): boolean {
    return this.#pipes.some((pipe) => pipe.checkWrite());
  }
}
