/**
 * Waiting for peers by monitor events instead of by sleeping: the signal a human gives
 * the guide's taskvent with Enter, made by the program.
 */
import type { Socket } from "threadmq";

/**
 * Resolves once `socket` has completed `n` handshakes. Call it before bind/connect: the
 * monitor buffers events only from its first use on.
 */
export function handshakes(socket: Socket, n: number): Promise<void> {
  const events = socket.events;
  return (async () => {
    let done = 0;
    while (done < n) {
      const event = await events.next();
      if (event === undefined) throw new Error(`socket closed after ${done} of ${n} handshakes`);
      if (event.type === "handshake") done++;
    }
  })();
}
