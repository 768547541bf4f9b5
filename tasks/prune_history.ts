// Task `prune_history`: the daily retention prune (old runs and their steps, resolved missing references).
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { SyncContext } from '../src/sync/context.ts';
import { DEFAULT_RETENTION_MS } from '../src/worker/schedule.ts';
import { pruneHistory } from '../src/ops/retention.ts';

const payload = z.object({ olderThanMs: z.number().positive().optional() }).passthrough();

export default (context: SyncContext): Task =>
  async (raw) => {
    const { olderThanMs } = payload.parse(raw ?? {});
    const pruned = await pruneHistory(context.pool, olderThanMs ?? DEFAULT_RETENTION_MS);
    context.logger.info({ ...pruned }, 'history pruned');
  };
