/** The trivial task, in piscina's worker shape (default export); the pool runs it unchanged. */
export default function add({ a, b }: { a: number; b: number }): number {
  return a + b;
}
