/**
 * Keeps this thread's event loop alive while some socket call is waiting, as a
 * thread blocked in zmq_recv keeps a C program alive. Promises alone do not: a
 * worker whose only pending work is a promise (or an Atomics.waitAsync) exits.
 * One ref'd timer per thread, held while the count is above zero.
 */
let holders = 0;
let handle: ReturnType<typeof setInterval> | undefined;

export function holdThread(): void {
  if (holders++ === 0) handle = setInterval(() => {}, 1 << 30);
}

export function releaseThread(): void {
  if (holders === 0) return;
  if (--holders === 0 && handle !== undefined) {
    clearInterval(handle);
    handle = undefined;
  }
}
