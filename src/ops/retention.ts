/**
 * Retention: the database does not grow without bound. Finished runs with their steps, and resolved
 * missing references, older than RETENTION are deleted (daily, by the `prune_history` task; see
 * sql/functions/retention.sql for what is always kept: running runs, open missing references, and the
 * runs `odoo-etl status` reads). With HISTORY_RETENTION, the history versions that ended longer ago go too.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

export interface PruneResult {
  olderThanMs: number;
  /** Runs deleted, and their steps (etl.run_entity rows). */
  runs: number;
  steps: number;
  /** Resolved missing_data rows deleted. */
  missing: number;
  /** HISTORY_RETENTION: closed history versions deleted, per table (absent when history is kept forever). */
  historyVersions?: Record<string, number>;
}

export async function pruneHistory(pool: DatabasePool, olderThanMs: number, historyOlderThanMs?: number): Promise<PruneResult> {
  const row = await pool.one(sql.type(z.object({ runs: z.number(), steps: z.number(), missing: z.number() }))`
    select runs, steps, missing from etl.prune_history(make_interval(secs => ${olderThanMs / 1000}))`);
  if (historyOlderThanMs === undefined) return { olderThanMs, ...row };
  // The row versions of the history tables (sql/functions/history.sql): only closed ones, ended before the cutoff.
  const versions = await pool.any(sql.type(z.object({ table_name: z.string(), versions: z.number() }))`
    select table_name, versions::int from etl.prune_history_versions(make_interval(secs => ${historyOlderThanMs / 1000}))`);
  return { olderThanMs, ...row, historyVersions: Object.fromEntries(versions.map((v) => [v.table_name, v.versions])) };
}
