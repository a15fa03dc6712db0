/** A CPU-bound task: spins for `ms` milliseconds. */
export default function spin(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}
