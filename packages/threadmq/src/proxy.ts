/**
 * proxy(): the guide's zmq_proxy / zmq_proxy_steerable. Forwards whole messages from
 * frontend to backend and back (each direction only where the types allow), copies
 * each to `capture`, and obeys PAUSE / RESUME / TERMINATE / STATISTICS on `control`.
 * Driven by readiness, not by pending receives, so stopping it leaves no call behind
 * that could swallow a message; backpressure holds: a direction whose destination is
 * full stops reading until it has room.
 */
import { ZmqError } from "./errors.js";
import type { Message } from "./message.js";
import type { SocketBase } from "./socket/socket-base.js";
import type { SocketType } from "./socket/socket-type.js";

export interface ProxyOptions {
  /** Receives a copy of every forwarded message (PUB, PUSH, DEALER or PAIR). */
  capture?: SocketBase;
  /** Takes commands: PAUSE, RESUME, TERMINATE, STATISTICS (REP or PAIR). */
  control?: SocketBase;
}

const cannotSend: readonly SocketType[] = ["SUB", "PULL"];
const cannotReceive: readonly SocketType[] = ["PUB", "PUSH"];

interface Counters {
  messagesIn: bigint;
  bytesIn: bigint;
  messagesOut: bigint;
  bytesOut: bigint;
}

class Direction {
  /** A message received but not yet accepted by the destination. */
  held: Message | undefined;
  constructor(
    readonly from: SocketBase,
    readonly to: SocketBase,
    readonly fromCounters: Counters,
    readonly toCounters: Counters,
  ) {}
}

/**
 * Runs a proxy until TERMINATE arrives on `control` or one of the sockets closes
 * (resolves), or the context terminates (rejects with ETERM).
 *
 * @example
 * ```ts
 * const frontend = ctx.socket("ROUTER"); await frontend.bind("tcp://*:5555");
 * const backend = ctx.socket("DEALER"); await backend.bind("inproc://workers");
 * await proxy(frontend, backend);
 * ```
 */
export function proxy(frontend: SocketBase, backend: SocketBase, options: ProxyOptions = {}): Promise<void> {
  for (const [role, socket] of [["frontend", frontend], ["backend", backend], ["capture", options.capture], ["control", options.control]] as const) {
    if (socket !== undefined && typeof (socket as Partial<SocketBase>).onReadiness !== "function") {
      throw new ZmqError("EINVAL", `proxy ${role} must be a threadmq socket`);
    }
  }
  const front: Counters = { messagesIn: 0n, bytesIn: 0n, messagesOut: 0n, bytesOut: 0n };
  const back: Counters = { messagesIn: 0n, bytesIn: 0n, messagesOut: 0n, bytesOut: 0n };
  const directions: Direction[] = [];
  if (!cannotReceive.includes(frontend.type) && !cannotSend.includes(backend.type)) directions.push(new Direction(frontend, backend, front, back));
  if (!cannotReceive.includes(backend.type) && !cannotSend.includes(frontend.type)) directions.push(new Direction(backend, frontend, back, front));
  const { capture, control } = options;

  return new Promise<void>((resolve, reject) => {
    let paused = false;
    let finished = false;
    let running = false;
    let again = false;
    const removers: (() => void)[] = [];
    // A proxy waits for traffic indefinitely, as a thread blocked in zmq_proxy: stay alive.
    const keepAlive = setInterval(() => {}, 1 << 30);

    const finish = (error?: unknown) => {
      if (finished) return;
      finished = true;
      clearInterval(keepAlive);
      for (const remove of removers) remove();
      if (error) reject(error);
      else resolve();
    };

    const handleControl = () => {
      for (let command = control!.tryReceiveMessage(); command; command = control!.tryReceiveMessage()) {
        const word = command[0]?.toString() ?? "";
        let reply: Message = [];
        if (word === "PAUSE") paused = true;
        else if (word === "RESUME") paused = false;
        else if (word === "TERMINATE") finished = true;
        else if (word === "STATISTICS") reply = [front, back].flatMap((c) => [c.messagesIn, c.bytesIn, c.messagesOut, c.bytesOut].map(uint64));
        if (word === "STATISTICS" || control!.type === "REP") control!.trySendMessage(reply.length ? reply : [""]);
        if (finished) {
          finished = false;
          return finish();
        }
      }
    };

    const pump = () => {
      // Readiness callbacks can nest (a send wakes a peer in this thread): run one pass at a time.
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        do {
          again = false;
          if (finished) return;
          if ([frontend, backend, capture, control].some((s) => s?.closed)) return finish();
          if (control) handleControl();
          if (finished || paused) continue;
          for (const direction of directions) forward(direction);
        } while (again);
      } catch (error) {
        finish(error);
      } finally {
        running = false;
      }
    };

    const forward = (direction: Direction) => {
      for (;;) {
        const msg = direction.held ?? direction.from.tryReceiveMessage();
        if (!msg) return;
        if (!direction.held) count(direction.fromCounters, "In", msg);
        if (!direction.to.trySendMessage(msg)) {
          direction.held = msg;
          return;
        }
        direction.held = undefined;
        count(direction.toCounters, "Out", msg);
        capture?.trySendMessage(msg);
      }
    };

    for (const socket of new Set([frontend, backend, capture, control])) if (socket) removers.push(socket.onReadiness(pump));
    pump();
  });
}

function count(counters: Counters, way: "In" | "Out", msg: Message): void {
  counters[`messages${way}`] += BigInt(msg.length);
  counters[`bytes${way}`] += BigInt(msg.reduce((sum, frame) => sum + frame.length, 0));
}

function uint64(value: bigint): Buffer {
  const frame = Buffer.alloc(8);
  frame.writeBigUInt64LE(value);
  return frame;
}
