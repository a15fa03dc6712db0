import { ZmqError } from "../errors.js";
import { toFrame, type FrameLike, type Message } from "../message.js";
import type { Pipe } from "../pipe/pipe.js";
import { Distributor } from "../routing/distributor.js";
import { FairQueue } from "../routing/fair-queue.js";
import { Subscriptions } from "../routing/subscriptions.js";
import type { CommonOptions, ConflateOption, SocketOptions } from "../options/types.js";
import { CANCEL, SUBSCRIBE, parseSubscription, subscriptionMessage } from "./envelope.js";
import { SocketBase, type ContextCore, type Readable, type Writable } from "./socket-base.js";
import type { SocketType } from "./socket-type.js";

/**
 * Subscriber side of RFC 29. Subscriptions travel upstream as `[0x01 ‖ topic]` /
 * `[0x00 ‖ topic]` messages to every publisher, and are sent again to each new
 * publisher connection. Every subscribe is forwarded; an unsubscribe only when the
 * last reference to the topic goes (libzmq). SUB also filters locally; XSUB does not.
 */
export abstract class SubscriberCore extends SocketBase {
  protected readonly canReceive = true;
  readonly #fq = new FairQueue();
  readonly #publishers = new Distributor();
  readonly #subscriptions = new Subscriptions();
  protected abstract readonly filters: boolean;

  protected constructor(context: ContextCore, type: SocketType, options: object | undefined) {
    super(context, type, options);
  }

  protected xAttachPipe(pipe: Pipe): void {
    this.#fq.attach(pipe);
    this.#publishers.attach(pipe);
    this.#sendSubscriptions(pipe);
  }
  /** A publisher we reconnected to knows nothing of us: tell it again (libzmq xsub hiccup). */
  protected override xHiccuped(pipe: Pipe): void {
    this.#sendSubscriptions(pipe);
  }
  #sendSubscriptions(pipe: Pipe): void {
    for (const topic of this.#subscriptions.topics()) {
      if (pipe.write(subscriptionMessage(SUBSCRIBE, topic))) pipe.flush();
    }
  }
  protected xPipeTerminated(pipe: Pipe): void {
    this.#fq.detach(pipe);
    this.#publishers.detach(pipe);
  }
  protected override xReadActivated(pipe: Pipe): void {
    this.#fq.activated(pipe);
  }

  /** Applies a subscription message to our set and forwards it if libzmq would. */
  protected subscription(kind: typeof SUBSCRIBE | typeof CANCEL, topic: Buffer): void {
    if (kind === SUBSCRIBE) {
      this.#subscriptions.add(topic);
    } else if (this.#subscriptions.remove(topic) !== 0) {
      return;
    }
    this.#publishers.send(subscriptionMessage(kind, topic));
  }

  /**
   * Subscribes to messages whose first frame starts with any of `prefixes`
   * (ZMQ_SUBSCRIBE). No argument, or `""`, subscribes to everything. Counted:
   * subscribing twice needs two unsubscribes.
   */
  subscribe(...prefixes: FrameLike[]): void {
    this.#each(prefixes, SUBSCRIBE);
  }

  /** Removes one reference to each prefix (ZMQ_UNSUBSCRIBE); no argument means `""`. */
  unsubscribe(...prefixes: FrameLike[]): void {
    this.#each(prefixes, CANCEL);
  }

  #each(prefixes: FrameLike[], kind: typeof SUBSCRIBE | typeof CANCEL): void {
    if (this.closed) throw new ZmqError("ENOTSOCK", `this ${this.type} socket is closed`);
    const topics = (prefixes.length === 0 ? [""] : prefixes).map((prefix, i) => toFrame(prefix, i));
    for (const topic of topics) this.subscription(kind, topic);
    this.stateChanged();
  }

  /** Sends a user message to every publisher (XSUB's upstream data). */
  protected upstream(msg: Message): void {
    const dropped = this.#publishers.send(msg);
    for (let i = 0; i < dropped; i++) this.countDropped();
  }

  protected override xRecv(): Message | undefined {
    for (;;) {
      const next = this.#fq.recv();
      if (!next) return undefined;
      if (!this.filters || this.#subscriptions.matches(next.msg[0]!)) return next.msg;
      this.countDiscarded();
    }
  }
  protected xHasIn(): boolean {
    return this.#fq.hasIn();
  }
}

/** XSUB: a subscriber that subscribes by sending `[0x01 ‖ topic]` and receives unfiltered. */
export class XSubscriber extends SubscriberCore {
  protected readonly canSend = true;
  protected readonly filters = false;

  constructor(context: ContextCore, options?: SocketOptions<XSubscriber>) {
    super(context, "XSUB", options);
  }

  protected override xSend(msg: Message): boolean {
    const sub = parseSubscription(msg);
    if (sub) this.subscription(sub.kind, sub.topic);
    else this.upstream(msg);
    return true;
  }
  protected xHasOut(): boolean {
    return true;
  }
}
export interface XSubscriber extends Readable, Writable, CommonOptions {}

/** SUB (RFC 29): receives the messages whose first frame starts with one of its subscriptions. */
export class Subscriber extends SubscriberCore {
  protected readonly canSend = false;
  protected readonly filters = true;

  constructor(context: ContextCore, options?: SocketOptions<Subscriber>) {
    super(context, "SUB", options);
  }

  protected xHasOut(): boolean {
    return false;
  }
}
export interface Subscriber extends Readable, CommonOptions, ConflateOption {}
