import { ZmqError } from "../errors.js";
import type { Message } from "../message.js";
import type { Pipe } from "../pipe/pipe.js";
import { FairQueue } from "../routing/fair-queue.js";
import { RoutingTable } from "../routing/routing-table.js";
import type { CommonOptions, RouterOptions, RoutingIdOption, SocketOptions } from "../options/types.js";
import { delimiter } from "./envelope.js";
import { SocketBase, type ContextCore, type Readable, type Writable } from "./socket-base.js";

/**
 * ROUTER (RFC 28): every received message is prefixed with the routing id of its
 * peer; every sent message's first frame names the peer it goes to. Unknown or full
 * peers drop the message (counted in `stats.messagesDropped`), or, with `mandatory`,
 * reject with EHOSTUNREACH / wait.
 */
export class Router extends SocketBase {
  protected readonly canSend = true;
  protected readonly canReceive = true;
  readonly #fq = new FairQueue();
  readonly #table = new RoutingTable();

  constructor(context: ContextCore, options?: SocketOptions<Router>) {
    super(context, "ROUTER", options);
  }

  protected xAttachPipe(pipe: Pipe): void {
    const refused = this.#table.add(pipe, this.option("handover") === true);
    if (refused === pipe) {
      pipe.terminate(0);
      return;
    }
    if (refused) {
      this.#fq.detach(refused);
      refused.terminate(0);
    }
    if (this.option("probeRouter") === true && pipe.write([delimiter])) pipe.flush();
    this.#fq.attach(pipe);
  }
  protected xPipeTerminated(pipe: Pipe): void {
    this.#table.remove(pipe);
    this.#fq.detach(pipe);
  }
  protected override xReadActivated(pipe: Pipe): void {
    this.#fq.activated(pipe);
  }

  protected override xSend(msg: Message): boolean {
    const mandatory = this.option("mandatory") === true;
    const id = msg[0]!;
    const pipe = this.#table.pipeFor(id);
    if (!pipe) {
      if (mandatory) {
        throw new ZmqError("EHOSTUNREACH", `no peer with routing id ${printable(id)} is connected to this ROUTER`);
      }
      this.countDropped();
      return true;
    }
    // A message that is only the id frame carries nothing: libzmq discards it.
    if (msg.length === 1) return true;
    if (pipe.write(msg.slice(1))) {
      pipe.flush();
      return true;
    }
    if (mandatory) return false;
    this.countDropped();
    return true;
  }

  protected override xRecv(): Message | undefined {
    for (;;) {
      const next = this.#fq.recv();
      if (!next) return undefined;
      const id = this.#table.idOf(next.pipe);
      if (!id) continue;
      return [id, ...next.msg];
    }
  }
  protected xHasIn(): boolean {
    return this.#fq.hasIn();
  }
  protected xHasOut(): boolean {
    if (this.option("mandatory") !== true) return true;
    for (const pipe of this.#table.pipes()) if (pipe.checkWrite()) return true;
    return false;
  }
}
export interface Router extends Readable, Writable, CommonOptions, RoutingIdOption, RouterOptions {}

/** A routing id for error messages: text if printable, else hex. */
export function printable(id: Buffer): string {
  return /^[\x20-\x7e]*$/.test(id.toString("latin1")) ? `"${id.toString("latin1")}"` : `0x${id.toString("hex")}`;
}
