import type { LatencySummary } from '../domain/stats';

/** What the load generator is asked to do: closed-loop GETs at a fixed concurrency. */
export interface LoadJob {
  /** `http://127.0.0.1:port` — the bench only loads servers it started itself. */
  baseUrl: string;
  /** Requested in turn. */
  paths: string[];
  headers: Record<string, string>;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  /** Upper bound on measured requests, whatever the duration. */
  maxRequests: number;
  requestTimeoutMs: number;
}

export interface LoadOutcome {
  /** Measured requests answered 2xx. */
  completed: number;
  /** From the first measured request to the last answer. */
  elapsedMs: number;
  requestsPerSecond: number;
  latency: LatencySummary;
  /** Measured requests that failed (non-2xx, connection error or time-out). */
  failures: number;
  firstFailure: string | null;
  bytesPerResponse: number;
}
