/**
 * Keeps this thread's event loop alive while some socket call is waiting, as a
 * thread blocked in zmq_recv keeps a C program alive. Promises alone do not: a
 * worker whose only pending work is a promise (or an Atomics.waitAsync) exits.
 * One timer per thread, ref'd while the count is above zero and unref'd otherwise
 * (switching a ref costs less than making a timer on every waiting call).
 */
let holders = 0;
const handle = setInterval(() => {}, 1 << 30);
handle.unref();

export function holdThread(): void {
  if (holders++ === 0) handle.ref();
}

export function releaseThread(): void {
  if (holders === 0) return;
  if (--holders === 0) handle.unref();
}
