/**
 * mdcliapi — Majordomo client API (guide chapter 4): a REQ to the broker, and
 * `send(service, request)` that returns the reply, or undefined after the retries.
 * Like the Lazy Pirate client, a REQ that lost its reply is replaced by a new one.
 */
import { Poller, POLLIN, type Context, type FrameLike, type Message, type Request } from "threadmq";
import { MDPC_CLIENT } from "./mdp.js";
import { dump, type Log } from "./lib/zhelpers.js";

export interface MdCliOptions {
  /** Request timeout, ms (the guide: 2500). */
  timeoutMs?: number;
  retries?: number;
  verbose?: boolean;
  log?: Log;
}

export class MdCli {
  readonly #ctx: Context;
  readonly #broker: string;
  readonly #timeout: number;
  readonly #retries: number;
  readonly #verbose: boolean;
  readonly #log: Log;
  #client: Request | undefined;

  constructor(ctx: Context, broker: string, options: MdCliOptions = {}) {
    this.#ctx = ctx;
    this.#broker = broker;
    this.#timeout = options.timeoutMs ?? 2500;
    this.#retries = options.retries ?? 3;
    this.#verbose = options.verbose ?? false;
    this.#log = options.log ?? console.log;
    this.#connect();
  }

  /** Connect or reconnect to broker */
  #connect(): void {
    this.#client?.close();
    this.#client = this.#ctx.socket("REQ", { linger: 0 });
    this.#client.connect(this.#broker);
    if (this.#verbose) this.#log(`I: connecting to broker at ${this.#broker}...`);
  }

  /** Sends a request to `service` and waits for the reply: its body frames, or undefined. */
  async send(service: string, ...body: FrameLike[]): Promise<Message | undefined> {
    // Prefix request with protocol frames: [MDPC01 | service | body...]
    const request = [MDPC_CLIENT, service, ...body];
    for (let retriesLeft = this.#retries; retriesLeft > 0; ) {
      const client = this.#client!;
      if (this.#verbose) dump(request.map((f) => Buffer.from(f as string)), this.#log);
      await client.send(request);
      // On any blocking call, ETERM means we must stop: it propagates to the caller
      const poller = new Poller();
      poller.register(client, POLLIN);
      if ((await poller.poll(this.#timeout)).has(client)) {
        const msg = await client.receive();
        if (this.#verbose) dump(msg, this.#log);
        // We would handle malformed replies better in real code
        const [header, replyService, ...reply] = msg;
        if (msg.length < 3 || header!.toString() !== MDPC_CLIENT || replyService!.toString() !== service) {
          throw new Error(`malformed reply: ${msg.map(String).join(" | ")}`);
        }
        return reply;
      } else if (--retriesLeft > 0) {
        if (this.#verbose) this.#log("W: no reply, reconnecting...");
        this.#connect();
      } else if (this.#verbose) {
        this.#log("W: permanent error, abandoning");
      }
    }
    return undefined;
  }

  close(): void {
    this.#client?.close();
  }
}
