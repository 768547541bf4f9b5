/**
 * For the engine's tests: a simulator over HTTP, a fresh migrated database, a sync context, and the
 * check that every table equals what the simulator holds (computed from the simulator's own records,
 * not from what the sync read). That check maps the records with the specs' own code (`toRow`), so it
 * proves the engine's guarantees (nothing lost or duplicated across crashes, restarts, concurrency,
 * webhooks), not the mapping: test/sync/mapping-real-odoo.test.ts checks the mapping against recorded
 * real-Odoo records and a hand-written mapping (test/support/documented-mapping.ts).
 */
import { sql } from 'slonik';
import { z } from 'zod';
import { entities, planSource, selectionRows, seriesOf, toRow, type Entity } from '../../src/entities/index.ts';
import { hasBusinessDate, withTimezones } from '../../src/entities/business-date.ts';
import { silentLogger, type Logger } from '../../src/log.ts';
import { readCompanies } from '../../src/sync/business-timezones.ts';
import { companyFieldsOf, withCompanyValues } from '../../src/entities/company-values.ts';
import { createOdooClient, makeRecordDecoder, type OdooClient } from '../../src/odoo/index.ts';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/sim/index.ts';
import { createSyncContext, type SyncContext, type SyncSettings } from '../../src/sync/context.ts';
import { followRun } from '../../src/worker/follow.ts';
import type { RunReport } from '../../src/sync/run-report.ts';
import { startRun, type StartRunOptions } from '../../src/sync/run.ts';
import { freshDatabase, type TestDatabase } from './database.ts';

export interface SyncHarness {
  sim: Simulator;
  db: TestDatabase;
  odoo: OdooClient;
  ctx: SyncContext;
  settings: SyncSettings;
  /** Starts a run and processes it in-process until it ends. */
  sync(options?: StartRunOptions & { concurrency?: number }): Promise<RunReport>;
  close(): Promise<void>;
}

export async function startHarness(
  options: { sim?: SimulatorOptions; settings?: Partial<SyncSettings>; logger?: Logger; transport?: 'xmlrpc' | 'json2' | 'auto' } = {},
): Promise<SyncHarness> {
  const sim = await startSimulator({ version: '17.0', scale: 1, seed: 1, ...options.sim });
  const db = await freshDatabase();
  const logger = options.logger ?? silentLogger;
  const odoo = createOdooClient({
    url: sim.url,
    db: sim.db,
    username: sim.admin.login,
    password: sim.admin.password,
    apiKey: sim.admin.apiKey,
    transport: options.transport ?? 'auto',
    retryBaseDelayMs: 5,
    retryMaxDelayMs: 50,
    retries: 8,
    timeoutMs: 10_000,
    logger,
  });
  const settings: SyncSettings = { BATCH_SIZE: 200, LOOKBACK: 5 * 60_000, EXTRA_FIELDS: undefined, FULL_SYNC_CONCURRENCY: 2, ...options.settings };
  const ctx = createSyncContext({ pool: db.pool, odoo, settings, logger });
  return {
    sim,
    db,
    odoo,
    ctx,
    settings,
    async sync(runOptions = {}) {
      const run = await startRun(db.pool, { trigger: 'api', ...runOptions });
      if (!run.started) throw new Error(`run not started: ${run.reason}`);
      return followRun({ connectionString: db.url, context: ctx, runId: run.runId, concurrency: runOptions.concurrency ?? 4, pollMs: 50 });
    },
    async close() {
      odoo.close();
      await db.drop();
      await sim.close();
    },
  };
}

/** The environment a CLI child process needs to work on the harness's database and simulator. */
export function cliEnv(harness: Pick<SyncHarness, 'db' | 'sim'>, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: harness.db.url,
    ODOO_URL: harness.sim.url,
    ODOO_DB: harness.sim.db,
    ODOO_USERNAME: harness.sim.admin.login,
    ODOO_PASSWORD: harness.sim.admin.password,
    LOG_LEVEL: 'error',
    ...extra,
  };
}

/**
 * The rows each table must hold: every record the simulator has (one plain search_read, archived records
 * and all companies included: no cursor, no batching, no engine), mapped with the entity's spec (so a
 * wrong spec is wrong here too: this is the engine's yardstick, not the mapping's).
 */
export async function expectedRows(sim: Simulator, odoo: OdooClient, entity: Entity): Promise<Array<Record<string, unknown>>> {
  const series = seriesOf(sim.info().version);
  // Company-dependent values as Odoo's UI shows them: the user's main company's for shared records, the
  // record's own company's for company-owned ones, and every company's for per-company sources.
  const [user] = await odoo.read('res.users', [sim.admin.uid], ['company_id']);
  const main = Array.isArray(user?.company_id) ? Number(user.company_id[0]) : 1;
  const companies = [main, ...sim.records('res.company').map((c) => c.id).filter((c) => c !== main)];
  const contextFor = (company: number) => ({ active_test: false, allowed_company_ids: [company, ...companies.filter((c) => c !== company)] });
  const context = contextFor(main);
  const rows: Array<Record<string, unknown>> = [];
  for (const source of entity.sources) {
    if (!sim.models().includes(source.model)) continue;
    const fieldsGet = await odoo.fieldsGet(source.model);
    if (source.selectionOf) {
      rows.push(...selectionRows(fieldsGet, source.selectionOf));
      continue;
    }
    // business dates in each company's partner's tz, else UTC (the harness syncs without BUSINESS_TIMEZONE);
    // columns computed from company fields with each company's values
    const companyFields = companyFieldsOf(source, series);
    const read = hasBusinessDate(source) || companyFields.length > 0 ? await readCompanies(odoo, companies, undefined, companyFields, hasBusinessDate(source)) : { timezones: { byCompany: {}, fallback: 'UTC' }, values: {} };
    const base = planSource(entity, source, series, fieldsGet);
    const planned = withCompanyValues(hasBusinessDate(source) ? withTimezones(base, read.timezones) : base, companyFields, read.values);
    if (planned.status !== 'ok') continue;
    const decode = makeRecordDecoder(source.model, fieldsGet, planned.plan.fields);
    const readAs = (company: number) => odoo.searchRead(source.model, { domain: [], fields: planned.plan.fields, context: contextFor(company) });
    if (source.perCompany) {
      for (const company of companies) for (const record of await readAs(company)) rows.push(toRow(entity, source, planned.plan, decode(record), company));
      continue;
    }
    const asCompany = new Map<number, Map<number, Record<string, unknown>>>();
    if (planned.plan.companyFields.length > 0) {
      for (const company of companies.slice(1)) asCompany.set(company, new Map((await readAs(company)).map((r) => [r.id, r])));
    }
    for (const record of await odoo.searchRead(source.model, { domain: [], fields: planned.plan.fields, context })) {
      const owner = Array.isArray(record.company_id) ? Number(record.company_id[0]) : null;
      const own = owner !== null ? asCompany.get(owner)?.get(record.id) : undefined;
      rows.push(toRow(entity, source, planned.plan, decode(own ?? record)));
    }
  }
  return rows;
}

export interface TableDifference {
  table: string;
  expected: number;
  actual: number;
  /** Rows in the table that differ from the expected ones (or are missing / extra), a few examples. */
  missing: unknown[];
  extra: unknown[];
}

/**
 * The engine check: compares each table with the simulator, through PostgreSQL itself (the expected rows go through
 * jsonb_populate_recordset, so types are compared as the table stores them). Only live, real rows
 * count: soft-deleted rows and inferred members that never healed are differences too.
 */
export async function compareWithSimulator(harness: SyncHarness, tables?: string[]): Promise<TableDifference[]> {
  const differences: TableDifference[] = [];
  for (const entity of entities) {
    if (tables && !tables.includes(entity.table)) continue;
    const expected = await expectedRows(harness.sim, harness.odoo, entity);
    const columns = await harness.db.pool.anyFirst(sql.type(z.object({ column_name: z.string() }))`
      select column_name from information_schema.columns
       where table_schema = 'public' and table_name = ${entity.table}
         and column_name not in ('synced_at', 'deleted_at', 'inferred', 'extra') and is_generated = 'NEVER'
       order by ordinal_position`);
    const list = sql.join(columns.map((c) => sql.identifier([c])), sql.fragment`, `);
    const table = sql.identifier(['public', entity.table]);
    const result = await harness.db.pool.one(
      sql.type(z.object({ actual: z.number(), missing_count: z.number(), extra_count: z.number(), missing: z.array(z.unknown()), extra: z.array(z.unknown()) }))`
        with exp as (select ${list} from jsonb_populate_recordset(null::${table}, ${sql.jsonb(expected as never)})),
             act as (select ${list} from ${table} where deleted_at is null and not inferred),
             missing as (select * from exp except all select * from act),
             extra as (select * from act except all select * from exp)
        select (select count(*) from act)::int as actual,
               (select count(*) from missing)::int as missing_count,
               (select count(*) from extra)::int as extra_count,
               coalesce((select jsonb_agg(to_jsonb(m)) from (select * from missing limit 3) m), '[]') as missing,
               coalesce((select jsonb_agg(to_jsonb(e)) from (select * from extra limit 3) e), '[]') as extra`,
    );
    if (result.missing_count > 0 || result.extra_count > 0 || result.actual !== expected.length) {
      differences.push({ table: entity.table, expected: expected.length, actual: result.actual, missing: result.missing, extra: result.extra });
    }
  }
  return differences;
}

/** A checksum of a table's key and business columns (what the crash and concurrency tests compare). */
export async function tableChecksums(harness: Pick<SyncHarness, 'db'>): Promise<Record<string, string>> {
  const sums: Record<string, string> = {};
  for (const entity of entities) {
    const columns = await harness.db.pool.anyFirst(sql.type(z.object({ column_name: z.string() }))`
      select column_name from information_schema.columns
       where table_schema = 'public' and table_name = ${entity.table}
         and column_name not in ('synced_at') and is_generated = 'NEVER'
       order by ordinal_position`);
    const list = sql.join(columns.map((c) => sql.identifier([c])), sql.fragment`, `);
    const table = sql.identifier(['public', entity.table]);
    sums[entity.table] = await harness.db.pool.oneFirst(sql.type(z.object({ sum: z.string() }))`
      select count(*)::text || ':' || coalesce(md5(string_agg(row(${list})::text, '|' order by row(${list})::text)), '') as sum
        from ${table}`);
  }
  return sums;
}
