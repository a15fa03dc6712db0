/**
 * An event-style receive for packages that adapt a socket to a listener API
 * (@threadmq/comlink's Endpoint): `onReadable` runs in a microtask after any event that
 * may have made messages available, and once at the start. It should drain with
 * `tryReceive()`. A waiting `receive()` per message costs a promise, a queued waiter and
 * a microtask hop on every wake; this costs one microtask per wake, whatever arrived.
 *
 * The watch keeps the thread alive, as a pending receive (or a MessagePort with a
 * listener) does, until `stop()`. It is also called when the socket closes or its
 * context terminates, so `onReadable` sees `tryReceive()` throw and can stop then.
 */
import { ZmqError } from "../errors.js";
import type { SocketBase } from "../socket/socket-base.js";
import { holdThread, releaseThread } from "./keep-alive.js";

export function watchReadable(socket: SocketBase, onReadable: () => void): () => void {
  if (typeof (socket as Partial<SocketBase>)?.onReadiness !== "function") throw new ZmqError("EINVAL", "watchReadable needs a threadmq socket");
  if (typeof onReadable !== "function") throw new ZmqError("EINVAL", "watchReadable needs a function to call when the socket may be readable");
  let scheduled = false;
  let stopped = false;
  const run = (): void => {
    scheduled = false;
    if (!stopped) onReadable();
  };
  const schedule = (): void => {
    if (scheduled || stopped) return;
    scheduled = true;
    // Never inside the pipe's own event handling: listeners run user code.
    queueMicrotask(run);
  };
  const remove = socket.onReadiness(schedule);
  holdThread();
  schedule();
  return () => {
    if (stopped) return;
    stopped = true;
    remove();
    releaseThread();
  };
}
