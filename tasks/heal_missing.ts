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
import { recentDays, refreshStockDaily, runSyncedStock } from '../src/sync/stock-daily.ts';

/** What etl.finish_step enqueues once every other step of the run is settled. */
export const payloadSchema = z.object({ runId: z.number().int(), entity: z.string() });

export default (ctx: SyncContext): Task =>
  async (raw, helpers) => {
    const { runId, entity } = payloadSchema.parse(raw);
    const { attempts, max_attempts: maxAttempts } = helpers.job;
    if (!(await startHealStep(ctx, runId, entity, attempts))) return;
    try {
      const healed = await healMissing(ctx, runId);
      await refreshRecentStock(ctx, runId);
      await finishHealStep(ctx, runId, entity, healed);
    } catch (error) {
      // Not if another worker took the job over meanwhile (src/worker/job-lock.ts).
      if (attempts >= maxAttempts && (await holdsJob(ctx.pool, helpers.job).catch(() => true))) observeSettled(ctx, await failStep(ctx.pool, runId, entity, attempts, errorMessage(error)));
      throw error;
    }
  };

/**
 * A run that loaded fact_stock or fact_stock_moves rewrites fact_stock_daily's yesterday and today before it
 * ends (cheap: two days), so today's rows are the quants just loaded. Its failure does not fail the run
 * (the data is loaded; the daily task redoes the days): it is logged.
 */
async function refreshRecentStock(ctx: SyncContext, runId: number): Promise<void> {
  try {
    if (!(await runSyncedStock(ctx.pool, runId))) return;
    const { from, to } = recentDays();
    const rows = await refreshStockDaily(ctx.pool, from, to, ctx.settings.BUSINESS_TIMEZONE);
    ctx.logger.debug({ runId, from, to, rows }, 'fact_stock_daily refreshed');
  } catch (error) {
    ctx.logger.warn({ runId, err: errorMessage(error) }, 'fact_stock_daily not refreshed at the end of the run; the daily task will');
  }
}
