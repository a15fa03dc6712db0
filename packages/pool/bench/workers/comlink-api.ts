/**
 * The object the comlink benchmark calls, exposed either over a MessagePort (comlink's
 * own node adapter) or over the threadmq spawn pipe (a PAIR socket), per workerData.mode.
 */
import * as Comlink from "comlink";
import nodeAdapter from "comlink/dist/umd/node-adapter.js";
import { parentPort, workerData } from "node:worker_threads";
import { Context } from "threadmq";
import { socketEndpoint } from "@threadmq/comlink";

// comlink's node adapter is a UMD module: at run time its default export is the function itself.
const nodeEndpoint = ((nodeAdapter as unknown as { default?: unknown }).default ?? nodeAdapter) as unknown as typeof nodeAdapter.default;

const api = {
  add(a: number, b: number): number {
    return a + b;
  },
};

if ((workerData as { mode: string }).mode === "port") {
  Comlink.expose(api, nodeEndpoint(parentPort!));
} else {
  const pipe = Context.attach().pipe;
  const endpoint = socketEndpoint(pipe);
  Comlink.expose(api, endpoint as unknown as Comlink.Endpoint);
  for await (const event of pipe.events) if (event.type === "disconnect") break;
  endpoint.close();
}
