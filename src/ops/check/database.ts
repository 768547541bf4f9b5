/** `odoo-etl check`, the database part: reachable (or the embedded one starts), and its migrations current. */
import { checkDeclaredSchema } from '../../declared/schema-state.ts';
import { currentDeclarations } from '../../declared/to-spec.ts';
import pg from 'pg';
import type { Settings } from '../../config.ts';
import { appliedMigrations, committedMigrations } from '../../db/graphile-migrate-internals.ts';
import { MIGRATIONS_FOLDER } from '../../db/migrate.ts';
import { describeDatabaseUrl, openTargetDatabase } from '../../db/target.ts';
import type { Logger } from '../../log.ts';
import type { CheckResult } from './result.ts';

const DB_CONNECT_TIMEOUT_MS = 10_000;

export async function checkDatabase(options: { settings: Settings; logger: Logger }, add: (r: CheckResult) => void): Promise<void> {
  const { settings } = options;
  let target: Awaited<ReturnType<typeof openTargetDatabase>>;
  try {
    target = await openTargetDatabase(settings, options.logger);
  } catch (error) {
    add({
      check: 'database',
      status: 'fail',
      detail: `the embedded PostgreSQL did not start: ${(error as Error).message}`,
      fix: 'set DATABASE_URL to a PostgreSQL server, or fix the embedded one as the message says (ODOO_ETL_HOME, EMBEDDED_PG_PORT)',
    });
    add({ check: 'migrations', status: 'skip', detail: 'no database' });
    return;
  }
  const where = target.embedded ? target.description : describeDatabaseUrl(target.url);
  const client = new pg.Client({ connectionString: target.url, connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS });
  try {
    try {
      await client.connect();
    } catch (error) {
      add({
        check: 'database',
        status: 'fail',
        detail: `cannot connect to ${where}: ${pgMessage(error)}`,
        fix: 'check DATABASE_URL (host, port, user, password, database name) and that the server accepts connections from here (pg_hba.conf, firewall)',
      });
      add({ check: 'migrations', status: 'skip', detail: 'no database' });
      return;
    }
    const version = await client.query<{ v: string }>(`select current_setting('server_version') as v`);
    add({ check: 'database', status: 'ok', detail: `${where} (PostgreSQL ${version.rows[0]!.v})` });
    add(await checkMigrations(client));
    const declared = currentDeclarations();
    if (declared.length > 0) add(await checkDeclaredSchema(client, declared));
  } finally {
    await client.end().catch(() => {});
    await target.close();
  }
}

/**
 * The committed migrations against those the database has applied (read by the adapter): pending ones as graphile-migrate's
 * `status` counts them (src/db/graphile-migrate-internals.ts), and, beyond what it checks, applied ones
 * this build does not know or whose hash differs. Also the worker's /readyz.
 */
export async function checkMigrations(client: pg.Client): Promise<CheckResult> {
  const queue = await client.query<{ ok: boolean }>(`select to_regclass('graphile_worker.jobs') is not null as ok`);
  const applied = await appliedMigrations(client);
  const fix = 'run `odoo-etl migrate` (safe to repeat; it applies only what is missing)';
  if (!applied || !queue.rows[0]!.ok) return { check: 'migrations', status: 'fail', detail: 'the database has no odoo-etl schema yet', fix };
  let files: Awaited<ReturnType<typeof committedMigrations>>;
  try {
    files = await committedMigrations(MIGRATIONS_FOLDER, applied.at(-1) ?? null);
  } catch (error) {
    return {
      check: 'migrations',
      status: 'fail',
      detail: `this installation's migration files are invalid: ${(error as Error).message}`,
      fix: 'reinstall odoo-etl: a file under migrations/committed was edited or lost',
    };
  }
  const { committed, pending } = files;
  const appliedBy = new Map(applied.map((r) => [r.filename, r.hash]));
  const changed = committed.filter((m) => appliedBy.has(m.filename) && appliedBy.get(m.filename) !== m.hash).map((m) => m.filename);
  const unknown = applied.filter((r) => !committed.some((m) => m.filename === r.filename)).map((r) => r.filename);
  if (pending.length > 0) return { check: 'migrations', status: 'fail', detail: `${pending.length} migration(s) not applied: ${pending.join(', ')}`, fix };
  if (unknown.length > 0) {
    return {
      check: 'migrations',
      status: 'fail',
      detail: `the database has migrations this odoo-etl does not know: ${unknown.join(', ')}`,
      fix: 'a newer odoo-etl migrated this database: upgrade this installation to that version',
    };
  }
  if (changed.length > 0) {
    return {
      check: 'migrations',
      status: 'fail',
      detail: `applied migration(s) differ from the committed files: ${changed.join(', ')}`,
      fix: 'the database was migrated by a different build of odoo-etl; migrate a fresh database, or restore the odoo-etl version that migrated it',
    };
  }
  return { check: 'migrations', status: 'ok', detail: `${committed.length} migration(s) applied, job queue schema present` };
}

function pgMessage(error: unknown): string {
  const e = error as { message?: string; code?: string };
  return e.message || e.code || String(error);
}

