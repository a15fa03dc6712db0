/**
 * The peer's side of the control channel (see peer.ts). A peer script does:
 *
 *   import { serve, context } from "../peer-child.js";
 *   serve({ async arm(arg) { ... }, done() { ... } }, async () => { cleanup });
 *
 * Built-in ops: `ping` (readiness) and `exit` (runs the cleanup, replies, then lets the
 * thread end or the process exit).
 */
import { isMainThread, workerData, type MessagePort } from "node:worker_threads";
import { Context } from "threadmq";
import type { ControlReply, ControlRequest } from "./peer.js";

interface BenchWorkerData {
  benchControl?: MessagePort;
  benchThreadmq?: boolean;
  benchData?: unknown;
}

const wd: BenchWorkerData | undefined = isMainThread ? undefined : (workerData as BenchWorkerData | undefined);

// Must run at load time: Context.attach() takes the boot message ctx.spawn queued for us.
const attached: Context | undefined = wd?.benchThreadmq ? Context.attach() : undefined;

let own: Context | undefined;

/**
 * The threadmq context of this peer: in a thread started with `Peer.thread(url, { ctx })`,
 * the parent's context (attached); in a process started with `Peer.process`, a root context
 * of its own (for tcp/ipc endpoints).
 */
export function context(): Context {
  if (attached) return attached;
  if (isMainThread) return (own ??= new Context());
  throw new Error("this peer was not started with a threadmq context (Peer.thread(url, { ctx }))");
}

/** The `data` given to Peer.thread / Peer.process. */
export const peerData: unknown = wd ? wd.benchData : process.env.BENCH_PEER_DATA ? JSON.parse(process.env.BENCH_PEER_DATA) : undefined;

export type Handler = (arg: any) => unknown;

export function serve(handlers: Record<string, Handler>, cleanup?: () => void | Promise<void>): void {
  let send: (reply: ControlReply, after?: () => void) => void;
  let finish: () => void;
  let listen: (onRequest: (req: ControlRequest) => void) => void;
  const port = wd?.benchControl;
  if (port) {
    send = (reply, after) => {
      port.postMessage(reply);
      after?.();
    };
    listen = (on) => port.on("message", on);
    finish = () => port.close();
  } else if (process.send) {
    send = (reply, after) => void process.send!(reply, undefined, {}, () => after?.());
    listen = (on) => process.on("message", on as (m: unknown) => void);
    finish = () => process.exit(0);
  } else {
    throw new Error("peer-child: not started by Peer.thread or Peer.process");
  }
  listen((req) => {
    void (async () => {
      try {
        let value: unknown;
        if (req.op === "ping") value = true;
        else if (req.op === "exit") {
          await cleanup?.();
          for (const ctx of [attached, own]) {
            if (!ctx) continue;
            for (const socket of [...ctx.sockets]) {
              try {
                (socket as unknown as { linger: number }).linger = 0;
              } catch {}
              socket.close();
            }
          }
          send({ id: req.id, ok: true, value: true }, finish);
          return;
        } else {
          const handler = handlers[req.op];
          if (!handler) throw new Error(`peer has no handler "${req.op}"`);
          value = await handler(req.arg);
        }
        send({ id: req.id, ok: true, value });
      } catch (error) {
        send({ id: req.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      }
    })();
  });
}
