/**
 * Task `sync_entity`: one entity of a run, part by part (src/sync/step/). A job plans the entity if it is
 * the first (plan.ts), takes its part (parts.ts) and reads it batch after batch (read.ts), each batch
 * committed in one transaction with its cursor and the continuation (commit.ts).
 *
 * Its policy:
 * - hand-over: a job takes batches for up to JOB_BUDGET_MS, or until its worker stops (the batch in hand is
 *   then its last), then its last commit enqueues a continuation job. A retried job (an attempt failed, or its worker died) hands over after its first committed batch,
 *   so the attempts budget counts failures without progress: workers that keep dying mid-job cannot
 *   exhaust it while work advances.
 * - failure: src/sync/failure.ts classifies the error. A permanent one settles the step failed at once;
 *   a transient or unclassified one is recorded and retried by graphile-worker until the job's
 *   max_attempts, then the step fails (an unclassified one is logged as such).
 * - a job whose run ended meanwhile (StepClosed) stops without error.
 * - a job no longer held by this worker (taken over after a pause) records no failure or retry.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import { getEntity } from '../src/entities/index.ts';
import { classifyFailure, isRetried } from '../src/sync/failure.ts';
import { OdooDecodeError, OdooUnknownFieldError } from '../src/odoo/index.ts';
import type { SyncContext } from '../src/sync/context.ts';
import { takePart } from '../src/sync/step/parts.ts';
import { planEntity, startPlannedStep, storedPlan } from '../src/sync/step/plan.ts';
import { readPart } from '../src/sync/step/read.ts';
import { errorMessage, failStep, observeSettled, openStepState, recordRetry, StepClosed } from '../src/sync/step/life.ts';
import { holdsJob } from '../src/db/graphile-worker-internals.ts';

/** What etl.start_run / etl.continue_step enqueue: the entity of a run, and the part a continuation reads. */
export const payloadSchema = z.object({ runId: z.number().int(), entity: z.string(), part: z.string().nullish() });

/** How long one job keeps loading batches before it hands over to a continuation job. */
export const JOB_BUDGET_MS = 20_000;

export default (ctx: SyncContext): Task =>
  async (raw, helpers) => {
    const { runId, entity: table, part: partKey } = payloadSchema.parse(raw);
    const { attempts, max_attempts: maxAttempts } = helpers.job;
    const state = await openStepState(ctx.pool, runId, table);
    if (!state) return; // a job of a step or run settled meanwhile (cancelled, timed out, or deleted): nothing to do

    const log = ctx.logger.child({ runId, entity: table, attempt: attempts });
    try {
      const entity = getEntity(table);
      let plan = storedPlan(state.plan);
      if (!plan) {
        const planned = await planEntity(ctx, runId, entity, state.full_sync);
        if (planned === 'skipped' || !planned) return;
        plan = planned;
      } else if (state.status === 'queued') {
        await startPlannedStep(ctx, runId, table); // planned ahead (tasks/plan_ahead.ts)
      }
      const part = await takePart(ctx, runId, table, plan, partKey ?? undefined, state.sources_done);
      if (!part) return;
      await readPart(ctx, runId, entity, plan, part, log, { budgetMs: JOB_BUDGET_MS, afterFirstBatch: attempts > 1, stop: helpers.abortSignal });
    } catch (error) {
      if (error instanceof StepClosed) {
        log.info(`${table}: ${error.message}; the job stops here`);
        return;
      }
      // A worker resumed after its job was taken over (paused past WORKER_STALE_AFTER) records nothing on the
      // step: the new holder owns it (src/worker/job-lock.ts drops this attempt's outcome).
      if (!(await holdsJob(ctx.pool, helpers.job).catch(() => true))) throw error;
      const message = errorMessage(error);
      const failure = classifyFailure(error);
      const permanent = !isRetried(failure);
      // Odoo refused or answered a field otherwise than its kept fields_get says (a change the fields check
      // cannot see, e.g. a field's access groups): the next attempt or run asks fields_get again.
      if (error instanceof OdooUnknownFieldError || error instanceof OdooDecodeError) {
        await ctx.forgetFields(error.model).catch((forgetError: unknown) => log.warn({ err: forgetError }, `${table}: could not drop the kept fields of ${error.model}`));
      }
      if (permanent || attempts >= maxAttempts) {
        log.error({ err: error, permanent, failure }, `${table} failed: ${message}`);
        const recorded = await failStep(ctx.pool, runId, table, attempts, message).then(
          (settled) => {
            observeSettled(ctx, settled);
            return true;
          },
          (recordError: unknown) => {
            // The job fails with the step's own error (its last_error); a retry, or the worker housekeeping
            // once the job is out of attempts, settles the step.
            log.error({ err: recordError }, `${table}: recording the failure failed: ${errorMessage(recordError)}`);
            return false;
          },
        );
        if (permanent && recorded) return; // the job is done: retrying cannot help
      } else {
        const unclassified = failure === 'unclassified' ? ' (an unclassified error: retried as if transient, see src/sync/failure.ts)' : '';
        log.warn({ err: error, failure }, `${table} step failed (attempt ${attempts} of ${maxAttempts}), will retry${unclassified}: ${message}`);
        await recordRetry(ctx.pool, runId, table, attempts, message);
      }
      throw error;
    }
  };
