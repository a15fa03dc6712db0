/**
 * The object the comlink module calls, exposed per request of the parent:
 * - "port":   over a MessagePort handed over by the parent, with comlink's own node adapter;
 * - "socket": over the threadmq spawn pipe (a PAIR; the peer must be started with
 *             `Peer.thread(url, { ctx })`), with @threadmq/comlink's `socketEndpoint`;
 *             `{ busyPoll }` sets that option on the pipe.
 */
import * as Comlink from "comlink";
import nodeAdapter from "comlink/dist/umd/node-adapter.js";
import type { MessagePort } from "node:worker_threads";
import { socketEndpoint, type SocketEndpoint } from "@threadmq/comlink";
import { context, serve } from "../peer-child.js";

// comlink's node adapter is a UMD module: at run time its default export is the function itself.
const nodeEndpoint = ((nodeAdapter as unknown as { default?: unknown }).default ?? nodeAdapter) as unknown as typeof nodeAdapter.default;

const api = {
  add(a: number, b: number): number {
    return a + b;
  },
};

let port: MessagePort | undefined;
let endpoint: SocketEndpoint | undefined;

serve(
  {
    port(arg: { port: MessagePort }) {
      port = arg.port;
      Comlink.expose(api, nodeEndpoint(port));
      return true;
    },
    socket(arg?: { busyPoll?: number }) {
      const pipe = context().pipe;
      pipe.busyPoll = arg?.busyPoll ?? 0;
      endpoint = socketEndpoint(pipe);
      Comlink.expose(api, endpoint as unknown as Comlink.Endpoint);
      return true;
    },
  },
  () => {
    port?.close();
    endpoint?.close();
  },
);
