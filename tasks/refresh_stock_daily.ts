/**
 * Task `refresh_stock_daily`: keeps fact_stock_daily current (src/sync/stock-daily.ts). Cron-driven, daily
 * (src/worker/schedule.ts): the days since the last one kept, to today; `from`/`to` in the payload rewrite
 * a chosen range (a rebuild). A failure is retried by graphile-worker.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { SyncContext } from '../src/sync/context.ts';
import { dailyRange, refreshStockDaily } from '../src/sync/stock-daily.ts';

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);
export const payloadSchema = z.object({ from: day.optional(), to: day.optional() }).passthrough();

export default (context: SyncContext): Task =>
  async (raw) => {
    const payload = payloadSchema.parse(raw ?? {});
    const range = payload.from && payload.to ? { from: payload.from, to: payload.to } : await dailyRange(context.pool);
    const rows = await refreshStockDaily(context.pool, range.from, range.to, context.settings.BUSINESS_TIMEZONE);
    context.logger.info({ ...range, rows }, 'fact_stock_daily refreshed');
  };
