/**
 * A token bucket: `burst` notifications at once, refilled at `perSecond`. It bounds what a flood (a
 * runaway automation, a misbehaving client that found the URL) can enqueue; over it the receiver answers
 * 429 and the notification is lost like any undelivered webhook, which the next scheduled run catches.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.tokens = burst;
    this.last = now();
  }

  /** Takes one token; false when the bucket is empty. */
  take(): boolean {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
