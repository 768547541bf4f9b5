/**
 * Retention: the database does not grow without bound. Finished runs with their steps, and resolved
 * missing references, older than RETENTION are deleted (daily, by the `prune_history` task; see
 * sql/functions/retention.sql for what is always kept: running runs, open missing references, and the
 * runs `odoo-etl status` reads).
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
}

export async function pruneHistory(pool: DatabasePool, olderThanMs: number): Promise<PruneResult> {
  const row = await pool.one(sql.type(z.object({ runs: z.number(), steps: z.number(), missing: z.number() }))`
    select runs, steps, missing from etl.prune_history(make_interval(secs => ${olderThanMs / 1000}))`);
  return { olderThanMs, ...row };
}
