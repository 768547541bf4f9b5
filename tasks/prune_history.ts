/**
 * Task `prune_history`: the daily retention prune (old runs and their steps, resolved missing references;
 * src/ops/retention.ts; with HISTORY_RETENTION in the payload, the closed row versions older than it). Cron-driven (src/worker/schedule.ts); a failure is retried by graphile-worker.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { SyncContext } from '../src/sync/context.ts';
import { pruneHistory } from '../src/ops/retention.ts';

const DAY = 24 * 60 * 60 * 1000;
/** RETENTION's default: history older than this is pruned. */
export const DEFAULT_RETENTION_MS = 90 * DAY;

export const payloadSchema = z.object({ olderThanMs: z.number().positive().optional(), historyOlderThanMs: z.number().positive().optional() }).passthrough();

export default (context: SyncContext): Task =>
  async (raw) => {
    const { olderThanMs, historyOlderThanMs } = payloadSchema.parse(raw ?? {});
    const pruned = await pruneHistory(context.pool, olderThanMs ?? DEFAULT_RETENTION_MS, historyOlderThanMs);
    context.logger.info({ ...pruned }, 'history pruned');
  };
