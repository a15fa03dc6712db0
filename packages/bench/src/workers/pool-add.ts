/**
 * The pool module's trivial task, in piscina's worker shape (the default export is the
 * handler): piscina and @threadmq/pool both load this very file unchanged.
 */
export default function add({ a, b }: { a: number; b: number }): number {
  return a + b;
}
