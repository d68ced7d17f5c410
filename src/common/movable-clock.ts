import { Clock } from './clock';

/**
 * A clock a script moves: the demo and the bench play a round's timeline (demand window,
 * deadline, publicity) in seconds instead of weeks. Time keeps running from where it is set.
 * Pass it to `AppModule.forRoot(config, { clock })`.
 */
export class MovableClock extends Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** From now on the clock reads `at`, and runs on from there. */
  set(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }

  /** Back to the system clock. */
  reset(): void {
    this.offsetMs = 0;
  }
}
