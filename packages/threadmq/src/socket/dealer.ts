import type { Message } from "../message.js";
import type { Pipe } from "../pipe/pipe.js";
import { FairQueue } from "../routing/fair-queue.js";
import { LoadBalancer } from "../routing/load-balancer.js";
import type { CommonOptions, ConflateOption, ProbeRouterOption, RoutingIdOption, SocketOptions } from "../options/types.js";
import { delimiter } from "./envelope.js";
import { SocketBase, type ContextCore, type Readable, type Writable } from "./socket-base.js";
import type { SocketType } from "./socket-type.js";

/**
 * DEALER (RFC 28): round-robin out, fair-queue in, no envelope handling. PAIR is the
 * same composition limited to one peer.
 */
export class Dealer extends SocketBase {
  protected readonly canSend = true;
  protected readonly canReceive = true;
  readonly #lb = new LoadBalancer();
  readonly #fq = new FairQueue();

  constructor(context: ContextCore, options?: SocketOptions<Dealer>, type: SocketType = "DEALER") {
    super(context, type, options);
  }

  protected xAttachPipe(pipe: Pipe): void {
    if (this.option("probeRouter") === true && pipe.write([delimiter])) pipe.flush();
    this.#lb.attach(pipe);
    this.#fq.attach(pipe);
  }
  protected xPipeTerminated(pipe: Pipe): void {
    this.#lb.detach(pipe);
    this.#fq.detach(pipe);
  }
  protected override xReadActivated(pipe: Pipe): void {
    this.#fq.activated(pipe);
  }
  protected override xSend(msg: Message): boolean {
    return this.#lb.send(msg) !== undefined;
  }
  protected override xRecv(): Message | undefined {
    return this.#fq.recv()?.msg;
  }
  protected xHasIn(): boolean {
    return this.#fq.hasIn();
  }
  protected xHasOut(): boolean {
    return this.#lb.hasOut();
  }
}
export interface Dealer extends Readable, Writable, CommonOptions, RoutingIdOption, ConflateOption, ProbeRouterOption {}
