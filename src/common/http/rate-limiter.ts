import { DomainError } from '../errors/domain-error';

/**
 * Fixed-window counter per key (client address + username for logins, user for uploads).
 * Per process: behind several API instances the effective limit is per instance, which is
 * still a brake on password guessing.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly what: string,
  ) {}

  hit(key: string, now = Date.now()): void {
    const w = this.windows.get(key);
    if (!w || now - w.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      if (this.windows.size > 100_000) this.sweep(now);
      return;
    }
    w.count++;
    if (w.count > this.limit) {
      const retryAfter = Math.ceil((w.start + this.windowMs - now) / 1000);
      throw new DomainError(
        'COMMON.RATE_LIMITED',
        429,
        `Too many ${this.what}; retry in ${retryAfter} s`,
        {
          retryAfterSeconds: retryAfter,
        },
      );
    }
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
