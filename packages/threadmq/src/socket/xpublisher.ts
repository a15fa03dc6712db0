import type { Message } from "../message.js";
import type { Pipe } from "../pipe/pipe.js";
import { Deque } from "../internal/deque.js";
import { Distributor } from "../routing/distributor.js";
import { Subscriptions } from "../routing/subscriptions.js";
import type { CommonOptions, NoDropOption, SocketOptions, XPublisherOptions } from "../options/types.js";
import { CANCEL, SUBSCRIBE, parseSubscription, subscriptionMessage } from "./envelope.js";
import { SocketBase, type ContextCore, type Readable, type Writable } from "./socket-base.js";
import type { SocketType } from "./socket-type.js";

/**
 * XPUB (RFC 29): a publisher that fans each message out to the subscribers whose
 * subscriptions prefix its first frame, and hands subscriptions up to the application
 * as `[0x01 ‖ topic]` / `[0x00 ‖ topic]` messages (the first subscriber of a topic and
 * its last leaver, or every one with `verbose` / `verboser`). Subscribers at their
 * high-water mark lose the message (counted), or with `noDrop` the send waits.
 * PUB is the same without the upstream messages.
 */
export abstract class PublisherCore extends SocketBase {
  protected readonly canSend = true;
  readonly #dist = new Distributor();
  readonly #subscriptionsOf = new Map<Pipe, Subscriptions>();
  /** All subscribers' topics together, to tell the first subscriber and the last leaver. */
  readonly #everyone = new Subscriptions();
  /** Subscriptions and upstream data waiting for the application (XPUB only). */
  readonly #upstream = new Deque<Message>();

  protected constructor(context: ContextCore, type: SocketType, options: object | undefined) {
    super(context, type, options);
  }

  protected xAttachPipe(pipe: Pipe): void {
    this.#subscriptionsOf.set(pipe, new Subscriptions());
    this.#dist.attach(pipe);
    this.#drain(pipe);
  }

  protected xPipeTerminated(pipe: Pipe): void {
    this.#dist.detach(pipe);
    const subscriptions = this.#subscriptionsOf.get(pipe);
    this.#subscriptionsOf.delete(pipe);
    if (!subscriptions) return;
    for (const [topic, count] of subscriptions.clear()) {
      let last = false;
      for (let i = 0; i < count; i++) last = this.#everyone.remove(topic) === 0 || last;
      if (last || this.option("verboser") === true) this.#passUp(subscriptionMessage(CANCEL, topic));
    }
  }

  protected override xReadActivated(pipe: Pipe): void {
    this.#drain(pipe);
  }

  /** Subscriptions must take effect at once, whether or not the application reads. */
  #drain(pipe: Pipe): void {
    const subscriptions = this.#subscriptionsOf.get(pipe);
    if (!subscriptions) return;
    for (let msg = pipe.read(); msg !== undefined; msg = pipe.read()) {
      const sub = parseSubscription(msg);
      if (!sub) {
        this.#passUp(msg);
        continue;
      }
      // Per subscriber a topic is held or not (libzmq's mtrie): a repeat changes nothing and
      // one cancel drops it; the subscriber itself counts its own references.
      if (sub.kind === SUBSCRIBE) {
        const first = !subscriptions.has(sub.topic) && subscriptions.add(sub.topic) && this.#everyone.add(sub.topic);
        if (first || this.option("verbose") === true || this.option("verboser") === true) this.#passUp(msg);
      } else if (subscriptions.remove(sub.topic) >= 0) {
        const last = this.#everyone.remove(sub.topic) === 0;
        if (last || this.option("verboser") === true) this.#passUp(msg);
      } else if (this.option("verboser") === true) {
        this.#passUp(msg);
      }
    }
  }

  #passUp(msg: Message): void {
    if (this.canReceive) this.#upstream.push(msg);
  }

  protected override xSend(msg: Message): boolean {
    // As libzmq processes pending commands on every send: subscriptions that have arrived
    // take effect before this message is matched, even if their wake-up has not run yet.
    for (const pipe of this.#dist.pipes) this.#drain(pipe);
    const first = msg[0]!;
    const select = (pipe: Pipe) => this.#subscriptionsOf.get(pipe)?.matches(first) === true;
    if (this.option("noDrop") === true && !this.#dist.allHaveRoom(select)) return false;
    const dropped = this.#dist.send(msg, select);
    for (let i = 0; i < dropped; i++) this.countDropped();
    return true;
  }

  protected override xRecv(): Message | undefined {
    return this.#upstream.shift();
  }
  protected xHasIn(): boolean {
    return this.#upstream.length > 0;
  }
  protected xHasOut(): boolean {
    return true;
  }
}

/** XPUB: a publisher whose application also receives subscriptions and upstream messages. */
export class XPublisher extends PublisherCore {
  protected readonly canReceive = true;

  constructor(context: ContextCore, options?: SocketOptions<XPublisher>) {
    super(context, "XPUB", options);
  }
}
export interface XPublisher extends Readable, Writable, CommonOptions, XPublisherOptions {}

/** PUB (RFC 29): fans messages out to matching subscribers; never blocks, drops at HWM. */
export class Publisher extends PublisherCore {
  protected readonly canReceive = false;

  constructor(context: ContextCore, options?: SocketOptions<Publisher>) {
    super(context, "PUB", options);
  }
}
export interface Publisher extends Writable, CommonOptions, NoDropOption {}
