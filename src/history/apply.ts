/**
 * Applying HISTORY to the database (etl.apply_history, sql/functions/history.sql): by `odoo-etl migrate`
 * (every table recompiled, a migration may have added columns) and at the start of each run (only when the
 * setting differs from etl.history_table: one read otherwise). A change is logged:
 * "history now kept for X; no longer for Y".
 */
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { Logger } from '../log.ts';

export interface HistoryChange {
  /** Tables whose history starts now (seeded with one version per existing row). */
  enabled: string[];
  /** Tables whose history stopped (their history table is kept). */
  disabled: string[];
}

type Db = DatabasePool | DatabaseTransactionConnection;

/** The tables the database keeps history for now (etl.history_table), sorted. */
export async function enabledHistoryTables(db: Db): Promise<string[]> {
  const rows = await db.anyFirst(sql.type(z.object({ table_name: z.string() }))`
    select table_name from etl.history_table where enabled order by table_name`);
  return [...rows];
}

/**
 * Makes the database keep history for exactly `tables`. `recompile`: also rebuild the history tables,
 * triggers and as-of functions of the tables already kept (migrate); without it, nothing is done unless the
 * set differs.
 */
export async function applyHistory(db: Db, tables: string[], options: { recompile: boolean; logger?: Logger }): Promise<HistoryChange> {
  const wanted = [...new Set(tables)].sort();
  if (!options.recompile) {
    const current = await enabledHistoryTables(db);
    if (current.length === wanted.length && current.every((t, i) => t === wanted[i])) return { enabled: [], disabled: [] };
  }
  const rows = await db.any(sql.type(z.object({ table_name: z.string(), action: z.string(), seeded: z.number().nullable() }))`
    select table_name, action, seeded from etl.apply_history(${sql.array(wanted, 'text')}, ${options.recompile})`);
  const change: HistoryChange = {
    enabled: rows.filter((r) => r.action === 'enabled').map((r) => r.table_name),
    disabled: rows.filter((r) => r.action === 'disabled').map((r) => r.table_name),
  };
  const line = describeHistoryChange(change);
  if (line) {
    const seeded = Object.fromEntries(rows.filter((r) => r.action === 'enabled').map((r) => [r.table_name, r.seeded]));
    options.logger?.info({ history: change, seeded }, line);
  }
  return change;
}

/** "history now kept for X, Y; no longer for Z (its history table is kept)", or null when nothing changed. */
export function describeHistoryChange(change: HistoryChange): string | null {
  const parts: string[] = [];
  if (change.enabled.length > 0) parts.push(`history now kept for ${change.enabled.join(', ')}`);
  if (change.disabled.length > 0) {
    const kept = change.disabled.length > 1 ? 'their history tables are kept' : 'its history table is kept';
    parts.push(`${parts.length > 0 ? 'no longer' : 'history no longer kept'} for ${change.disabled.join(', ')} (${kept})`);
  }
  return parts.length > 0 ? parts.join('; ') : null;
}
