import { ZmqError } from "../errors.js";
import type { Message } from "../message.js";
import type { Pipe } from "../pipe/pipe.js";
import type { CommonOptions, RequestOptions, RoutingIdOption, SocketOptions } from "../options/types.js";
import { delimiter } from "./envelope.js";
import { DealerCore } from "./dealer-core.js";
import type { ContextCore, Readable, Writable } from "./socket-base.js";

/**
 * REQ (RFC 28): strictly send, receive, send, receive. Requests go round-robin with an
 * empty delimiter frame in front; only a well-formed reply from the peer that got the
 * last request is accepted, anything else is discarded (`stats.messagesDiscarded`).
 * `relaxed` allows a new request before the reply; `correlate` tags requests with an id.
 */
export class Request extends DealerCore {
  #awaitingReply = false;
  #replyPipe: Pipe | undefined;
  #requestId = (Math.random() * 0x1_0000_0000) >>> 0;
  #requestIdFrame: Buffer | undefined;

  constructor(context: ContextCore, options?: SocketOptions<Request>) {
    super(context, "REQ", options);
  }

  protected override xPipeTerminated(pipe: Pipe): void {
    super.xPipeTerminated(pipe);
    if (pipe === this.#replyPipe) this.#replyPipe = undefined;
  }

  protected override xSend(msg: Message): boolean {
    if (this.#awaitingReply && this.option("relaxed") !== true) {
      throw new ZmqError("EFSM", "REQ socket cannot send twice without a reply; receive the reply first (or set relaxed)");
    }
    // libzmq: replies still queued from earlier requests can never be the answer to this one.
    for (let stale = this.receiveFairly(); stale; stale = this.receiveFairly()) this.countDiscarded();
    let frames: Message;
    let idFrame: Buffer | undefined;
    if (this.option("correlate") === true) {
      idFrame = Buffer.allocUnsafe(4);
      idFrame.writeUInt32BE((this.#requestId = (this.#requestId + 1) >>> 0));
      frames = [idFrame, delimiter, ...msg];
    } else {
      frames = [delimiter, ...msg];
    }
    const pipe = this.sendRoundRobin(frames);
    if (!pipe) return false;
    this.#replyPipe = pipe;
    this.#requestIdFrame = idFrame;
    this.#awaitingReply = true;
    return true;
  }

  protected override xRecv(): Message | undefined {
    if (!this.#awaitingReply) {
      // A receive called right after a send that is still waiting: keep call order.
      if (this.sendsPending) return undefined;
      throw new ZmqError("EFSM", "REQ socket must send a request before it can receive a reply");
    }
    for (;;) {
      const next = this.receiveFairly();
      if (!next) return undefined;
      const body = next.pipe === this.#replyPipe ? this.#unwrap(next.msg) : undefined;
      if (!body) {
        this.countDiscarded();
        continue;
      }
      this.#awaitingReply = false;
      this.#replyPipe = undefined;
      return body;
    }
  }

  /** The reply body, or undefined when the envelope is not `[id?] "" body…` for the current request. */
  #unwrap(msg: Message): Message | undefined {
    let start = 0;
    if (this.#requestIdFrame) {
      if (!msg[0]?.equals(this.#requestIdFrame)) return undefined;
      start = 1;
    }
    if (msg.length < start + 2 || msg[start]!.length !== 0) return undefined;
    return msg.slice(start + 1);
  }

  protected override xHasIn(): boolean {
    return this.#awaitingReply && super.xHasIn();
  }
  protected override xHasOut(): boolean {
    return (!this.#awaitingReply || this.option("relaxed") === true) && super.xHasOut();
  }
}
export interface Request extends Readable, Writable, CommonOptions, RoutingIdOption, RequestOptions {}
