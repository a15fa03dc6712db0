import { ZmqError } from "../errors.js";
import type { Message } from "../message.js";
import type { Pipe } from "../pipe/pipe.js";
import { FairQueue } from "../routing/fair-queue.js";
import type { CommonOptions, RoutingIdOption, SocketOptions } from "../options/types.js";
import { SocketBase, type ContextCore, type Readable, type Writable } from "./socket-base.js";

/**
 * REP (RFC 28): strictly receive, send, receive, send. A request's envelope (every
 * frame up to and including the first empty one) is stored and put back in front of
 * the reply, which goes to the pipe the request came from. A request without an
 * empty frame is discarded; a reply to a peer that is gone or full is dropped.
 */
export class Reply extends SocketBase {
  protected readonly canSend = true;
  protected readonly canReceive = true;
  readonly #fq = new FairQueue();
  #mustReply = false;
  #replyPipe: Pipe | undefined;
  #envelope: Message = [];

  constructor(context: ContextCore, options?: SocketOptions<Reply>) {
    super(context, "REP", options);
  }

  protected xAttachPipe(pipe: Pipe): void {
    this.#fq.attach(pipe);
  }
  protected xPipeTerminated(pipe: Pipe): void {
    this.#fq.detach(pipe);
    if (pipe === this.#replyPipe) this.#replyPipe = undefined;
  }
  protected override xReadActivated(pipe: Pipe): void {
    this.#fq.activated(pipe);
  }

  protected override xRecv(): Message | undefined {
    if (this.#mustReply) {
      if (this.sendsPending) return undefined;
      throw new ZmqError("EFSM", "REP socket must send a reply before it can receive the next request");
    }
    for (;;) {
      const next = this.#fq.recv();
      if (!next) return undefined;
      const split = next.msg.findIndex((frame) => frame.length === 0);
      if (split < 0 || split === next.msg.length - 1) {
        this.countDiscarded();
        continue;
      }
      this.#envelope = next.msg.slice(0, split + 1);
      this.#replyPipe = next.pipe;
      this.#mustReply = true;
      return next.msg.slice(split + 1);
    }
  }

  protected override xSend(msg: Message): boolean {
    if (!this.#mustReply) {
      // A reply sent right after a receive that is still waiting: keep call order.
      if (this.receivesPending) return false;
      throw new ZmqError("EFSM", "REP socket must receive a request before it can send a reply");
    }
    const pipe = this.#replyPipe;
    this.#mustReply = false;
    this.#replyPipe = undefined;
    if (pipe && pipe.write([...this.#envelope, ...msg])) pipe.flush();
    else this.countDropped();
    this.#envelope = [];
    return true;
  }

  protected xHasIn(): boolean {
    return !this.#mustReply && this.#fq.hasIn();
  }
  protected xHasOut(): boolean {
    return this.#mustReply;
  }
}
export interface Reply extends Readable, Writable, CommonOptions, RoutingIdOption {}
