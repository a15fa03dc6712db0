export { Pool, type PoolOptions, type RunOptions, type PoolStats, type WorkerStats } from "./pool.js";
export { serve, type Handler, type ServeOptions, type Server, type TaskContext } from "./worker.js";
export { PoolError, AbortError, type PoolErrorCode } from "./errors.js";
export type { HistogramSummary } from "./histogram.js";
