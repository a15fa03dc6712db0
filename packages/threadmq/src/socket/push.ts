import type { Message } from "../message.js";
import type { Pipe } from "../pipe/pipe.js";
import { LoadBalancer } from "../routing/load-balancer.js";
import type { CommonOptions, ConflateOption, SocketOptions } from "../options/types.js";
import { SocketBase, type ContextCore, type Writable } from "./socket-base.js";

/** PUSH (RFC 30): round-robins messages to connected PULL peers; blocks when all are full. */
export class Push extends SocketBase {
  protected readonly canSend = true;
  protected readonly canReceive = false;
  readonly #lb = new LoadBalancer();

  constructor(context: ContextCore, options?: SocketOptions<Push>) {
    super(context, "PUSH", options);
  }

  protected xAttachPipe(pipe: Pipe): void {
    this.#lb.attach(pipe);
  }
  protected xPipeTerminated(pipe: Pipe): void {
    this.#lb.detach(pipe);
  }
  protected override xSend(msg: Message): boolean {
    return this.#lb.send(msg) !== undefined;
  }
  protected xHasIn(): boolean {
    return false;
  }
  protected xHasOut(): boolean {
    return this.#lb.hasOut();
  }
}
export interface Push extends Writable, CommonOptions, ConflateOption {}
