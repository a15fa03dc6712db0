/**
 * When a SharedPipe reader that found its ring empty parks (raises its sleep flag, after
 * which every message written to it costs the writer a wake: a postMessage, ~10 µs of
 * the writer's time and as much again before this thread runs).
 *
 * - By default it parks one event-loop turn later (setImmediate): in a burst the writer
 *   keeps publishing into an awake ring and sends one wake per burst, not one per
 *   message the reader happened to catch up with.
 * - With a poll window (the socket's `busyPoll`, in µs) it keeps looking on every
 *   event-loop turn until the window has passed since the ring ran dry. A reply that
 *   comes back within the window then needs no wake at all on either side. The thread
 *   stays responsive (timers and I/O run between looks) but uses a core meanwhile.
 *
 * A message that arrives while the reader looks ends the wait (`onArrived`); the next
 * empty read starts a fresh one. `onIdle` runs once the wait is over with the ring still
 * empty: the pipe parks then.
 */
export class ParkDelay {
  #scheduled = false;
  #windowMs = 0;
  /** performance.now() when the ring ran dry, while a poll window runs. */
  #dryAt: number | undefined;

  constructor(
    private readonly hasData: () => boolean,
    private readonly isStopped: () => boolean,
    private readonly onArrived: () => void,
    private readonly onIdle: () => void,
  ) {}

  /** Microseconds to keep looking before parking (0: one event-loop turn). */
  setWindow(micros: number): void {
    this.#windowMs = micros / 1000;
  }

  /** A wait is under way: parking now would be early. */
  get pending(): boolean {
    return this.#scheduled;
  }

  /** The reader found its ring empty: park after the grace turn or the poll window. */
  start(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(this.#turn);
  }

  readonly #turn = (): void => {
    this.#scheduled = false;
    if (this.hasData()) {
      this.#dryAt = undefined;
      this.onArrived();
      return;
    }
    if (this.#windowMs > 0 && !this.isStopped()) {
      const now = performance.now();
      this.#dryAt ??= now;
      if (now - this.#dryAt < this.#windowMs) {
        this.start();
        return;
      }
    }
    this.#dryAt = undefined;
    this.onIdle();
  };
}
