/**
 * odoo-etl as a library. The CLI (`cli/`) and the worker tasks (`tasks/`) are thin layers over these.
 */
export { syncOdoo, RunNotStartedError, type SyncOdooOptions } from './api.ts';
export { loadConfig, describeConfig, ConfigError, type Settings } from './config.ts';
export { migrateDatabase, type MigrationResult } from './db/migrate.ts';
export { createDatabasePool } from './db/pool.ts';
export { openTargetDatabase } from './db/target.ts';
export { entities, entityNames, getEntity, type Entity, type EntitySpec } from './entities/index.ts';
export { createMetrics, serveMetrics, type Metrics, type MetricsServer } from './metrics/index.ts';
export { createOdooClient, type OdooClient, type OdooClientOptions } from './odoo/index.ts';
export { startSimulator, type Simulator, type SimulatorOptions } from './sim/index.ts';
export { createSyncContext, type SyncContext } from './sync/context.ts';
export { followRun } from './worker/follow.ts';
export { healMissing } from './sync/heal.ts';
export { reconcileDeletions, type ReconcileResult } from './sync/reconcile.ts';
export { getRunReport, type RunReport, type RunStep } from './sync/run-report.ts';
export { startRun, resolveEntities, UnknownEntityError } from './sync/run.ts';
export { startWorker } from './worker/runner.ts';
export { listRuns, cancelRun, type RunSummary, type CancelResult } from './ops/runs.ts';
export { pruneHistory, type PruneResult } from './ops/retention.ts';
export { settleRuns, type HousekeepingResult } from './worker/housekeeping.ts';
export { loadDeclarations, parseDeclarations, DeclarationError, type Declarations } from './declared/load.ts';
export { useDeclarations, currentDeclarations, toEntitySpec } from './declared/to-spec.ts';
export type { DeclaredTable } from './declared/schema.ts';
