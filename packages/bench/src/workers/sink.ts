/**
 * Throughput receiver. Set up one receiving end (threadmq socket, MessagePort or
 * zeromq.js socket), then per sample: `arm({ n, mode })`, the parent sends n messages,
 * `done()` resolves with `{ count, bytes }` once n messages were received.
 *
 * Modes:
 * - "await": `await sock.receive()` per message (threadmq).
 * - "try":   `sock.tryReceive()`, falling back to `await sock.receive()` when empty (threadmq).
 * - "port":  a MessagePort listener counting messages (an array message counts its length).
 * - "zmq":   `await sock.receive()` per message on a zeromq.js socket.
 *
 * Runs as a worker thread (Peer.thread) or as a process (Peer.process; no "port" mode there).
 */
import type { MessagePort } from "node:worker_threads";
import type { Pull, Readable } from "threadmq";
import { context, serve } from "../peer-child.js";

type Mode = "await" | "try" | "port" | "zmq";

interface ZmqReadable {
  receive(): Promise<Buffer[]>;
  close(): void;
}

let tmq: Pull | undefined;
let zmqSock: ZmqReadable | undefined;
let port: MessagePort | undefined;
let loop: Promise<{ count: number; bytes: number }> | undefined;

// MessagePort mode state (the listener stays installed; arm resets it).
let portTarget = 0;
let portCount = 0;
let portBytes = 0;
let portDone: ((r: { count: number; bytes: number }) => void) | undefined;

async function receiveAwait(sock: Readable, n: number) {
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const msg = await sock.receive();
    bytes += msg[0]!.length;
  }
  return { count: n, bytes };
}

async function receiveTry(sock: Readable, n: number) {
  let bytes = 0;
  let count = 0;
  while (count < n) {
    const msg = sock.tryReceive() ?? (await sock.receive());
    bytes += msg[0]!.length;
    count++;
  }
  return { count, bytes };
}

async function receiveZmq(sock: ZmqReadable, n: number) {
  let bytes = 0;
  for (let i = 0; i < n; i++) {
    const [frame] = await sock.receive();
    bytes += frame!.length;
  }
  return { count: n, bytes };
}

serve(
  {
    /** threadmq: make a receiving socket (default PULL) and connect or bind it. */
    async "tmq.open"(arg: { endpoint: string; type?: "PULL"; options?: object; bind?: boolean }) {
      tmq = context().socket(arg.type ?? "PULL", arg.options ?? {});
      if (arg.bind) await tmq.bind(arg.endpoint);
      else tmq.connect(arg.endpoint);
      return true;
    },
    /** postMessage baseline: the data port. */
    port(arg: { port: MessagePort }) {
      port = arg.port;
      port.on("message", (m: Uint8Array | Uint8Array[]) => {
        if (Array.isArray(m)) {
          portCount += m.length;
          for (let i = 0; i < m.length; i++) portBytes += m[i]!.byteLength;
        } else {
          portCount++;
          portBytes += m.byteLength;
        }
        if (portDone && portCount >= portTarget) {
          const done = portDone;
          portDone = undefined;
          done({ count: portCount, bytes: portBytes });
        }
      });
      return true;
    },
    /** zeromq.js: make a PULL socket and connect it (its global context is shared by all threads). */
    async "zmq.open"(arg: { endpoint: string; options?: object }) {
      const zmq = await import("zeromq");
      const pull = new zmq.Pull({ linger: 0, ...(arg.options ?? {}) });
      pull.connect(arg.endpoint);
      zmqSock = pull;
      return true;
    },
    arm(arg: { n: number; mode: Mode }) {
      const { n, mode } = arg;
      switch (mode) {
        case "await":
          loop = receiveAwait(need(tmq, mode), n);
          break;
        case "try":
          loop = receiveTry(need(tmq, mode), n);
          break;
        case "zmq":
          loop = receiveZmq(need(zmqSock, mode), n);
          break;
        case "port":
          need(port, mode);
          portTarget = n;
          portCount = 0;
          portBytes = 0;
          loop = new Promise((resolve) => (portDone = resolve));
          break;
        default:
          throw new Error(`unknown mode ${String(mode)}`);
      }
      // Keep an early failure from being unhandled before "done" asks for it.
      loop.catch(() => {});
      return true;
    },
    done() {
      if (!loop) throw new Error("done before arm");
      const l = loop;
      loop = undefined;
      return l;
    },
  },
  () => {
    tmq?.close();
    zmqSock?.close();
    port?.close();
  },
);

function need<T>(value: T | undefined, mode: string): T {
  if (value === undefined) throw new Error(`mode ${mode}: its receiving end was not opened`);
  return value;
}
