// Retries transient Odoo failures with exponential backoff and full jitter (delay drawn uniformly from
// [0, min(cap, base·2^attempt)]), so many workers hitting a restarting server do not retry in lockstep.
import type { Logger } from 'pino';
import { isTransient, OdooError } from './errors.ts';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { retries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

export interface RetryContext {
  model: string;
  method: string;
  logger?: Logger;
  /** Called before each retry (stats). */
  onRetry?: () => void;
}

/** Runs `attempt` until it succeeds, fails with a non-transient error, or the retries are spent. */
export async function withRetry<T>(policy: RetryPolicy, ctx: RetryContext, attempt: (n: number) => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    try {
      return await attempt(n);
    } catch (err) {
      if (!isTransient(err) || n >= policy.retries) throw err;
      // A server's Retry-After (429/503) is honoured up to the cap; otherwise full-jitter backoff.
      const asked = err instanceof OdooError && err.retryAfterMs !== undefined ? Math.min(err.retryAfterMs, policy.maxDelayMs) : 0;
      const delayMs = Math.max(backoffDelay(policy, n), asked);
      ctx.onRetry?.();
      ctx.logger?.warn(
        {
          model: ctx.model,
          method: ctx.method,
          attempt: n + 1,
          retriesLeft: policy.retries - n - 1,
          delayMs,
          error: err instanceof OdooError ? { name: err.name, message: err.message, httpStatus: err.httpStatus } : String(err),
        },
        'transient Odoo failure, retrying',
      );
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
