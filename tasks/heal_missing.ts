/**
 * Task `heal_missing`: the closing step of a run: fetch the records that missing_data says are missing
 * (src/sync/heal.ts). Policy: every failure is retried by graphile-worker; the last attempt's failure
 * settles the step failed.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { SyncContext } from '../src/sync/context.ts';
import { finishHealStep, healMissing, startHealStep } from '../src/sync/heal.ts';
import { errorMessage, failStep, observeSettled } from '../src/sync/step/life.ts';
import { holdsJob } from '../src/db/graphile-worker-internals.ts';

/** What etl.finish_step enqueues once every other step of the run is settled. */
export const payloadSchema = z.object({ runId: z.number().int(), entity: z.string() });

export default (ctx: SyncContext): Task =>
  async (raw, helpers) => {
    const { runId, entity } = payloadSchema.parse(raw);
    const { attempts, max_attempts: maxAttempts } = helpers.job;
    if (!(await startHealStep(ctx, runId, entity, attempts))) return;
    try {
      await finishHealStep(ctx, runId, entity, await healMissing(ctx, runId));
    } catch (error) {
      // Not if another worker took the job over meanwhile (src/worker/job-lock.ts).
      if (attempts >= maxAttempts && (await holdsJob(ctx.pool, helpers.job).catch(() => true))) observeSettled(ctx, await failStep(ctx.pool, runId, entity, attempts, errorMessage(error)));
      throw error;
    }
  };
