/**
 * fact_stock_daily, the end-of-day stock per product, internal location and company (etl.refresh_stock_daily,
 * sql/functions/stock_daily.sql, says how each day is computed). Refreshed by the daily task
 * (tasks/refresh_stock_daily.ts) and, cheaply, for the last days only at the end of every run that synced
 * fact_stock or fact_stock_moves (tasks/heal_missing.ts), so today's rows follow the quants.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** Rewrites the days from..to (YYYY-MM-DD; capped at each company's today); returns the rows written. */
export async function refreshStockDaily(pool: DatabasePool, from: string, to: string, fallbackZone: string | undefined): Promise<number> {
  return pool.oneFirst(sql.type(z.object({ n: z.number() }))`
    select etl.refresh_stock_daily(${from}::date, ${to}::date, ${fallbackZone ?? 'UTC'}) as n`);
}

/**
 * The days a refresh should cover around now, whatever the companies' zones: a company east of UTC is
 * already on tomorrow's UTC date, one west still on yesterday's; the function caps at each one's today.
 */
export function recentDays(now = Date.now()): { from: string; to: string } {
  return { from: isoDay(now - DAY_MS), to: isoDay(now + DAY_MS) };
}

/** Whether the run loaded one of the tables fact_stock_daily is made from. */
export async function runSyncedStock(pool: DatabasePool, runId: number): Promise<boolean> {
  return pool.oneFirst(sql.type(z.object({ synced: z.boolean() }))`
    select exists (select 1 from etl.run_entity
                    where run_id = ${runId} and entity in ('fact_stock', 'fact_stock_moves') and status = 'succeeded') as synced`);
}

/**
 * The daily refresh: from the day before the last day kept (it may have been written before that day
 * ended), else from the first move's day, to today.
 */
export async function dailyRange(pool: DatabasePool, now = Date.now()): Promise<{ from: string; to: string }> {
  const first = await pool.oneFirst(sql.type(z.object({ from: z.string().nullable() }))`
    select to_char(coalesce((select max(day) - 1 from public.fact_stock_daily),
                            (select min(business_date) from public.fact_stock_moves where deleted_at is null)), 'YYYY-MM-DD') as from`);
  const recent = recentDays(now);
  return { from: first !== null && first < recent.from ? first : recent.from, to: recent.to };
}
