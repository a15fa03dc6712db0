/**
 * mdbroker — Majordomo Protocol broker (guide chapter 4).
 * One ROUTER on tcp://*:5555 for clients (MDPC01) and workers (MDPW01) alike. Workers
 * register a service; requests queue per service and go to the service's least
 * recently used idle worker. Heartbeats both ways; silent workers are dropped. The
 * internal service "mmi.service" answers 200 if a service has workers, 404 if not.
 * Run: `pnpm example mdbroker [--bind tcp://*:5555] [--heartbeat-ms 2500] [--verbose]`
 */
import { Context, Poller, POLLIN, type FrameLike, type Message, type Router } from "threadmq";
import { count, parse } from "./lib/args.js";
import { main } from "./lib/main.js";
import { dump, untilShutdown, type Log } from "./lib/zhelpers.js";
import { HEARTBEAT_INTERVAL, HEARTBEAT_LIVENESS, MDPC_CLIENT, MDPW_DISCONNECT, MDPW_HEARTBEAT, MDPW_READY, MDPW_REPLY, MDPW_REQUEST, MDPW_WORKER } from "./mdp.js";

/** A single service: its queued requests and its idle workers. */
interface Service {
  name: string;
  requests: Message[];
  waiting: Worker[];
  workers: number;
}

/** A worker, idle or active. */
interface Worker {
  /** Routing id, and its hex form as our key. */
  identity: Buffer;
  id: string;
  service: Service | undefined;
  expiry: number;
}

export interface MdBrokerOptions {
  bind?: string;
  heartbeatMs?: number;
  verbose?: boolean;
  log?: Log;
  signal?: AbortSignal;
}

class Broker {
  readonly #socket: Router;
  readonly #services = new Map<string, Service>();
  readonly #workers = new Map<string, Worker>();
  /** Idle workers, oldest first. */
  readonly #waiting: Worker[] = [];
  readonly #heartbeat: number;
  readonly #verbose: boolean;
  readonly #log: Log;

  constructor(socket: Router, heartbeat: number, verbose: boolean, log: Log) {
    this.#socket = socket;
    this.#heartbeat = heartbeat;
    this.#verbose = verbose;
    this.#log = log;
  }

  /** Runs until the signal aborts or the context terminates. */
  async run(signal: AbortSignal | undefined): Promise<void> {
    let heartbeatAt = Date.now() + this.#heartbeat;
    while (!signal?.aborted) {
      const poller = new Poller();
      poller.register(this.#socket, POLLIN);
      // Process next input message, if any
      if ((await poller.poll(this.#heartbeat)).has(this.#socket)) {
        const msg = await this.#socket.receive();
        if (this.#verbose) {
          this.#log("I: received message:");
          dump(msg, this.#log);
        }
        const [sender, , header, ...rest] = msg;
        if (header?.toString() === MDPC_CLIENT) await this.#clientMessage(sender!, rest);
        else if (header?.toString() === MDPW_WORKER) await this.#workerMessage(sender!, rest);
        else this.#log(`E: invalid message: ${msg.map(String).join(" | ")}`);
      }
      // Disconnect and delete any expired workers; send heartbeats to idle workers if needed
      if (Date.now() > heartbeatAt) {
        this.#purge();
        for (const worker of this.#waiting) await this.#send(worker, MDPW_HEARTBEAT);
        heartbeatAt = Date.now() + this.#heartbeat;
      }
    }
  }

  /** Lazy constructor that locates a service by name, or creates a new one. */
  #service(name: string): Service {
    let service = this.#services.get(name);
    if (!service) {
      service = { name, requests: [], waiting: [], workers: 0 };
      this.#services.set(name, service);
      if (this.#verbose) this.#log(`I: added service: ${name}`);
    }
    return service;
  }

  /** Lazy constructor that locates a worker by identity, or creates a new one. */
  #worker(identity: Buffer): Worker {
    const id = identity.toString("hex");
    let worker = this.#workers.get(id);
    if (!worker) {
      worker = { identity, id, service: undefined, expiry: 0 };
      this.#workers.set(id, worker);
      if (this.#verbose) this.#log(`I: registering new worker: ${id}`);
    }
    return worker;
  }

  /** Sends a command to a worker: [identity | "" | MDPW01 | command | option? | body...] */
  async #send(worker: Worker, command: string, option?: FrameLike, body: FrameLike[] = []): Promise<void> {
    const msg = [worker.identity, "", MDPW_WORKER, command, ...(option !== undefined ? [option] : []), ...body];
    await this.#socket.send(msg);
  }

  /** This worker is now waiting for work */
  async #waitingWorker(worker: Worker): Promise<void> {
    this.#waiting.push(worker);
    worker.service!.waiting.push(worker);
    worker.expiry = Date.now() + this.#heartbeat * HEARTBEAT_LIVENESS;
    await this.#dispatch(worker.service!);
  }

  /** Deletes the worker from all data structures, telling it first if it is alive. */
  async #deleteWorker(worker: Worker, disconnect: boolean): Promise<void> {
    if (disconnect) await this.#send(worker, MDPW_DISCONNECT);
    if (worker.service) {
      remove(worker.service.waiting, worker);
      worker.service.workers--;
    }
    remove(this.#waiting, worker);
    this.#workers.delete(worker.id);
  }

  async #workerMessage(sender: Buffer, [command, ...rest]: Buffer[]): Promise<void> {
    const ready = this.#workers.has(sender.toString("hex"));
    const worker = this.#worker(sender);
    switch (command?.toString()) {
      case MDPW_READY: {
        const serviceName = rest[0]?.toString() ?? "";
        // Not first command in session, or reserved service name
        if (ready || serviceName.startsWith("mmi.")) await this.#deleteWorker(worker, true);
        else {
          // Attach worker to service and mark as idle
          worker.service = this.#service(serviceName);
          worker.service.workers++;
          await this.#waitingWorker(worker);
        }
        break;
      }
      case MDPW_REPLY:
        if (ready) {
          // Remove and save client return envelope and insert the protocol header and service name
          const [client, , ...body] = rest;
          await this.#socket.send([client!, "", MDPC_CLIENT, worker.service!.name, ...body]);
          await this.#waitingWorker(worker);
        } else await this.#deleteWorker(worker, true);
        break;
      case MDPW_HEARTBEAT:
        if (ready) worker.expiry = Date.now() + this.#heartbeat * HEARTBEAT_LIVENESS;
        else await this.#deleteWorker(worker, true);
        break;
      case MDPW_DISCONNECT:
        await this.#deleteWorker(worker, false);
        break;
      default:
        this.#log(`E: invalid worker command from ${worker.id}`);
    }
  }

  /** Processes a request from a client: [service | body...] */
  async #clientMessage(sender: Buffer, [serviceFrame, ...body]: Buffer[]): Promise<void> {
    const name = serviceFrame?.toString() ?? "";
    // Set reply return identity to client sender
    const request: Message = [sender, Buffer.alloc(0), ...body];
    if (name.startsWith("mmi.")) await this.#internalService(name, request);
    else {
      const service = this.#service(name);
      service.requests.push(request);
      await this.#dispatch(service);
    }
  }

  /** The internal services: mmi.service says whether a service has workers. */
  async #internalService(name: string, [client, , ...body]: Message): Promise<void> {
    let code = "501";
    if (name === "mmi.service") {
      const asked = this.#services.get(body.at(-1)?.toString() ?? "");
      code = asked && asked.workers > 0 ? "200" : "404";
    }
    await this.#socket.send([client!, "", MDPC_CLIENT, name, code]);
  }

  /** Sends queued requests to idle workers of the service while both exist. */
  async #dispatch(service: Service): Promise<void> {
    this.#purge();
    while (service.waiting.length > 0 && service.requests.length > 0) {
      const worker = service.waiting.shift()!;
      remove(this.#waiting, worker);
      await this.#send(worker, MDPW_REQUEST, undefined, service.requests.shift()!);
    }
  }

  /** Deletes idle workers whose heartbeats stopped; the oldest come first. */
  #purge(): void {
    const now = Date.now();
    while (this.#waiting.length > 0 && this.#waiting[0]!.expiry <= now) {
      const worker = this.#waiting[0]!;
      if (this.#verbose) this.#log(`I: deleting expired worker: ${worker.id}`);
      void this.#deleteWorker(worker, false);
    }
  }
}

function remove<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
}

export async function mdbroker(ctx: Context, options: MdBrokerOptions = {}): Promise<{ endpoint: string; done: Promise<void> }> {
  const { bind = "tcp://*:5555", heartbeatMs = HEARTBEAT_INTERVAL, verbose = false, log = console.log } = options;
  const socket = ctx.socket("ROUTER", { linger: 0 });
  await socket.bind(bind);
  log(`I: MDP broker/0.2.0 is active at ${socket.lastEndpoint}`);
  const broker = new Broker(socket, heartbeatMs, verbose, log);
  const done = untilShutdown(() => broker.run(options.signal)).then(() => socket.close());
  return { endpoint: socket.lastEndpoint!, done };
}

const usage = "usage: mdbroker [--bind tcp://*:5555] [--heartbeat-ms 2500] [--verbose]";

main(import.meta.url, async () => {
  const { values } = parse(usage, { bind: { type: "string" }, "heartbeat-ms": { type: "string" }, verbose: { type: "boolean", short: "v" } });
  const ctx = new Context();
  const broker = await mdbroker(ctx, { bind: values.bind, heartbeatMs: count(usage, "heartbeat-ms", values["heartbeat-ms"], HEARTBEAT_INTERVAL), verbose: values.verbose });
  await broker.done;
});
