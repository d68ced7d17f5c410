import { Clock } from '../../src/common/clock';

/** A clock the test moves: deadlines pass without waiting for them. */
export class TestClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves time forward (or back) by `ms`. */
  advance(ms: number): void {
    this.offsetMs += ms;
  }

  /** Moves time to just after `at`. */
  passes(at: Date | string, byMs = 1000): void {
    const target = new Date(at).getTime() + byMs;
    this.offsetMs = Math.max(this.offsetMs, target - Date.now());
  }
}
