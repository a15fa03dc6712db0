/**
 * The promoted worker: a REP socket that serves requests from the broker's DEALER backend.
 * The same file runs as a thread (endpoint inproc://workers) and as a process (endpoint
 * tcp://… or ipc://…); nothing here knows which. It ends when its context terminates:
 * in a thread when the parent terminates the shared context, in a process on SIGTERM.
 */
import { workerContext, workerEndpoint, workerName } from "./runtime.js";

const ctx = workerContext();
const endpoint = workerEndpoint();
const me = workerName();

const rep = ctx.socket("REP", { linger: 0 });
rep.connect(endpoint);

let served = 0;
for await (const [request] of rep) {
  served++;
  await rep.send([`${request}`, me, endpoint]);
}
// The loop ends with ETERM: the context is shutting down.
rep.close();
await ctx.term();
console.log(`worker (${me}) via ${endpoint}: served ${served}, bye`);
