import type { Pipe } from "../pipe/pipe.js";
import type { CommonOptions, ConflateOption, SocketOptions } from "../options/types.js";
import { DealerCore } from "./dealer-core.js";
import type { ContextCore, Readable, Writable } from "./socket-base.js";

/**
 * PAIR (RFC 31): exclusive connection to one peer. A second peer is refused at once
 * (its pipe is terminated), even while the first one is still closing.
 */
export class Pair extends DealerCore {
  #peer: Pipe | undefined;

  constructor(context: ContextCore, options?: SocketOptions<Pair>) {
    super(context, "PAIR", options);
  }

  protected override xAttachPipe(pipe: Pipe): void {
    if (this.#peer) {
      pipe.terminate(0);
      return;
    }
    this.#peer = pipe;
    super.xAttachPipe(pipe);
  }
  protected override xPipeTerminated(pipe: Pipe): void {
    if (pipe !== this.#peer) return;
    this.#peer = undefined;
    super.xPipeTerminated(pipe);
  }
}
export interface Pair extends Readable, Writable, CommonOptions, ConflateOption {}
