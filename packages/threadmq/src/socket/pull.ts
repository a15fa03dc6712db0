import type { Message } from "../message.js";
import type { Pipe } from "../pipe/pipe.js";
import { FairQueue } from "../routing/fair-queue.js";
import type { CommonOptions, ConflateOption, SocketOptions } from "../options/types.js";
import { SocketBase, type ContextCore, type Readable } from "./socket-base.js";

/** PULL (RFC 30): fair-queues messages from connected PUSH peers. */
export class Pull extends SocketBase {
  protected readonly canSend = false;
  protected readonly canReceive = true;
  readonly #fq = new FairQueue();

  constructor(context: ContextCore, options?: SocketOptions<Pull>) {
    super(context, "PULL", options);
  }

  protected xAttachPipe(pipe: Pipe): void {
    this.#fq.attach(pipe);
  }
  protected xPipeTerminated(pipe: Pipe): void {
    this.#fq.detach(pipe);
  }
  protected override xReadActivated(pipe: Pipe): void {
    this.#fq.activated(pipe);
  }
  protected override xRecv(): Message | undefined {
    return this.#fq.recv()?.msg;
  }
  protected xHasIn(): boolean {
    return this.#fq.hasIn();
  }
  protected xHasOut(): boolean {
    return false;
  }
}
export interface Pull extends Readable, CommonOptions, ConflateOption {}
