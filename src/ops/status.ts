/**
 * `odoo-etl status`: what the warehouse looks like now, read from the database only (no Odoo call, so
 * it is quick and works while Odoo is down): per entity the last success and its lag, watermark, rows,
 * the last run's counts, queued/running/failing jobs with the next retry, open missing references; the
 * schedule with its next times; the database and Odoo it points at (never a secret).
 *
 * `healthy` is false, and the command exits 1, when an entity's last run failed, a job has used up its
 * attempts, or an entity's last success is older than FRESHNESS (or it never succeeded). An entity
 * skipped because its optional model is not installed (OCA product.brand) is not a problem.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Settings } from '../config.ts';
import { entities as allEntities } from '../entities/index.ts';
import { formatAge, formatCount, formatDuration, formatTable, formatTime } from './format.ts';
import { upcomingSchedule } from './schedule.ts';
import { knownCrontabs } from '../db/graphile-worker-internals.ts';

/** Above this estimated size a table's rows come from pg_class.reltuples (the planner's estimate) instead of count(*). */
export const EXACT_COUNT_LIMIT = 100_000;
/** A worker whose heartbeat is older than this is shown as gone. */
const WORKER_ALIVE_MS = 2 * 60_000;

const iso = z.string().nullable();

export const jobSchema = z.object({
  id: z.number(),
  task: z.string(),
  entity: z.string().nullable(),
  /** running: a worker holds it; waiting: not tried yet; retrying: failed, tried again at runAt; failed: out of attempts. */
  state: z.enum(['running', 'waiting', 'retrying', 'failed']),
  attempts: z.number(),
  maxAttempts: z.number(),
  lastError: z.string().nullable(),
  runAt: z.string(),
  lockedBy: z.string().nullable(),
});

export const entityStatusSchema = z.object({
  entity: z.string(),
  kind: z.enum(['dimension', 'fact']),
  sync: z.enum(['incremental', 'snapshot', 'derived']),
  /** ok | stale (older than FRESHNESS) | failed (last run failed) | running | never (no success yet) |
   *  blocked (last run skipped it because a dependency failed) | absent (optional model not on the server) */
  state: z.enum(['ok', 'stale', 'failed', 'running', 'never', 'blocked', 'absent']),
  lastSuccessAt: iso,
  lagSeconds: z.number().nullable(),
  watermarks: z.array(z.object({ source: z.string(), highWriteDate: iso, fullDoneAt: iso, inProgressRunId: z.number().nullable() })),
  rows: z.number(),
  /** False when `rows` is pg_class.reltuples (tables above EXACT_COUNT_LIMIT rows). */
  rowsExact: z.boolean(),
  lastRun: z
    .object({
      runId: z.number(),
      status: z.string(),
      mode: z.string().nullable(),
      read: z.number(),
      inserted: z.number(),
      updated: z.number(),
      unchanged: z.number(),
      deleted: z.number(),
      startedAt: iso,
      finishedAt: iso,
      error: z.string().nullable(),
      /** Why that run read the table in full although it had synced before (e.g. its columns changed). */
      fullPassReason: z.string().nullable().optional(),
    })
    .nullable(),
  jobs: z.array(jobSchema),
  openMissing: z.number(),
  problem: z.string().nullable(),
});

export const statusSchema = z.object({
  generatedAt: z.string(),
  healthy: z.boolean(),
  problems: z.array(z.string()),
  freshnessSeconds: z.number(),
  database: z.string(),
  odoo: z.object({ url: z.string().nullable(), db: z.string().nullable(), username: z.string().nullable(), transport: z.string() }),
  schedule: z.array(
    z.object({ identifier: z.string(), task: z.string(), expression: z.string(), next: z.array(z.string()), lastExecution: iso }),
  ),
  workers: z.array(z.object({ workerId: z.string(), process: z.string(), lastSeen: z.string(), alive: z.boolean() })),
  lastRun: z
    .object({ id: z.number(), trigger: z.string(), status: z.string(), createdAt: z.string(), finishedAt: iso, error: z.string().nullable() })
    .nullable(),
  entities: z.array(entityStatusSchema),
  /** Jobs not tied to an entity (scheduled run starts, reconcile). */
  otherJobs: z.array(jobSchema),
  openMissing: z.number(),
});

export type Status = z.infer<typeof statusSchema>;
export type EntityStatus = z.infer<typeof entityStatusSchema>;

export interface StatusOptions {
  settings: Pick<Settings, 'FRESHNESS' | 'SYNC_SCHEDULE' | 'RECONCILE_SCHEDULE' | 'ODOO_URL' | 'ODOO_DB' | 'ODOO_USERNAME' | 'ODOO_TRANSPORT'>;
  /** How the database is described to people (host, port, database; no password). */
  database: string;
  now?: Date;
}

const stepRow = z.object({
  entity: z.string(),
  run_id: z.number(),
  status: z.string(),
  mode: z.string().nullable(),
  read: z.number(),
  inserted: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  deleted: z.number(),
  started_at: iso,
  finished_at: iso,
  error: z.string().nullable(),
  run_status: z.string(),
  full_reason: z.string().nullable(),
});

/** The run's reason for a full pass of a table that had synced before (entity-step's sourceMode writes it among the warnings). */
const FULL_REASON = sql.fragment`(select w from unnest(e.warnings) w where w like '%: full pass: %' limit 1) as full_reason`;

export async function getStatus(pool: DatabasePool, options: StatusOptions): Promise<Status> {
  const now = options.now ?? new Date();
  const names = allEntities.map((e) => e.table);
  const freshnessMs = options.settings.FRESHNESS;

  // The newest step of each entity, and the newest finished one (they differ while a run is going on).
  const latest = await pool.any(sql.type(stepRow)`
    select distinct on (e.entity) e.entity, e.run_id, e.status, e.mode, e.read, e.inserted, e.updated, e.unchanged, e.deleted,
           e.started_at, e.finished_at, e.error, r.status as run_status, ${FULL_REASON}
      from etl.run_entity e join etl.run r on r.id = e.run_id
     where e.entity = any(${sql.array(names, 'text')})
     order by e.entity, e.run_id desc`);
  const lastFinished = await pool.any(sql.type(stepRow)`
    select distinct on (e.entity) e.entity, e.run_id, e.status, e.mode, e.read, e.inserted, e.updated, e.unchanged, e.deleted,
           e.started_at, e.finished_at, e.error, r.status as run_status, ${FULL_REASON}
      from etl.run_entity e join etl.run r on r.id = e.run_id
     where e.entity = any(${sql.array(names, 'text')}) and e.status in ('succeeded', 'failed', 'skipped')
     order by e.entity, e.run_id desc`);
  const successes = await pool.any(sql.type(z.object({ entity: z.string(), at: z.string() }))`
    select entity, max(finished_at) as at from etl.run_entity
     where status = 'succeeded' and finished_at is not null group by entity`);
  const watermarks = await pool.any(sql.type(
    z.object({ entity: z.string(), source: z.string(), high_write_date: iso, full_done_at: iso, cursor_run_id: z.number().nullable() }),
  )`select entity, source, high_write_date, full_done_at, cursor_run_id from etl.watermark order by entity, source`);
  const missing = await pool.any(sql.type(z.object({ table_name: z.string(), open: z.number() }))`
    select table_name, count(*) as open from public.missing_data where resolved_at is null group by table_name`);
  const jobs = await pool.any(sql.type(
    z.object({
      id: z.number(),
      task_identifier: z.string(),
      key: z.string().nullable(),
      attempts: z.number(),
      max_attempts: z.number(),
      last_error: z.string().nullable(),
      run_at: z.string(),
      locked_at: iso,
      locked_by: z.string().nullable(),
    }),
  )`select id, task_identifier, key, attempts, max_attempts, last_error, run_at, locked_at, locked_by
       from graphile_worker.jobs order by run_at, id`);
  const rows = await tableRows(pool, names);
  const crontabs = await knownCrontabs(pool);
  const workers = await pool.any(sql.type(z.object({ worker_id: z.string(), process: z.string(), last_seen: z.string() }))`
    select worker_id, process, last_seen from etl.worker_heartbeat order by last_seen desc`);
  const lastRun = await pool.maybeOne(sql.type(
    z.object({ id: z.number(), trigger: z.string(), status: z.string(), created_at: z.string(), finished_at: iso, error: z.string().nullable() }),
  )`select id, trigger, status, created_at, finished_at, error from etl.run order by id desc limit 1`);

  const byEntity = <T extends { entity: string }>(list: readonly T[]) => new Map(list.map((item) => [item.entity, item]));
  const latestBy = byEntity(latest);
  const finishedBy = byEntity(lastFinished);
  const successBy = byEntity(successes);
  const missingBy = new Map(missing.map((m) => [m.table_name, m.open]));
  const toJob = (j: (typeof jobs)[number]) => ({
    id: j.id,
    task: j.task_identifier,
    entity: entityOfJobKey(j.key, names),
    state: (j.locked_at ? 'running' : j.attempts >= j.max_attempts ? 'failed' : j.attempts > 0 ? 'retrying' : 'waiting') as z.infer<typeof jobSchema>['state'],
    attempts: j.attempts,
    maxAttempts: j.max_attempts,
    lastError: j.last_error,
    runAt: j.run_at,
    lockedBy: j.locked_by,
  });
  const allJobs = jobs.map(toJob);

  const entityStatuses: EntityStatus[] = allEntities.map((entity) => {
    const table = entity.table;
    const current = latestBy.get(table);
    const finished = finishedBy.get(table);
    const lastSuccessAt = successBy.get(table)?.at ?? null;
    const lagMs = lastSuccessAt ? now.getTime() - Date.parse(lastSuccessAt) : null;
    const entityJobs = allJobs.filter((j) => j.entity === table);
    const running = current !== undefined && current.run_status === 'running' && !['succeeded', 'failed', 'skipped'].includes(current.status);
    const absent = finished?.status === 'skipped' && !(finished.error ?? '').startsWith('not run:');

    let state: EntityStatus['state'];
    let problem: string | null = null;
    if (absent) state = 'absent';
    else if (finished?.status === 'failed') {
      state = 'failed';
      problem = `${table}: run ${finished.run_id} failed${finished.error ? `: ${finished.error}` : ''}`;
    } else if (lagMs === null) {
      state = running ? 'running' : finished?.status === 'skipped' ? 'blocked' : 'never';
      problem = `${table}: never synced successfully${finished?.error ? ` (${finished.error})` : ''}`;
    } else if (lagMs > freshnessMs) {
      state = finished?.status === 'skipped' ? 'blocked' : 'stale';
      problem = `${table}: last success ${formatDuration(lagMs)} ago, older than FRESHNESS (${formatDuration(freshnessMs)})`;
    } else state = running ? 'running' : finished?.status === 'skipped' ? 'blocked' : 'ok';
    const deadJob = entityJobs.find((j) => j.state === 'failed');
    if (deadJob && !problem) problem = `${table}: job ${deadJob.id} out of attempts: ${deadJob.lastError ?? 'no error recorded'}`;

    const shown = running ? current : finished;
    return {
      entity: table,
      kind: entity.kind,
      sync: entity.sync,
      state,
      lastSuccessAt,
      lagSeconds: lagMs === null ? null : Math.round(lagMs / 1000),
      watermarks: watermarks
        .filter((w) => w.entity === table)
        .map((w) => ({ source: w.source, highWriteDate: w.high_write_date, fullDoneAt: w.full_done_at, inProgressRunId: w.cursor_run_id })),
      rows: rows.get(table)?.rows ?? 0,
      rowsExact: rows.get(table)?.exact ?? true,
      lastRun: shown
        ? {
            runId: shown.run_id,
            status: shown.status,
            mode: shown.mode,
            read: shown.read,
            inserted: shown.inserted,
            updated: shown.updated,
            unchanged: shown.unchanged,
            deleted: shown.deleted,
            startedAt: shown.started_at,
            finishedAt: shown.finished_at,
            error: shown.error,
            fullPassReason: shown.full_reason,
          }
        : null,
      jobs: entityJobs,
      openMissing: missingBy.get(table) ?? 0,
      problem,
    };
  });

  const otherJobs = allJobs.filter((j) => j.entity === null);
  const problems = entityStatuses.every((e) => e.state === 'never')
    ? ['no sync has succeeded yet: run `odoo-etl sync` (or start `odoo-etl worker` to sync on the schedule)']
    : entityStatuses.flatMap((e) => (e.problem ? [e.problem] : []));
  for (const job of otherJobs.filter((j) => j.state === 'failed')) problems.push(`job ${job.id} (${job.task}) out of attempts: ${job.lastError ?? 'no error recorded'}`);

  const lastExecution = new Map(crontabs.map((c) => [c.identifier, c.last_execution]));
  const schedule = upcomingSchedule({ sync: options.settings.SYNC_SCHEDULE, reconcile: options.settings.RECONCILE_SCHEDULE }, now).map((entry) => ({
    ...entry,
    lastExecution: lastExecution.get(entry.identifier) ?? null,
  }));

  return {
    generatedAt: now.toISOString(),
    healthy: problems.length === 0,
    problems,
    freshnessSeconds: Math.round(freshnessMs / 1000),
    database: options.database,
    odoo: {
      url: options.settings.ODOO_URL ?? null,
      db: options.settings.ODOO_DB ?? null,
      username: options.settings.ODOO_USERNAME ?? null,
      transport: options.settings.ODOO_TRANSPORT,
    },
    schedule,
    workers: workers.map((w) => ({
      workerId: w.worker_id,
      process: w.process,
      lastSeen: w.last_seen,
      alive: now.getTime() - Date.parse(w.last_seen) < WORKER_ALIVE_MS,
    })),
    lastRun: lastRun
      ? { id: lastRun.id, trigger: lastRun.trigger, status: lastRun.status, createdAt: lastRun.created_at, finishedAt: lastRun.finished_at, error: lastRun.error }
      : null,
    entities: entityStatuses,
    otherJobs,
    openMissing: missing.reduce((sum, m) => sum + m.open, 0),
  };
}

/** Rows per table: count(*) where the planner estimates under EXACT_COUNT_LIMIT rows, the estimate above. */
async function tableRows(pool: DatabasePool, tables: string[]): Promise<Map<string, { rows: number; exact: boolean }>> {
  const estimates = await pool.any(sql.type(z.object({ relname: z.string(), reltuples: z.number() }))`
    select c.relname::text as relname, c.reltuples::float8 as reltuples
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relname = any(${sql.array(tables, 'text')})`);
  const result = new Map<string, { rows: number; exact: boolean }>();
  for (const { relname, reltuples } of estimates) {
    if (reltuples >= EXACT_COUNT_LIMIT) {
      result.set(relname, { rows: Math.round(reltuples), exact: false });
      continue;
    }
    const rows = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*) as n from ${sql.identifier(['public', relname])}`);
    result.set(relname, { rows, exact: true });
  }
  return result;
}

/** The status as a person reads it. */
export function renderStatus(status: Status): string[] {
  const now = Date.parse(status.generatedAt);
  const out: string[] = [];
  out.push(`odoo-etl status at ${formatTime(status.generatedAt)}: ${status.healthy ? 'healthy' : `${status.problems.length} problem${status.problems.length === 1 ? '' : 's'}`}`);
  out.push(`database  ${status.database}`);
  out.push(
    `odoo      ${status.odoo.url ? `${status.odoo.url}  database "${status.odoo.db ?? '?'}"  user "${status.odoo.username ?? '?'}"  transport ${status.odoo.transport}` : '(ODOO_URL not set)'}`,
  );
  if (status.lastRun) {
    const r = status.lastRun;
    out.push(`last run  ${r.id} (${r.trigger}) ${r.status}, started ${formatAge(r.createdAt, now)}${r.error ? `: ${r.error}` : ''}`);
  } else out.push('last run  none yet: run `odoo-etl sync`');
  for (const s of status.schedule) {
    out.push(
      `schedule  ${s.identifier.replace('odoo-etl:', '').padEnd(9)} "${s.expression}" (UTC)  next ${s.next.map((t) => formatTime(t)).join(', ')}` +
        `  last ${s.lastExecution ? formatAge(s.lastExecution, now) : 'never'}`,
    );
  }
  const alive = status.workers.filter((w) => w.alive);
  out.push(`workers   ${alive.length === 0 ? 'none running (start `odoo-etl worker` for the schedules)' : alive.map((w) => w.process).filter((p, i, a) => a.indexOf(p) === i).join(', ')}`);
  out.push('');
  const rows = status.entities.map((e) => [
    e.entity,
    e.state,
    e.lastSuccessAt ? formatAge(e.lastSuccessAt, now) : 'never',
    `${e.rowsExact ? '' : '~'}${formatCount(e.rows)}`,
    e.watermarks.length === 0 ? '-' : e.watermarks.map((w) => `${w.source ? `${w.source}:` : ''}${w.highWriteDate ? formatTime(w.highWriteDate) : '-'}`).join(' '),
    e.lastRun ? `${e.lastRun.inserted}/${e.lastRun.updated}/${e.lastRun.unchanged}/${e.lastRun.deleted}` : '-',
    String(e.openMissing),
    e.jobs.length === 0 ? '' : e.jobs.map((j) => describeJob(j, now)).join('; '),
  ]);
  out.push(...formatTable(['entity', 'state', 'last success', 'rows', 'watermark (write_date)', 'last run ins/upd/same/del', 'missing', 'jobs'], rows));
  const fullPasses = status.entities.flatMap((e) => (e.lastRun?.fullPassReason ? [e.lastRun.fullPassReason] : []));
  if (fullPasses.length > 0) {
    out.push('', 'full passes in the last run:');
    for (const reason of fullPasses) out.push(`  - ${reason}`);
  }
  if (status.otherJobs.length > 0) {
    out.push('');
    out.push('other jobs:');
    for (const j of status.otherJobs) out.push(`  ${j.task}: ${describeJob(j, now)}`);
  }
  if (status.openMissing > 0) out.push('', `${status.openMissing} open missing reference(s): see \`odoo-etl missing\``);
  if (status.problems.length > 0) {
    out.push('', 'problems:');
    for (const p of status.problems) out.push(`  - ${p}`);
  }
  return out;
}

function describeJob(job: z.infer<typeof jobSchema>, now: number): string {
  const when = Date.parse(job.runAt) > now ? `next try in ${formatDuration(Date.parse(job.runAt) - now)}` : 'due now';
  const error = job.lastError ? `: ${job.lastError.split('\n')[0]!.slice(0, 160)}` : '';
  if (job.state === 'running') return `running (attempt ${job.attempts}/${job.maxAttempts})`;
  if (job.state === 'waiting') return `waiting, ${when}`;
  if (job.state === 'failed') return `FAILED after ${job.attempts} attempts${error}`;
  return `retrying (attempt ${job.attempts}/${job.maxAttempts}), ${when}${error}`;
}

/** The entity a sync job belongs to, from its key: `odoo-etl:<entity>` or, for one part of it, `odoo-etl:<entity>:<part>`. */
function entityOfJobKey(key: string | null, names: readonly string[]): string | null {
  if (!key?.startsWith('odoo-etl:')) return null;
  const entity = key.slice('odoo-etl:'.length).split(':')[0]!;
  return names.includes(entity) ? entity : null;
}
