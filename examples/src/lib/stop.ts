/**
 * Stopping a loop that waits in Poller.poll(): the guide's self-pipe (interrupt.c), a
 * PAIR over inproc registered with the poller and written to when `signal` aborts, so a
 * loop blocked in poll() stops on a signal (Ctrl-C) without tearing its context down.
 */
import { randomUUID } from "node:crypto";
import { POLLIN, type Context, type Poller } from "threadmq";

export interface StopPipe {
  /** True once `signal` aborted (the poll that woke up should end the loop). */
  readonly stopped: boolean;
  close(): void;
}

export async function stopPipe(ctx: Context, poller: Poller, signal: AbortSignal | undefined): Promise<StopPipe> {
  if (!signal) return { stopped: false, close() {} };
  const endpoint = `inproc://stop-${randomUUID()}`;
  const reader = ctx.socket("PAIR", { linger: 0 });
  await reader.bind(endpoint);
  const writer = ctx.socket("PAIR", { linger: 0 });
  writer.connect(endpoint);
  poller.register(reader, POLLIN);
  const wake = () => {
    if (!writer.closed) writer.trySend("STOP");
  };
  if (signal.aborted) wake();
  else signal.addEventListener("abort", wake, { once: true });
  return {
    get stopped() {
      return signal.aborted;
    },
    close() {
      signal.removeEventListener("abort", wake);
      poller.unregister(reader);
      reader.close();
      writer.close();
    },
  };
}
