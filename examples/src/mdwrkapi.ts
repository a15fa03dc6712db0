/**
 * mdwrkapi — Majordomo worker API (guide chapter 4): a DEALER that registers a service
 * with the broker, heartbeats both ways, reconnects when the broker falls silent, and
 * `recv(reply)` that sends the previous reply and waits for the next request.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { Poller, POLLIN, type Context, type Dealer, type FrameLike, type Message } from "threadmq";
import { commandNames, HEARTBEAT_INTERVAL, HEARTBEAT_LIVENESS, MDPW_DISCONNECT, MDPW_HEARTBEAT, MDPW_READY, MDPW_REPLY, MDPW_REQUEST, MDPW_WORKER } from "./mdp.js";
import { dump, type Log } from "./lib/zhelpers.js";

export interface MdWrkOptions {
  heartbeatMs?: number;
  reconnectMs?: number;
  verbose?: boolean;
  log?: Log;
  /** Makes `recv` return undefined at its next wake-up. */
  signal?: AbortSignal;
}

export class MdWrk {
  readonly #ctx: Context;
  readonly #broker: string;
  readonly #service: string;
  readonly #heartbeat: number;
  readonly #reconnect: number;
  readonly #verbose: boolean;
  readonly #log: Log;
  readonly #signal: AbortSignal | undefined;
  #worker: Dealer | undefined;
  #liveness = HEARTBEAT_LIVENESS;
  #heartbeatAt = 0;
  /** Return address of the request being worked on, if any */
  #replyTo: Buffer | undefined;

  constructor(ctx: Context, broker: string, service: string, options: MdWrkOptions = {}) {
    this.#ctx = ctx;
    this.#broker = broker;
    this.#service = service;
    this.#heartbeat = options.heartbeatMs ?? HEARTBEAT_INTERVAL;
    this.#reconnect = options.reconnectMs ?? HEARTBEAT_INTERVAL;
    this.#verbose = options.verbose ?? false;
    this.#log = options.log ?? console.log;
    this.#signal = options.signal;
  }

  /** Send message to broker: [ "" | MDPW01 | command | option? | body... ] */
  async #send(command: string, option?: FrameLike, body: FrameLike[] = []): Promise<void> {
    const msg = ["", MDPW_WORKER, command, ...(option !== undefined ? [option] : []), ...body];
    if (this.#verbose) {
      this.#log(`I: sending ${commandNames[command]} to broker`);
      dump(msg.map((f) => Buffer.from(f as string)), this.#log);
    }
    await this.#worker!.send(msg);
  }

  /** Connect or reconnect to broker */
  async #connect(): Promise<void> {
    this.#worker?.close();
    this.#worker = this.#ctx.socket("DEALER", { linger: 0 });
    this.#worker.connect(this.#broker);
    if (this.#verbose) this.#log(`I: connecting to broker at ${this.#broker}...`);
    // Register service with broker
    await this.#send(MDPW_READY, this.#service);
    // If liveness hits zero, queue is considered disconnected
    this.#liveness = HEARTBEAT_LIVENESS;
    this.#heartbeatAt = Date.now() + this.#heartbeat;
  }

  /**
   * Sends `reply` (if any) to the client of the last request, then waits for a new
   * request: resolves with its body, or undefined once stopped (signal or ETERM).
   */
  async recv(reply?: Message): Promise<Message | undefined> {
    if (!this.#worker) await this.#connect();
    if (reply && this.#replyTo) await this.#send(MDPW_REPLY, this.#replyTo, ["", ...reply]);
    this.#replyTo = undefined;
    while (!this.#signal?.aborted) {
      const poller = new Poller();
      poller.register(this.#worker!, POLLIN);
      if ((await poller.poll(this.#heartbeat)).has(this.#worker!)) {
        const msg = await this.#worker!.receive();
        if (this.#verbose) {
          this.#log("I: received message from broker:");
          dump(msg, this.#log);
        }
        this.#liveness = HEARTBEAT_LIVENESS;
        // Don't try to handle errors, just assert noisily
        const [empty, header, command, ...rest] = msg;
        if (msg.length < 3 || empty!.length !== 0 || header!.toString() !== MDPW_WORKER) throw new Error("malformed message from broker");
        const kind = command!.toString();
        if (kind === MDPW_REQUEST) {
          // We should pop and save as many addresses as there are up to a null part, but for now, just save one...
          this.#replyTo = rest[0];
          return rest.slice(2); // [client | "" | body...]
        } else if (kind === MDPW_DISCONNECT) {
          await this.#connect();
        } else if (kind !== MDPW_HEARTBEAT) {
          this.#log("E: invalid input message");
          dump(msg, this.#log);
        }
      } else if (--this.#liveness === 0) {
        if (this.#verbose) this.#log("W: disconnected from broker - retrying...");
        await sleep(this.#reconnect);
        await this.#connect();
      }
      // Send HEARTBEAT if it's time
      if (Date.now() > this.#heartbeatAt) {
        await this.#send(MDPW_HEARTBEAT);
        this.#heartbeatAt = Date.now() + this.#heartbeat;
      }
    }
    return undefined;
  }

  close(): void {
    this.#worker?.close();
  }
}
