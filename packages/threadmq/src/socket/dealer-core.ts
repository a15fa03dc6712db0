import type { Message } from "../message.js";
import type { Pipe } from "../pipe/pipe.js";
import { FairQueue } from "../routing/fair-queue.js";
import { LoadBalancer } from "../routing/load-balancer.js";
import { delimiter } from "./envelope.js";
import { SocketBase, type ContextCore } from "./socket-base.js";
import type { SocketType } from "./socket-type.js";

/**
 * The composition DEALER, PAIR and REQ share: round-robin out over pipes with room,
 * fair-queue in, and `probeRouter` (an empty message on every new connection) where the
 * type has it. Subclasses add only their own rules (PAIR's one peer, REQ's lockstep).
 */
export abstract class DealerCore extends SocketBase {
  protected readonly canSend = true;
  protected readonly canReceive = true;
  readonly #lb = new LoadBalancer();
  readonly #fq = new FairQueue();

  protected constructor(context: ContextCore, type: SocketType, options: object | undefined) {
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
    return this.sendRoundRobin(msg) !== undefined;
  }
  protected override xRecv(): Message | undefined {
    return this.receiveFairly()?.msg;
  }
  protected xHasIn(): boolean {
    return this.#fq.hasIn();
  }
  protected xHasOut(): boolean {
    return this.#lb.hasOut();
  }

  /** Writes to the next pipe with room; that pipe, or undefined if none has room. */
  protected sendRoundRobin(msg: Message): Pipe | undefined {
    return this.#lb.send(msg);
  }

  /** The next message in fair order, with the pipe it came from. */
  protected receiveFairly(): { msg: Message; pipe: Pipe } | undefined {
    return this.#fq.recv();
  }
}
