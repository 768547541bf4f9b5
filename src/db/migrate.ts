/**
 * `odoo-etl migrate`: graphile-worker's schema first (our migrations may enqueue jobs), then the
 * committed graphile-migrate migrations of `migrations/` (tables, keys, indexes), then the SQL functions
 * of `sql/functions/` (`create or replace`, re-applied on every migrate as graphile-migrate's
 * afterAllMigrations actions, so a function lives in one reviewed file instead of a chain of migrations),
 * then the etl.entity catalog from the entity specs (entity-catalog.ts: one source, no hand-kept copy), then
 * each table's compiled load function (etl.compile_upserts), then the history of the tables HISTORY names
 * (src/history/apply.ts).
 * Idempotent: a second run applies no migration and leaves the functions as they are.
 */
import { Logger as MigrateLogger } from '@graphile/logger';
import { migrate } from 'graphile-migrate';
import { Logger as WorkerLogger, runMigrations } from 'graphile-worker';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { applyDeclaredTables, type DeclaredChange, type FieldsGetOf } from '../declared/ddl.ts';
import { currentDeclarations } from '../declared/to-spec.ts';
import type { DeclaredTable } from '../declared/schema.ts';
import { reconcileEntityCatalog } from './entity-catalog.ts';
import { SETTING_DEFAULTS } from '../config.ts';
import { applyHistory, type HistoryChange } from '../history/apply.ts';
import { resolveHistoryTables } from '../history/setting.ts';
import { createDatabasePool } from './pool.ts';
import { appliedMigrations, releaseMigratePools } from './graphile-migrate-internals.ts';
import { silentLogger } from '../log.ts';
import { packagePath } from '../package-root.ts';

export const MIGRATIONS_FOLDER = packagePath('migrations');

/**
 * The SQL function files, in the order they are applied (later files may call earlier ones). Paths are
 * relative to the migrations folder, as graphile-migrate reads them; `.gmrc` lists the same files
 * (test/foundation/sql-function-files.test.ts fails when they differ).
 */
export const SQL_FUNCTION_FILES = ['stage.sql', 'upsert.sql', 'reconcile.sql', 'run_engine.sql', 'retention.sql', 'webhooks.sql', 'history.sql', 'stock_daily.sql'].map((file) => `../sql/functions/${file}`);

export interface MigrationResult {
  /** Committed migrations applied by this call, in order (file names such as `000001.sql`). */
  applied: string[];
  /** All committed migrations now in the database. */
  total: number;
  workerSchemaInstalled: boolean;
  /** What was done to the user-declared tables (src/declared): empty when nothing changed. */
  declared: DeclaredChange[];
  /** Tables whose history this migrate turned on or off (HISTORY). */
  history: HistoryChange;
}

export interface MigrateOptions {
  /** The declared tables to create or extend (default: those in use, src/declared/to-spec.ts). */
  declared?: DeclaredTable[];
  /** The server's fields_get, for declared columns without a type. */
  fieldsGetOf?: FieldsGetOf;
  /** The tables to keep history for (resolved HISTORY); default: HISTORY's default. */
  history?: string[];
}

export async function migrateDatabase(connectionString: string, logger: Logger = silentLogger, options: MigrateOptions = {}): Promise<MigrationResult> {
  const before = await appliedMigrationNames(connectionString);
  const workerSchemaBefore = await hasSchema(connectionString, 'graphile_worker');
  await installWorkerSchema(connectionString, logger);
  try {
    await migrate(
      {
        connectionString,
        migrationsFolder: MIGRATIONS_FOLDER,
        logger: toMigrateLogger(logger),
        afterAllMigrations: SQL_FUNCTION_FILES.map((file) => ({ _: 'sql' as const, file })),
      },
      false,
      // forceActions: the functions are applied even when no migration was pending (an upgrade may change only them).
      true,
    );
  } finally {
    releaseMigratePools();
  }
  // The declared tables after the built-in ones they reference, before the catalog and the compiled loads name them.
  const declared = await applyDeclared(connectionString, options);
  await withClient(connectionString, async (client) => {
    await reconcileEntityCatalog(client);
    // Each table's load statement as a function of its own (sql/functions/upsert.sql): it reads the catalog
    // and the migrated columns, so it comes last.
    await client.query('select etl.compile_upserts()');
  });
  // History last: its triggers and tables follow the migrated columns (sql/functions/history.sql).
  const history = await applyHistoryTables(connectionString, options.history ?? resolveHistoryTables(SETTING_DEFAULTS.HISTORY), logger);
  const after = await appliedMigrationNames(connectionString);
  const applied = after.filter((name) => !before.includes(name));
  return { applied, total: after.length, workerSchemaInstalled: !workerSchemaBefore, declared, history };
}

async function applyDeclared(connectionString: string, options: MigrateOptions): Promise<DeclaredChange[]> {
  const tables = options.declared ?? currentDeclarations();
  if (tables.length === 0) return [];
  const pool = await createDatabasePool(connectionString, { maximumPoolSize: 1 });
  try {
    return await applyDeclaredTables(pool, tables, options.fieldsGetOf);
  } finally {
    await pool.end();
  }
}

async function applyHistoryTables(connectionString: string, tables: string[], logger: Logger): Promise<HistoryChange> {
  const pool = await createDatabasePool(connectionString, { maximumPoolSize: 1 });
  try {
    return await pool.transaction((tx) => applyHistory(tx, tables, { recompile: true, logger }));
  } finally {
    await pool.end();
  }
}

export async function installWorkerSchema(connectionString: string, logger: Logger = silentLogger): Promise<void> {
  await runMigrations({ connectionString, logger: toGraphileLogger(logger) });
}

async function appliedMigrationNames(connectionString: string): Promise<string[]> {
  return withClient(connectionString, async (client) => ((await appliedMigrations(client)) ?? []).map((m) => m.filename));
}

async function hasSchema(connectionString: string, schema: string): Promise<boolean> {
  return withClient(connectionString, async (client) => {
    const result = await client.query('select 1 from pg_namespace where nspname = $1', [schema]);
    return (result.rowCount ?? 0) > 0;
  });
}

async function withClient<T>(connectionString: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * graphile-migrate and graphile-worker log through @graphile/logger, each checking for its own copy of
 * the class (they depend on different versions): route both into pino.
 */
function logTo(logger: Logger) {
  return (scope: object) => (level: string, message: string, meta?: object) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    logger[method]({ ...scope, ...meta }, message);
  };
}

export function toGraphileLogger(logger: Logger): WorkerLogger {
  return new WorkerLogger(logTo(logger));
}

function toMigrateLogger(logger: Logger): MigrateLogger {
  return new MigrateLogger(logTo(logger));
}
