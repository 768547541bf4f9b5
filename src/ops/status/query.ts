/**
 * What `odoo-etl status` reads, as one snapshot: every query runs in one read-only repeatable-read
 * transaction, so a run finishing between two reads cannot show an entity as both running and done.
 * Rows come back as the database has them; status/derive.ts turns them into the report.
 */
import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { knownCrontabs } from '../../db/graphile-worker-internals.ts';
import { webhookFreshness, type WebhookFreshness } from '../../webhooks/freshness.ts';
import { counterColumns, LOAD_COUNTERS } from '../../sync/step-counters.ts';
import { iso, stepCounts } from './schema.ts';

/** Above this estimated size a table's rows come from pg_class.reltuples (the planner's estimate) instead of count(*). */
export const EXACT_COUNT_LIMIT = 100_000;

const stepRow = z.object({
  entity: z.string(),
  run_id: z.number(),
  status: z.string(),
  mode: z.string().nullable(),
  ...stepCounts,
  started_at: iso,
  finished_at: iso,
  error: z.string().nullable(),
  run_status: z.string(),
  full_reason: z.string().nullable(),
});
export type StepRow = z.infer<typeof stepRow>;

const watermarkRow = z.object({ entity: z.string(), source: z.string(), high_write_date: iso, full_done_at: iso, cursor_run_id: z.number().nullable() });
const jobRow = z.object({
  id: z.number(),
  task_identifier: z.string(),
  key: z.string().nullable(),
  attempts: z.number(),
  max_attempts: z.number(),
  last_error: z.string().nullable(),
  run_at: z.string(),
  locked_at: iso,
  locked_by: z.string().nullable(),
});
const workerRow = z.object({ worker_id: z.string(), process: z.string(), last_seen: z.string() });
const runRow = z.object({ id: z.number(), trigger: z.string(), status: z.string(), created_at: z.string(), finished_at: iso, error: z.string().nullable() });

/** What migrate last did to a declared table (etl.declared_change); indexes and keys go with a create or add, so are left out. */
const declaredChangeRow = z.object({
  table_name: z.string(),
  action: z.enum(['create_table', 'add_column', 'column_kept', 'type_refused']),
  column_name: z.string().nullable(),
  detail: z.string().nullable(),
  at: z.string(),
});
export type DeclaredChangeRow = z.infer<typeof declaredChangeRow>;

export type JobRow = z.infer<typeof jobRow>;
export type RunRow = z.infer<typeof runRow>;

export interface TableRows {
  rows: number;
  /** False when `rows` is the planner's estimate. */
  exact: boolean;
}

/** Everything status needs from the database, as read in one transaction. */
export interface StatusSnapshot {
  /** The newest step of each entity (may still be going on). */
  latest: StepRow[];
  /** The newest settled step (succeeded, failed or skipped) of each entity. */
  lastFinished: StepRow[];
  /** Each entity's newest successful finish. */
  successes: Array<{ entity: string; at: string }>;
  watermarks: Array<z.infer<typeof watermarkRow>>;
  /** Open missing references per table. */
  missing: Array<{ table_name: string; open: number }>;
  jobs: JobRow[];
  rows: Map<string, TableRows>;
  crontabs: Array<{ identifier: string; last_execution: string | null }>;
  workers: Array<z.infer<typeof workerRow>>;
  lastRun: RunRow | null;
  /** Per entity, what webhooks brought (src/webhooks/freshness.ts). */
  webhooks: WebhookFreshness[];
  /** Per declared table that migrate touched, its newest create / add / keep / refusal. */
  declared: DeclaredChangeRow[];
  /** Per table whose history was ever kept (etl.history_table): whether it is kept now, and its versions. */
  history: Array<{ table_name: string; enabled: boolean; versions: TableRows }>;
}

/** The run's reason for a full pass of a table that had synced before (src/sync/step/source-mode.ts writes it among the warnings). */
const FULL_REASON = sql.fragment`(select w from unnest(e.warnings) w where w like '%: full pass: %' limit 1) as full_reason`;

export async function readStatusSnapshot(pool: DatabasePool, tables: readonly string[]): Promise<StatusSnapshot> {
  return pool.transaction(async (tx) => {
    // The first statement of the transaction, as PostgreSQL requires for SET TRANSACTION.
    await tx.query(sql.unsafe`set transaction isolation level repeatable read, read only`);
    const names = sql.array([...tables], 'text');
    // The newest step of each entity, and the newest finished one (they differ while a run is going on).
    const steps = await tx.any(sql.type(stepRow.extend({ settled: z.boolean() }))`
      (select distinct on (e.entity) false as settled, e.entity, e.run_id, e.status, e.mode, ${counterColumns(LOAD_COUNTERS, 'e')},
              e.started_at, e.finished_at, e.error, r.status as run_status, ${FULL_REASON}
         from etl.run_entity e join etl.run r on r.id = e.run_id
        where e.entity = any(${names})
        order by e.entity, e.run_id desc)
      union all
      (select distinct on (e.entity) true as settled, e.entity, e.run_id, e.status, e.mode, ${counterColumns(LOAD_COUNTERS, 'e')},
              e.started_at, e.finished_at, e.error, r.status as run_status, ${FULL_REASON}
         from etl.run_entity e join etl.run r on r.id = e.run_id
        where e.entity = any(${names}) and e.status in ('succeeded', 'failed', 'skipped')
        order by e.entity, e.run_id desc)`);
    const successes = await tx.any(sql.type(z.object({ entity: z.string(), at: z.string() }))`
      select entity, max(finished_at) as at from etl.run_entity
       where status = 'succeeded' and finished_at is not null group by entity`);
    const watermarks = await tx.any(sql.type(watermarkRow)`
      select entity, source, high_write_date, full_done_at, cursor_run_id from etl.watermark order by entity, source`);
    const missing = await tx.any(sql.type(z.object({ table_name: z.string(), open: z.number() }))`
      select table_name, count(*) as open from public.missing_data where resolved_at is null group by table_name`);
    const jobs = await tx.any(sql.type(jobRow)`
      select id, task_identifier, key, attempts, max_attempts, last_error, run_at, locked_at, locked_by
        from graphile_worker.jobs order by run_at, id`);
    const rows = await tableRows(tx, tables);
    const crontabs = await knownCrontabs(tx);
    const workers = await tx.any(sql.type(workerRow)`
      select worker_id, process, last_seen from etl.worker_heartbeat order by last_seen desc`);
    const lastRun = await tx.maybeOne(sql.type(runRow)`
      select id, trigger, status, created_at, finished_at, error from etl.run order by id desc limit 1`);
    const webhooks = await webhookFreshness(tx);
    const declared = await tx.any(sql.type(declaredChangeRow)`
      select distinct on (table_name) table_name, action, column_name, detail,
             to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') as at
        from etl.declared_change
       where table_name = any(${names}) and action in ('create_table', 'add_column', 'column_kept', 'type_refused')
       order by table_name, id desc`);
    const historyTables = await tx.any(sql.type(z.object({ table_name: z.string(), enabled: z.boolean() }))`
      select table_name, enabled from etl.history_table
       where table_name = any(${names}) and to_regclass(format('public.%I', table_name || '_history')) is not null
       order by table_name`);
    const versions = await tableRows(tx, historyTables.map((h) => `${h.table_name}_history`));
    const history = historyTables.map((h) => ({ ...h, versions: versions.get(`${h.table_name}_history`) ?? { rows: 0, exact: true } }));
    const strip = ({ settled: _settled, ...step }: StepRow & { settled: boolean }): StepRow => step;
    return {
      latest: steps.filter((s) => !s.settled).map(strip),
      lastFinished: steps.filter((s) => s.settled).map(strip),
      successes: [...successes],
      watermarks: [...watermarks],
      missing: [...missing],
      jobs: [...jobs],
      rows,
      crontabs,
      workers: [...workers],
      lastRun,
      webhooks,
      declared: [...declared],
      history,
    };
  });
}

/** Rows per table: count(*) where the planner estimates under EXACT_COUNT_LIMIT rows, the estimate above; one count query for all. */
async function tableRows(db: CommonQueryMethods, tables: readonly string[]): Promise<Map<string, TableRows>> {
  const estimates = await db.any(sql.type(z.object({ relname: z.string(), reltuples: z.number() }))`
    select c.relname::text as relname, c.reltuples::float8 as reltuples
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relname = any(${sql.array([...tables], 'text')})`);
  const result = new Map<string, TableRows>();
  const small: string[] = [];
  for (const { relname, reltuples } of estimates) {
    if (reltuples >= EXACT_COUNT_LIMIT) result.set(relname, { rows: Math.round(reltuples), exact: false });
    else small.push(relname);
  }
  if (small.length === 0) return result;
  const counts = await db.any(sql.type(z.object({ relname: z.string(), n: z.number() }))`${sql.join(
    small.map((relname) => sql.fragment`select ${relname}::text as relname, count(*) as n from ${sql.identifier(['public', relname])}`),
    sql.fragment` union all `,
  )}`);
  for (const { relname, n } of counts) result.set(relname, { rows: n, exact: true });
  return result;
}
