/**
 * Round-trip responder: echoes every request back.
 * - "tmq.rep": a threadmq REP socket, `await receive()` then `await send()` forever (until closed).
 * - "port": a MessagePort listener that posts every message back.
 * - "zmq.rep": a zeromq.js REP socket (for later tcp latency modules).
 */
import type { MessagePort } from "node:worker_threads";
import { ZmqError, type Reply } from "threadmq";
import { context, serve } from "../peer-child.js";

let rep: Reply | undefined;
let port: MessagePort | undefined;
let zmqRep: { close(): void } | undefined;

async function serveRep(sock: Reply): Promise<void> {
  try {
    for (;;) {
      const msg = await sock.receive();
      await sock.send(msg);
    }
  } catch (error) {
    if (error instanceof ZmqError && (error.code === "ENOTSOCK" || error.code === "ETERM")) return;
    throw error;
  }
}

serve(
  {
    async "tmq.rep"(arg: { endpoint: string; options?: object; bind?: boolean }) {
      rep = context().socket("REP", arg.options ?? {});
      if (arg.bind) await rep.bind(arg.endpoint);
      else rep.connect(arg.endpoint);
      void serveRep(rep);
      return true;
    },
    port(arg: { port: MessagePort }) {
      const p = (port = arg.port);
      p.on("message", (m: unknown) => p.postMessage(m));
      return true;
    },
    async "zmq.rep"(arg: { endpoint: string; bind?: boolean }) {
      const zmq = await import("zeromq");
      const sock = new zmq.Reply({ linger: 0 });
      if (arg.bind) await sock.bind(arg.endpoint);
      else sock.connect(arg.endpoint);
      zmqRep = sock;
      void (async () => {
        try {
          for await (const msg of sock) await sock.send(msg);
        } catch {
          // closed
        }
      })();
      return sock.lastEndpoint ?? arg.endpoint;
    },
  },
  () => {
    rep?.close();
    port?.close();
    zmqRep?.close();
  },
);
