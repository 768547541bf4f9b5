/**
 * A batch size that follows the server's answer time: a call slower than twice the target halves the
 * next batch (down to a floor), a fast call lets it grow back by half (up to BATCH_SIZE, the ceiling that
 * bounds memory). A heavy model on a busy Odoo then stays clear of timeouts, and a fast one keeps the
 * largest batches, so the fewest calls.
 */
export class AdaptiveBatchSize {
  private size: number;
  readonly min: number;

  constructor(
    readonly max: number,
    private readonly targetMs: number,
  ) {
    this.size = max;
    this.min = Math.max(1, Math.min(max, 50, Math.floor(max / 20)) || 1);
  }

  get current(): number {
    return this.size;
  }

  /** One call asked for `requested` records and answered in `ms`. */
  observe(requested: number, ms: number): void {
    if (ms > 2 * this.targetMs) this.size = Math.max(this.min, Math.floor(Math.min(this.size, requested) / 2));
    else if (ms < this.targetMs / 2 && requested >= this.size) this.size = Math.min(this.max, Math.ceil(this.size * 1.5));
  }
}
