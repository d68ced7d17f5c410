import type { BenchApp } from './bench-app';
import type { BenchResult } from './domain/report';
import type { BenchScale } from './domain/scale';

/** What every scenario gets: the scale, the shared app (booted once, on first use), progress. */
export interface BenchContext {
  scale: BenchScale;
  /** Unique per run, at the start of every code the run creates. */
  prefix: string;
  app(): Promise<BenchApp>;
  progress(message: string): void;
}

/**
 * One measured aspect of §N. A scenario measures its figure and, in the same run, the
 * machine's own limit for the same work, and returns one result per figure.
 */
export interface Scenario {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchResult[]>;
}
