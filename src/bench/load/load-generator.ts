import { join } from 'node:path';
import { runChild } from '../child';
import type { LoadJob, LoadOutcome } from './load-job';

/** Grace beyond warm-up, duration and a last request's time-out, for the process's start-up. */
const GRACE_MS = 30_000;

/** Runs one load job in a child process; it stops by itself when its time or budget is spent. */
export function runLoad(job: LoadJob): Promise<LoadOutcome> {
  return runChild<LoadOutcome>(
    join(__dirname, 'load-process.js'),
    job,
    job.warmupMs + 2 * job.requestTimeoutMs + job.durationMs + GRACE_MS,
  );
}
