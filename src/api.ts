/**
 * The programmatic API: sync one entity, several, or everything, from code — what the Python tool this
 * replaces offered by importing one extractor and its loader. The same engine as the CLI: a run is
 * queued in the target database and processed in this process until it ends.
 *
 *   import { syncOdoo } from 'odoo-etl';
 *   const report = await syncOdoo({
 *     databaseUrl: 'postgres://etl@warehouse/analytics',
 *     odoo: { url: 'https://erp.example.com', db: 'prod', username: 'etl', apiKey: process.env.ODOO_API_KEY },
 *     entities: ['fact_stock'],
 *   });
 */
import { SETTING_DEFAULTS } from './config.ts';
import { createDatabasePool } from './db/pool.ts';
import { assertMigrated } from './db/schema-check.ts';
import { silentLogger, type Logger } from './log.ts';
import { createOdooClient, type OdooClientOptions } from './odoo/index.ts';
import { createSyncContext } from './sync/context.ts';
import { followRun } from './worker/follow.ts';
import type { RunReport } from './sync/run-report.ts';
import { startRun } from './sync/run.ts';

export interface SyncOdooOptions {
  /** The target database (migrated with `odoo-etl migrate` or `migrateDatabase`). */
  databaseUrl: string;
  odoo: Omit<OdooClientOptions, 'logger'>;
  /** Table names; every entity when absent. */
  entities?: string[];
  full?: boolean;
  batchSize?: number;
  /** Jobs processed at once in this process. */
  concurrency?: number;
  /** How far back every incremental run re-reads (ms). */
  lookbackMs?: number;
  extraFields?: Record<string, string[]>;
  /** The timezone of business dates for companies whose partner has none (IANA name); UTC when absent. */
  businessTimezone?: string;
  logger?: Logger;
  /** Progress: called with the run's state while it runs. */
  onProgress?: (report: RunReport) => void;
}

export class RunNotStartedError extends Error {
  override name = 'RunNotStartedError';
}

/** Runs a sync to its end and returns what each entity did. A failed entity is in the report, not thrown. */
export async function syncOdoo(options: SyncOdooOptions): Promise<RunReport> {
  const logger = options.logger ?? silentLogger;
  const pool = await createDatabasePool(options.databaseUrl);
  const odoo = createOdooClient({ ...options.odoo, logger });
  try {
    await assertMigrated(pool);
    const run = await startRun(pool, { entities: options.entities, full: options.full, trigger: 'api' });
    if (!run.started) throw new RunNotStartedError(`run ${run.runId} not started: ${run.reason}`);
    const context = createSyncContext({
      pool,
      odoo,
      logger,
      settings: {
        BATCH_SIZE: options.batchSize ?? SETTING_DEFAULTS.BATCH_SIZE,
        LOOKBACK: options.lookbackMs ?? SETTING_DEFAULTS.LOOKBACK,
        EXTRA_FIELDS: options.extraFields,
        FULL_SYNC_CONCURRENCY: SETTING_DEFAULTS.FULL_SYNC_CONCURRENCY,
        BUSINESS_TIMEZONE: options.businessTimezone,
      },
    });
    return await followRun({
      connectionString: options.databaseUrl,
      context,
      runId: run.runId,
      concurrency: options.concurrency ?? SETTING_DEFAULTS.WORKER_CONCURRENCY,
      onProgress: options.onProgress,
    });
  } finally {
    odoo.close();
    await pool.end();
  }
}
