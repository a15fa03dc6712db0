/**
 * Line collection with waiting: for the `log` of in-process examples and the stdout of
 * child processes alike. A wait is for a line that matches, with a deadline, never a sleep.
 */

export class Lines {
  readonly all: string[] = [];
  readonly #waiters = new Set<{ pattern: RegExp; resolve(line: string): void }>();
  #ended = false;
  #endWaiters = new Set<(lines: string[]) => void>();

  /** Adds a line (bound: pass `lines.log` as an example's `log`). */
  readonly log = (line: string): void => {
    for (const part of line.split("\n")) {
      this.all.push(part);
      for (const waiter of this.#waiters) {
        if (waiter.pattern.test(part)) {
          this.#waiters.delete(waiter);
          waiter.resolve(part);
        }
      }
    }
  };

  /** Resolves with the first line (seen so far or later) matching `pattern`; rejects after `ms`. */
  waitFor(pattern: RegExp, ms = 15000): Promise<string> {
    const seen = this.all.find((line) => pattern.test(line));
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const waiter = {
        pattern,
        resolve: (line: string) => {
          clearTimeout(timer);
          resolve(line);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`no line matching ${pattern} within ${ms} ms; got:\n${this.all.join("\n")}`));
      }, ms);
      this.#waiters.add(waiter);
    });
  }

  /** Lines matching `pattern`. */
  matching(pattern: RegExp): string[] {
    return this.all.filter((line) => pattern.test(line));
  }

  /** @internal The source ended (a child's stdout closed). */
  end(): void {
    this.#ended = true;
    for (const resolve of this.#endWaiters) resolve(this.all);
  }

  /** Resolves with all lines once the source ended. */
  ended(): Promise<string[]> {
    if (this.#ended) return Promise.resolve(this.all);
    return new Promise((resolve) => this.#endWaiters.add(resolve));
  }
}

/** Rejects if `promise` does not settle within `ms`; what the deadline is for goes in `what`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
