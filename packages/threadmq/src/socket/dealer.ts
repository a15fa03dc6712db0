import type { CommonOptions, ConflateOption, ProbeRouterOption, RoutingIdOption, SocketOptions } from "../options/types.js";
import { DealerCore } from "./dealer-core.js";
import type { ContextCore, Readable, Writable } from "./socket-base.js";

/** DEALER (RFC 28): round-robin out, fair-queue in, no envelope handling. */
export class Dealer extends DealerCore {
  constructor(context: ContextCore, options?: SocketOptions<Dealer>) {
    super(context, "DEALER", options);
  }
}
export interface Dealer extends Readable, Writable, CommonOptions, RoutingIdOption, ConflateOption, ProbeRouterOption {}
