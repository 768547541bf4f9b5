/**
 * Task `start_run`: what the sync schedule (graphile-worker cron, src/worker/schedule.ts) runs: a run of
 * every entity (src/sync/run.ts), incremental unless the payload says full. A run that would overlap one
 * in progress is not started (logged); that is not a failure.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { SyncContext } from '../src/sync/context.ts';
import { startRun } from '../src/sync/run.ts';

export const payloadSchema = z.object({ entities: z.array(z.string()).optional(), full: z.boolean().optional() }).passthrough();

export default (context: SyncContext): Task =>
  async (raw) => {
    const { entities, full } = payloadSchema.parse(raw ?? {});
    const run = await startRun(context.pool, { entities, full, trigger: 'cron', history: context.settings.HISTORY, logger: context.logger });
    if (run.started) context.logger.info({ runId: run.runId }, 'scheduled run started');
    else context.logger.warn({ runId: run.runId, reason: run.reason }, 'scheduled run skipped');
  };
