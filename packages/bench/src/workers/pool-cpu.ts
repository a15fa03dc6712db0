/**
 * The pool module's CPU-bound task, in piscina's worker shape: spins for `ms`
 * milliseconds. piscina and @threadmq/pool both load this very file unchanged.
 */
export default function spin(ms: number): number {
  const end = performance.now() + ms;
  let n = 0;
  while (performance.now() < end) n++;
  return n;
}
