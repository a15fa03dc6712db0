/**
 * The wire protocol between the pool's broker (a ROUTER, the backend) and its workers
 * (one DEALER each). Shared by both sides, so it is defined once here.
 *
 * Every message starts with a one-byte command frame. The ROUTER adds (on receive) and
 * strips (on send) the worker's routing id in front of it, as in the guide's lbbroker.
 *
 * Worker -> pool
 *   READY  ["R", info]                       info = v8(ReadyInfo). Sent on connect, and
 *                                            again when the pool asks ("W"). Announces the
 *                                            worker's credits (its concurrency).
 *   DONE   ["D", header, inline, frame...]   header = n x 16 bytes, little endian:
 *                                            u32 task id, u32 status, f64 run time (ms).
 *                                            status OK: a primitive result, the next entry of
 *                                              inline = encode([primitive...]) (empty frame if none);
 *                                            status OK_FRAME: the next frame = encode(result),
 *                                              serialized when the handler returned (a handler
 *                                              may reuse the object it returned);
 *                                            status THROWN: the next frame = encodeThrown(value).
 *   DONE*  ["E", ...as DONE]                 the same, and the side port holds, posted just
 *                                            before, one (SharedArrayBuffer[] | null) list per
 *                                            frame after `inline` (see codec.ts).
 *   BYE    ["B"]                             the worker is leaving (its serve() closed) and
 *                                            will take no more tasks.
 *
 * Pool -> worker
 *   TASKS  ["T", header, payload]            header = n x u32 task ids; payload = v8([task x n]).
 *   TASKS* ["U", ...as TASKS]                the same, and the side port holds, posted just
 *                                            before, the SharedArrayBuffer[] of the payload.
 *   ABORT  ["A", header]                     header = n x u32 task ids to abort.
 *   PING   ["P"]                             probe (ROUTER_MANDATORY tells if the peer is
 *                                            still there); the worker ignores it.
 *   WHO    ["W"]                             "I do not know you": send READY again.
 *   STOP   ["S"]                             the pool closes: finish, answer, then leave.
 *
 * Values are serialized with node:v8 (codec.ts adds SharedArrayBuffers for threads).
 * A batch of tasks is serialized with one v8 serializer: its fixed cost (~2 µs here) is far
 * above the per-value cost (~0.1-0.3 µs for small values), so batching is what makes
 * trivial tasks cheap. Results are batched only when primitive: an object result is
 * serialized the moment the handler returns it.
 *
 * Credits: the pool never has more tasks outstanding at a worker than that worker's
 * concurrency plus the pipeline depth the pool chose for it; a DONE entry returns one
 * credit. So what is in flight stays bounded although the sockets' high-water marks are
 * off (HWMs must never be what drops or delays a task).
 */

export const CMD_READY = 0x52; // R
export const CMD_DONE = 0x44; // D
export const CMD_DONE_SHARED = 0x45; // E: DONE whose frames refer to shared memory
export const CMD_BYE = 0x42; // B
export const CMD_TASKS = 0x54; // T
export const CMD_TASKS_SHARED = 0x55; // U: TASKS whose payload refers to shared memory
export const CMD_ABORT = 0x41; // A
export const CMD_PING = 0x50; // P
export const CMD_WHO = 0x57; // W
export const CMD_STOP = 0x53; // S

export const frameReady = Buffer.from([CMD_READY]);
export const frameDone = Buffer.from([CMD_DONE]);
export const frameDoneShared = Buffer.from([CMD_DONE_SHARED]);
export const frameBye = Buffer.from([CMD_BYE]);
export const frameTasks = Buffer.from([CMD_TASKS]);
export const frameTasksShared = Buffer.from([CMD_TASKS_SHARED]);
export const frameAbort = Buffer.from([CMD_ABORT]);
export const framePing = Buffer.from([CMD_PING]);
export const frameWho = Buffer.from([CMD_WHO]);
export const frameStop = Buffer.from([CMD_STOP]);

export const STATUS_OK = 0;
export const STATUS_THROWN = 1;
export const STATUS_OK_FRAME = 2;

export const DONE_ENTRY_BYTES = 16;

/**
 * Changes whenever either side would misread the other (2: plain data travels as JSON, see
 * codec.ts). The pool sends a worker announcing another version away with STOP.
 */
export const PROTOCOL_VERSION = 2;

/** What a worker says about itself in READY. */
export interface ReadyInfo {
  protocol: number;
  /** Tasks it runs at once. */
  concurrency: number;
  /** Tasks it still holds (after a re-announce); they will answer later. */
  busy: number;
  pid: number;
  threadId: number;
  hostname: string;
}

/** The pool's message to a thread it spawns, read synchronously by the bootstrap. */
export const BOOT_KEY = "threadmq.pool.boot";

export interface BootMessage {
  /** The worker module to load. */
  filename: string;
  /** Export to use as the handler when the module does not call serve() itself. */
  name: string;
  /** Where the pool's backend ROUTER listens (inproc). */
  endpoint: string;
  /** Routing id the pool knows this thread by. */
  routingId: string;
  concurrency: number;
  /** The side port for shared memory (transferred). */
  side: import("node:worker_threads").MessagePort;
  /** Context handle (its port is transferred). */
  handle: ReturnType<import("threadmq").Context["handle"]>;
}

/** Environment variable a process worker reads its endpoint from. */
export const ENDPOINT_ENV = "THREADMQ_POOL_ENDPOINT";
/** Environment variable a process worker reads its concurrency from. */
export const CONCURRENCY_ENV = "THREADMQ_POOL_CONCURRENCY";
