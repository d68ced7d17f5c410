/**
 * The one port for background work. Services enqueue after their transaction commits, with a
 * deterministic job id, so a retried request or a duplicated job is harmless. Handlers reload
 * state and check it before acting.
 */
export type JobPayload = Record<string, string | number | boolean | null>;

export interface JobHandler<P extends JobPayload = JobPayload> {
  /** Queue per context: `imports`, `procurement`, … */
  queue: string;
  /** Job name within the queue. */
  name: string;
  handle(payload: P): Promise<void>;
}

/**
 * A job run on a fixed period (timed transitions, sweeps). The handler must find its own work
 * from the database and the clock, so a missed or doubled tick is harmless.
 */
export interface JobSchedule {
  queue: string;
  name: string;
  everyMs: number;
}

export interface EnqueueOptions {
  /** Deterministic id: the same id enqueued twice runs once. */
  jobId: string;
  delayMs?: number;
  attempts?: number;
}

export abstract class JobQueue {
  abstract enqueue(
    queue: string,
    name: string,
    payload: JobPayload,
    options: EnqueueOptions,
  ): Promise<void>;
  /** Jobs waiting or running, per queue — for /health. */
  abstract stats(): Promise<
    Record<
      string,
      { waiting: number; active: number; failed: number; oldestWaitingMs: number | null }
    >
  >;
  /** Resolves when nothing is queued or running (in-process driver; tests and shutdown). */
  abstract idle(): Promise<void>;
}

export const JOB_HANDLERS = Symbol('JOB_HANDLERS');

/** Which kind of process runs a handler: recorded by handlers that report where they ran. */
export type ProcessRole = 'api' | 'worker';
export const PROCESS_ROLE = Symbol('PROCESS_ROLE');
