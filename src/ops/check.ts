/**
 * `odoo-etl check` (doctor): every condition a sync needs, one line each, with what to do when it
 * fails. The database (reachable, migrations current) and Odoo (settings, reachable, version and
 * transport, authentication, then per entity: its models exist, the required fields are there, the
 * API user can read them). Checks that depend on a failed one are reported as skipped, not failed
 * again. No message carries a secret: Odoo errors are scrubbed by the client, database errors name
 * host and user only, and the command scrubs every line once more.
 */
import fs from 'node:fs';
import pg from 'pg';
import { z } from 'zod';
import type { Settings } from '../config.ts';
import { describeDatabaseUrl, openTargetDatabase } from '../db/target.ts';
import { MIGRATIONS_FOLDER } from '../db/migrate.ts';
import { CompanyDependentColumnError, entities, planSource, seriesOf, MissingFieldError, MissingModelError, type OdooSeries } from '../entities/index.ts';
import type { Logger } from '../log.ts';
import { OdooAccessError, OdooAuthError, OdooError, OdooUnknownModelError, type FieldsGetResult, type OdooClient } from '../odoo/index.ts';
import { odooClientFromSettings } from '../sync/context.ts';
import path from 'node:path';

export const checkResultSchema = z.object({
  check: z.string(),
  status: z.enum(['ok', 'warn', 'fail', 'skip']),
  detail: z.string(),
  /** What to do about a failure or warning. */
  fix: z.string().optional(),
});
export type CheckResult = z.infer<typeof checkResultSchema>;

export const checkReportSchema = z.object({ ok: z.boolean(), checks: z.array(checkResultSchema) });
export type CheckReport = z.infer<typeof checkReportSchema>;

const DB_CONNECT_TIMEOUT_MS = 10_000;

export interface CheckOptions {
  settings: Settings;
  logger: Logger;
  /** Called with each result as it is known (so a slow check does not hide the ones before it). */
  onResult?: (result: CheckResult) => void;
}

export async function runChecks(options: CheckOptions): Promise<CheckReport> {
  const checks: CheckResult[] = [];
  const add = (result: CheckResult) => {
    checks.push(result);
    options.onResult?.(result);
  };
  await checkDatabase(options, add);
  await checkOdoo(options, add);
  return { ok: checks.every((c) => c.status !== 'fail'), checks };
}

async function checkDatabase(options: CheckOptions, add: (r: CheckResult) => void): Promise<void> {
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
  } finally {
    await client.end().catch(() => {});
    await target.close();
  }
}

/** The committed migration files against graphile_migrate.migrations (name and hash); also the worker's /readyz. */
export async function checkMigrations(client: pg.Client): Promise<CheckResult> {
  const committed = fs
    .readdirSync(path.join(MIGRATIONS_FOLDER, 'committed'))
    .filter((f) => /^\d{6}.*\.sql$/.test(f))
    .sort()
    .map((file) => {
      const text = fs.readFileSync(path.join(MIGRATIONS_FOLDER, 'committed', file), 'utf8');
      return { name: `${file.slice(0, 6)}.sql`, hash: /^--! Hash: (\S+)/m.exec(text)?.[1] ?? '' };
    });
  const present = await client.query<{ ok: boolean }>(
    `select to_regclass('graphile_migrate.migrations') is not null and to_regclass('graphile_worker.jobs') is not null as ok`,
  );
  const fix = 'run `odoo-etl migrate` (safe to repeat; it applies only what is missing)';
  if (!present.rows[0]!.ok) return { check: 'migrations', status: 'fail', detail: 'the database has no odoo-etl schema yet', fix };
  const applied = await client.query<{ filename: string; hash: string }>('select filename, hash from graphile_migrate.migrations order by filename');
  const appliedBy = new Map(applied.rows.map((r) => [r.filename, r.hash]));
  const missing = committed.filter((m) => !appliedBy.has(m.name)).map((m) => m.name);
  const changed = committed.filter((m) => appliedBy.has(m.name) && appliedBy.get(m.name) !== m.hash).map((m) => m.name);
  const unknown = applied.rows.filter((r) => !committed.some((m) => m.name === r.filename)).map((r) => r.filename);
  if (missing.length > 0) return { check: 'migrations', status: 'fail', detail: `${missing.length} migration(s) not applied: ${missing.join(', ')}`, fix };
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

async function checkOdoo(options: CheckOptions, add: (r: CheckResult) => void): Promise<void> {
  const { settings } = options;
  const unset = (['ODOO_URL', 'ODOO_DB', 'ODOO_USERNAME'] as const).filter((name) => !settings[name]);
  if (!settings.ODOO_PASSWORD && !settings.ODOO_API_KEY) unset.push('ODOO_API_KEY or ODOO_PASSWORD' as never);
  if (unset.length > 0) {
    add({
      check: 'odoo settings',
      status: 'fail',
      detail: `not set: ${unset.join(', ')}`,
      fix: 'set them in the environment or a .env file (see README: Connecting a real Odoo); `odoo-etl demo` needs none',
    });
    add({ check: 'odoo', status: 'skip', detail: 'no Odoo settings' });
    return;
  }
  add({
    check: 'odoo settings',
    status: 'ok',
    detail: `${settings.ODOO_URL} database "${settings.ODOO_DB}" user "${settings.ODOO_USERNAME}" with ${settings.ODOO_API_KEY ? 'an API key' : 'a password'}`,
  });

  let odoo: OdooClient;
  try {
    odoo = odooClientFromSettings({ ...settings, ODOO_RETRIES: Math.min(settings.ODOO_RETRIES, 1) }, options.logger);
  } catch (error) {
    add({ check: 'odoo', status: 'fail', detail: (error as Error).message, fix: 'ODOO_TRANSPORT=json2 needs ODOO_API_KEY' });
    return;
  }
  try {
    let series: OdooSeries;
    try {
      const version = await odoo.version();
      series = seriesOf(String(version.server_serie));
      const transport = await odoo.transportKind();
      add({
        check: 'odoo server',
        status: 'ok',
        detail: `Odoo ${version.server_version} (series ${series}) at ${settings.ODOO_URL}, transport ${transport === 'json2' ? 'JSON-2' : 'XML-RPC'}`,
      });
    } catch (error) {
      add({
        check: 'odoo server',
        status: 'fail',
        detail: `cannot talk to ${settings.ODOO_URL}: ${(error as Error).message}`,
        fix:
          'check ODOO_URL (scheme, host and port; Odoo Online and Odoo.sh: https://<name>.odoo.com), that this machine reaches it, ' +
          'and ODOO_CA_FILE for a private certificate authority',
      });
      add({ check: 'odoo authentication', status: 'skip', detail: 'Odoo not reachable' });
      return;
    }
    let uid: number;
    try {
      uid = await odoo.authenticate();
      add({ check: 'odoo authentication', status: 'ok', detail: `logged in as "${settings.ODOO_USERNAME}" (uid ${uid}) on database "${settings.ODOO_DB}"` });
    } catch (error) {
      add({
        check: 'odoo authentication',
        status: 'fail',
        detail: error instanceof OdooAuthError ? `Odoo refused the login "${settings.ODOO_USERNAME}" on database "${settings.ODOO_DB}"` : (error as Error).message,
        fix:
          'check ODOO_DB (the database name, not the URL), ODOO_USERNAME (the login, often an e-mail address) and the secret; ' +
          'prefer an API key (Odoo: My Profile → Account Security → New API Key) in ODOO_API_KEY: with two-factor authentication a password does not work',
      });
      add({ check: 'odoo models', status: 'skip', detail: 'not authenticated' });
      return;
    }
    const user = await userContext(odoo, uid);
    const dependent: string[] = [];
    for (const entity of entities) {
      add(await checkEntity(odoo, entity, series, user.context, settings.EXTRA_FIELDS?.[entity.table] ?? [], dependent, user.mainLabel));
    }
    if (dependent.length > 0) {
      add({
        check: 'company-dependent columns',
        status: 'ok',
        detail: `the API user's main company is ${user.mainLabel} (first of its ${user.companies} companies in every read); ${dependent.join('; ')}`,
      });
    }
  } finally {
    odoo.close();
  }
}

/** The sync's reading context (every company of the user, the main one first) and how to name the main company. */
async function userContext(odoo: OdooClient, uid: number): Promise<{ context: Record<string, unknown>; mainLabel: string; companies: number }> {
  try {
    const [user] = await odoo.read('res.users', [uid], ['company_ids', 'company_id'], { active_test: false });
    const all = Array.isArray(user?.company_ids) ? (user.company_ids as number[]) : [];
    const main = Array.isArray(user?.company_id) ? (user.company_id as [number, string]) : null;
    const companies = main && all.includes(main[0]) ? [main[0], ...all.filter((c) => c !== main[0])] : all;
    return {
      context: { active_test: false, ...(companies.length > 0 ? { allowed_company_ids: companies } : {}) },
      mainLabel: main ? `"${main[1]}" (id ${main[0]})` : 'the API user\'s company',
      companies: companies.length,
    };
  } catch {
    return { context: { active_test: false }, mainLabel: 'the API user\'s company', companies: 0 };
  }
}

/** Whose values a company-dependent column carries, for people. */
function companyReads(reads: 'record' | 'main' | 'row', mainLabel: string): string {
  if (reads === 'record') return `the record's own company (company_id), else ${mainLabel}`;
  if (reads === 'row') return "every company of the API user, one row each (the row's company_id)";
  return mainLabel;
}

/** One line per entity: its models exist, its required fields are there, and the user can read it. */
async function checkEntity(
  odoo: OdooClient,
  entity: (typeof entities)[number],
  series: OdooSeries,
  context: Record<string, unknown>,
  extraFields: string[],
  /** Collects `table.column: whose values` for every company-dependent column read. */
  dependent: string[],
  mainLabel: string,
): Promise<CheckResult> {
  const check = `entity ${entity.table}`;
  const notes: string[] = [];
  const models: string[] = [];
  for (const source of entity.sources) {
    let fields: FieldsGetResult | null;
    try {
      fields = await odoo.fieldsGet(source.model);
    } catch (error) {
      if (error instanceof OdooUnknownModelError) fields = null;
      else return failure(check, source.model, error);
    }
    try {
      const planned = planSource(entity, source, series, fields, extraFields);
      if (planned.status === 'skipped') {
        return { check, status: 'warn', detail: `${planned.reason}: the table stays empty (optional model)`, fix: `install the module providing ${source.model} if you want this table` };
      }
      notes.push(...planned.plan.warnings.map((w) => w.replace(`${entity.table}: `, '')));
      for (const c of planned.plan.companyColumns) {
        dependent.push(`${entity.table}.${c.column}: ${companyReads(c.reads, mainLabel)}`);
      }
    } catch (error) {
      if (error instanceof CompanyDependentColumnError) {
        return { check, status: 'fail', detail: error.message, fix: 'a spec bug: tell the maintainers (the column needs a companyDependent choice)' };
      }
      if (error instanceof MissingModelError) {
        return { check, status: 'fail', detail: error.message, fix: `install the Odoo app/module that provides ${source.model}, or leave ${entity.table} out of the sync (--entity)` };
      }
      if (error instanceof MissingFieldError) {
        return {
          check,
          status: 'fail',
          detail: error.message,
          fix: `install the module that adds ${error.fields.join(', ')} to ${error.model}, or tell the maintainers which Odoo version/edition lacks it`,
        };
      }
      throw error;
    }
    if (source.selectionOf) {
      models.push(`${source.model}.${source.selectionOf}`);
      continue;
    }
    try {
      await odoo.search(source.model, [], { limit: 1, context });
      models.push(source.model);
    } catch (error) {
      return failure(check, source.model, error);
    }
  }
  const unique = [...new Set(notes)];
  return {
    check,
    status: unique.length > 0 ? 'warn' : 'ok',
    detail: `reads ${models.join(', ')}${unique.length > 0 ? `; ${unique.join('; ')}` : ''}`,
    ...(unique.length > 0 ? { fix: 'optional fields absent on this server stay NULL; nothing to do unless you need them' } : {}),
  };
}

function failure(check: string, model: string, error: unknown): CheckResult {
  if (error instanceof OdooAccessError) {
    return {
      check,
      status: 'fail',
      detail: `the API user may not read ${model}: ${error.serverMessage}`,
      fix: `give the API user read access to ${model} (Settings → Users → its groups), or leave the table out of the sync (--entity)`,
    };
  }
  const message = error instanceof OdooError ? error.message : (error as Error).message;
  return { check, status: 'fail', detail: `${model}: ${message}`, fix: 'see the error; run again with --log-level debug for the calls made' };
}

function pgMessage(error: unknown): string {
  const e = error as { message?: string; code?: string };
  return e.message || e.code || String(error);
}

const LABEL = { ok: 'ok  ', warn: 'warn', fail: 'FAIL', skip: 'skip' } as const;

/** One check as lines: the result, and on a failure or warning what to do. */
export function renderCheck(c: CheckResult): string[] {
  const out = [`${LABEL[c.status]}  ${c.check.padEnd(31)} ${c.detail}`];
  if (c.fix && c.status !== 'ok') out.push(`${' '.repeat(38)}→ ${c.fix}`);
  return out;
}

export function checksVerdict(report: CheckReport): string {
  const failed = report.checks.filter((c) => c.status === 'fail').length;
  return failed === 0 ? 'All checks passed.' : `${failed} check(s) failed.`;
}
