/**
 * Why the receiver turned a request away, and how that reaches the log without flooding it: the first
 * rejection of a reason is logged at once with its details, the following ones of the same reason are only
 * counted and summarised once per interval ("N more … in the last 60 s"). A flood of wrong-token POSTs
 * (3,000 in 3 s) then writes two lines, not 3,000.
 */
import type { Logger } from '../log.ts';

export const REJECT_REASONS = ['not-found', 'method', 'too-large', 'timeout', 'malformed', 'not-a-notification', 'unknown-model', 'rate-limit', 'database', 'internal'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

/** The receiver's answer to a request it does not take, with the reason metrics and logs count it under. */
export class Rejection extends Error {
  constructor(
    readonly status: number,
    readonly reason: RejectReason,
    message: string,
  ) {
    super(message);
  }
}

/** How often the rejections after the first of each reason are summarised. */
export const DEFAULT_REJECTION_LOG_INTERVAL_MS = 60_000;

interface Pending {
  status: number;
  message: string;
  more: number;
}

export class RejectionLog {
  private readonly pending = new Map<RejectReason, Pending>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    private readonly intervalMs = DEFAULT_REJECTION_LOG_INTERVAL_MS,
  ) {
    this.timer = setInterval(() => this.flush(), intervalMs);
    this.timer.unref();
  }

  /** One rejection; `details` (never the path: it holds the token) go with the first of its interval. */
  note(rejection: Rejection, details: Record<string, unknown>): void {
    const seen = this.pending.get(rejection.reason);
    if (seen) {
      seen.more++;
      return;
    }
    this.pending.set(rejection.reason, { status: rejection.status, message: rejection.message, more: 0 });
    const level = rejection.reason === 'database' || rejection.reason === 'internal' ? 'error' : 'warn';
    this.logger[level]({ status: rejection.status, reason: rejection.reason, ...details }, `webhook: ${rejection.status} ${rejection.message}`);
  }

  /** Logs the count of each reason rejected again since its first line, and starts a new interval. */
  flush(): void {
    const seconds = Math.round(this.intervalMs / 1000);
    for (const [reason, p] of this.pending) {
      if (p.more === 0) continue;
      const hint = reason === 'rate-limit' ? ' (the next scheduled run catches them)' : '';
      this.logger.warn({ status: p.status, reason, rejected: p.more }, `webhook: ${p.more} more requests answered ${p.status} (${reason}) in the last ${seconds} s${hint}`);
    }
    this.pending.clear();
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
