/**
 * Pipe: one end of a bidirectional, bounded message channel between a socket and
 * one peer (another socket's pipe end over inproc, or a tcp/ipc session).
 *
 * Contract (all implementations: LocalPipe same-thread, SharedPipe cross-thread):
 * - Unit of transfer is a whole message (`Buffer[]`, one entry per frame). A reader
 *   sees all frames of a message or none: multipart atomicity holds by construction.
 * - Only the thread that owns this end calls its methods. Callbacks on the sink run on
 *   that thread, never re-entrantly from inside `read`/`write` of the same end.
 * - `write` returns false (and queues nothing) when the pipe holds as many unread
 *   messages as its capacity (SNDHWM of the writer + RCVHWM of the reader; 0 on either
 *   side = unlimited). After a false, the sink's `writeActivated` fires once room exists.
 * - `read` returns undefined when nothing is queued. After an undefined, the sink's
 *   `readActivated` fires once a message arrives.
 * - Termination: `terminate(linger)` on this end stops writing; messages already written
 *   stay readable by the peer for up to `linger` ms (-1 = until read, 0 = dropped now).
 *   Both ends then get `pipeTerminated` exactly once; after it the pipe is dead.
 *   A peer that goes away (socket closed, thread exited, connection lost) also ends in
 *   `pipeTerminated` on this end, once everything it wrote has been read.
 */
export interface PipeSink {
  readActivated(pipe: Pipe): void;
  writeActivated(pipe: Pipe): void;
  pipeTerminated(pipe: Pipe): void;
  /** The pipe now leads to a new connection to the same endpoint (tcp/ipc reconnect). */
  pipeHiccuped?(pipe: Pipe): void;
}

export interface Pipe {
  /** Routing id announced by the peer (its ROUTING_ID, or the ZMTP Identity), if any. */
  readonly peerRoutingId: Buffer | undefined;
  /** Socket-type name of the peer ("DEALER", ...), when known. */
  readonly peerType: string | undefined;
  /** Where this pipe leads, for monitor events and `disconnect`/`unbind`. */
  readonly endpoint: string;
  /** Set once by the owning socket before any other call. */
  setSink(sink: PipeSink): void;
  /** Takes the next whole message, or undefined (then `readActivated` follows later). */
  read(): Buffer[] | undefined;
  /** True when `write` would accept a message now; a false arms `writeActivated` as `write` does. */
  checkWrite(): boolean;
  /** Queues a whole message; false at capacity (then `writeActivated` follows later). */
  write(msg: Buffer[]): boolean;
  /** Makes written messages visible to the reader and wakes it if it sleeps. */
  flush(): void;
  /** Number of messages written by this end and not yet read by the peer. */
  readonly outstanding: number;
  /** Changes this end's share of the capacity (SNDHWM, RCVHWM; 0 = unlimited). */
  setHighWaterMarks(sendHwm: number, receiveHwm: number): void;
  /**
   * The socket's `busyPoll` (µs): how long an end whose reader sleeps until woken (a
   * cross-thread pipe) keeps looking for messages before it sleeps. Absent where waking
   * costs nothing extra (same thread) or comes from the OS (tcp, ipc).
   */
  setPollWindow?(micros: number): void;
  /**
   * Stops this end; see the contract above for `linger`. Idempotent. `reason` (why a
   * connection ended) is shown to the other end's owner as `endReason`.
   */
  terminate(lingerMs: number, reason?: string): void;
  /**
   * Why the peer ended this pipe, when it said: a tcp/ipc session passes the engine's reason,
   * and has then reported the disconnect itself.
   */
  readonly endReason?: string | undefined;
  /** True once `pipeTerminated` has fired. */
  readonly terminated: boolean;
}
