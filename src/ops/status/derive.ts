/**
 * The status report from a snapshot's rows and the time: pure functions, no database, so every state
 * an entity can be in is unit-tested (test/ops/status-derive.test.ts).
 *
 * `healthy` is false when an entity's last run failed, a job has used up its attempts, or an entity's
 * last success is older than FRESHNESS (or it never succeeded). An entity skipped because its optional
 * model is not installed (OCA product.brand) is not a problem.
 *
 * To add a per-entity fact (e.g. webhook freshness): read it in query.ts, carry it in EntityFacts
 * (factsOf), set it in deriveEntity, declare it optional in schema.ts, show it as a column in render.ts.
 */
import type { Settings } from '../../config.ts';
import { formatDuration } from '../format.ts';
import { upcomingSchedule } from '../schedule.ts';
import type { DeclaredChangeRow, JobRow, StatusSnapshot, StepRow, TableRows } from './query.ts';
import type { EntityStatus, Job, Status } from './schema.ts';
import { pickLoadCounters } from '../../sync/step-counters.ts';
import type { WebhookFreshness } from '../../webhooks/freshness.ts';

/** A worker whose heartbeat is older than this is shown as gone. */
export const WORKER_ALIVE_MS = 2 * 60_000;

export const NO_SUCCESS_YET = 'no sync has succeeded yet: run `odoo-etl sync` (or start `odoo-etl worker` to sync on the schedule)';

export type StatusSettings = Pick<Settings, 'FRESHNESS' | 'SYNC_SCHEDULE' | 'RECONCILE_SCHEDULE' | 'ODOO_URL' | 'ODOO_DB' | 'ODOO_USERNAME' | 'ODOO_TRANSPORT'>;

export interface DeriveOptions {
  settings: StatusSettings;
  /** How the database is described to people (host, port, database; no password). */
  database: string;
  now: Date;
}

/** The mirrored tables as status lists them (src/entities' specs, in their order). */
export interface EntityInfo {
  table: string;
  kind: EntityStatus['kind'];
  sync: EntityStatus['sync'];
}

/** What the snapshot says about one entity. */
export interface EntityFacts {
  /** The newest step (may still be going on). */
  current?: StepRow;
  /** The newest settled step. */
  finished?: StepRow;
  lastSuccessAt: string | null;
  watermarks: StatusSnapshot['watermarks'];
  rows?: TableRows;
  jobs: Job[];
  openMissing: number;
  /** What webhooks brought (absent: none arrived). */
  webhook?: WebhookFreshness;
  /** What migrate last did to a declared table (absent: built-in, or not migrated yet). */
  declared?: DeclaredChangeRow;
  /** Whether history is kept for the table and its versions (absent: never kept). */
  history?: StatusSnapshot['history'][number];
}

export function deriveStatus(snapshot: StatusSnapshot, entities: readonly EntityInfo[], options: DeriveOptions): Status {
  const { now, settings } = options;
  const names = entities.map((e) => e.table);
  const allJobs = snapshot.jobs.map((j) => toJob(j, names));
  const facts = factsOf(snapshot, allJobs);
  const entityStatuses = entities.map((entity) => deriveEntity(entity, facts(entity.table), now, settings.FRESHNESS));

  const otherJobs = allJobs.filter((j) => j.entity === null);
  const problems = entityStatuses.every((e) => e.state === 'never') ? [NO_SUCCESS_YET] : entityStatuses.flatMap((e) => (e.problem ? [e.problem] : []));
  for (const job of otherJobs.filter((j) => j.state === 'failed')) problems.push(`job ${job.id} (${job.task}) out of attempts: ${job.lastError ?? 'no error recorded'}`);

  const lastExecution = new Map(snapshot.crontabs.map((c) => [c.identifier, c.last_execution]));
  const schedule = upcomingSchedule({ sync: settings.SYNC_SCHEDULE, reconcile: settings.RECONCILE_SCHEDULE }, now).map((entry) => ({
    ...entry,
    lastExecution: lastExecution.get(entry.identifier) ?? null,
  }));
  const lastRun = snapshot.lastRun;

  return {
    generatedAt: now.toISOString(),
    healthy: problems.length === 0,
    problems,
    freshnessSeconds: Math.round(settings.FRESHNESS / 1000),
    database: options.database,
    odoo: { url: settings.ODOO_URL ?? null, db: settings.ODOO_DB ?? null, username: settings.ODOO_USERNAME ?? null, transport: settings.ODOO_TRANSPORT },
    schedule,
    workers: snapshot.workers.map((w) => ({
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
    openMissing: snapshot.missing.reduce((sum, m) => sum + m.open, 0),
  };
}

/** The snapshot's rows grouped by entity. */
function factsOf(snapshot: StatusSnapshot, jobs: Job[]): (table: string) => EntityFacts {
  const byEntity = <T extends { entity: string }>(list: readonly T[]) => new Map(list.map((item) => [item.entity, item]));
  const latest = byEntity(snapshot.latest);
  const finished = byEntity(snapshot.lastFinished);
  const successes = byEntity(snapshot.successes);
  const missing = new Map(snapshot.missing.map((m) => [m.table_name, m.open]));
  const webhooks = byEntity(snapshot.webhooks);
  const declared = new Map(snapshot.declared.map((d) => [d.table_name, d]));
  const history = new Map(snapshot.history.map((h) => [h.table_name, h]));
  return (table) => ({
    current: latest.get(table),
    finished: finished.get(table),
    lastSuccessAt: successes.get(table)?.at ?? null,
    watermarks: snapshot.watermarks.filter((w) => w.entity === table),
    rows: snapshot.rows.get(table),
    jobs: jobs.filter((j) => j.entity === table),
    openMissing: missing.get(table) ?? 0,
    webhook: webhooks.get(table),
    declared: declared.get(table),
    history: history.get(table),
  });
}

const SETTLED = ['succeeded', 'failed', 'skipped'];

/** One entity's line of the report: its state, the problem it is (if any), and what is known of it. */
export function deriveEntity(entity: EntityInfo, facts: EntityFacts, now: Date, freshnessMs: number): EntityStatus {
  const { current, finished, lastSuccessAt } = facts;
  const table = entity.table;
  const lagMs = lastSuccessAt ? now.getTime() - Date.parse(lastSuccessAt) : null;
  const running = current !== undefined && current.run_status === 'running' && !SETTLED.includes(current.status);
  const { state, problem: stateProblem } = entityState(table, { finished, running, lagMs, freshnessMs });
  const deadJob = facts.jobs.find((j) => j.state === 'failed');
  const problem = stateProblem ?? (deadJob ? `${table}: job ${deadJob.id} out of attempts: ${deadJob.lastError ?? 'no error recorded'}` : null);
  const shown = running ? current : finished;
  return {
    entity: table,
    kind: entity.kind,
    sync: entity.sync,
    state,
    lastSuccessAt,
    lagSeconds: lagMs === null ? null : Math.round(lagMs / 1000),
    watermarks: facts.watermarks.map((w) => ({ source: w.source, highWriteDate: w.high_write_date, fullDoneAt: w.full_done_at, inProgressRunId: w.cursor_run_id })),
    rows: facts.rows?.rows ?? 0,
    rowsExact: facts.rows?.exact ?? true,
    lastRun: shown
      ? {
          runId: shown.run_id,
          status: shown.status,
          mode: shown.mode,
          ...pickLoadCounters(shown),
          startedAt: shown.started_at,
          finishedAt: shown.finished_at,
          error: shown.error,
          fullPassReason: shown.full_reason,
        }
      : null,
    jobs: facts.jobs,
    openMissing: facts.openMissing,
    webhook: webhookOf(facts.webhook),
    ...(facts.declared
      ? { lastMigrate: { action: facts.declared.action, column: facts.declared.column_name, detail: facts.declared.detail, at: facts.declared.at } }
      : {}),
    ...(facts.history ? { history: { on: facts.history.enabled, versions: facts.history.versions.rows, versionsExact: facts.history.versions.exact } } : {}),
    problem,
  };
}

/** Webhook freshness as status shows it: null until a notification arrived for the entity. */
function webhookOf(w: WebhookFreshness | undefined): EntityStatus['webhook'] {
  if (!w || (w.lastNotificationAt === null && w.pending === 0)) return null;
  return { lastNotificationAt: w.lastNotificationAt, lastAppliedAt: w.lastAppliedAt, lagSeconds: w.lagSeconds, pending: w.pending };
}

/**
 * The state from the last settled step, whether a step runs now, and the age of the last success:
 * absent (skipped: optional model not on the server) and failed first, then by age: never / running /
 * blocked (skipped because a dependency failed: its error starts with `not run:`) without a success,
 * stale / blocked when too old, else ok / running / blocked.
 */
export function entityState(
  table: string,
  facts: { finished?: Pick<StepRow, 'status' | 'error' | 'run_id'>; running: boolean; lagMs: number | null; freshnessMs: number },
): { state: EntityStatus['state']; problem: string | null } {
  const { finished, running, lagMs, freshnessMs } = facts;
  const skipped = finished?.status === 'skipped';
  if (skipped && !(finished.error ?? '').startsWith('not run:')) return { state: 'absent', problem: null };
  if (finished?.status === 'failed') {
    return { state: 'failed', problem: `${table}: run ${finished.run_id} failed${finished.error ? `: ${finished.error}` : ''}` };
  }
  if (lagMs === null) {
    return {
      state: running ? 'running' : skipped ? 'blocked' : 'never',
      problem: `${table}: never synced successfully${finished?.error ? ` (${finished.error})` : ''}`,
    };
  }
  if (lagMs > freshnessMs) {
    return {
      state: skipped ? 'blocked' : 'stale',
      problem: `${table}: last success ${formatDuration(lagMs)} ago, older than FRESHNESS (${formatDuration(freshnessMs)})`,
    };
  }
  return { state: running ? 'running' : skipped ? 'blocked' : 'ok', problem: null };
}

/** A queue row as status shows it: running (a worker holds it), waiting (not tried yet), retrying, failed (out of attempts). */
export function toJob(j: JobRow, entities: readonly string[]): Job {
  return {
    id: j.id,
    task: j.task_identifier,
    entity: entityOfJobKey(j.key, entities),
    state: j.locked_at ? 'running' : j.attempts >= j.max_attempts ? 'failed' : j.attempts > 0 ? 'retrying' : 'waiting',
    attempts: j.attempts,
    maxAttempts: j.max_attempts,
    lastError: j.last_error,
    runAt: j.run_at,
    lockedBy: j.locked_by,
  };
}

/** The entity a sync job belongs to, from its key: `odoo-etl:<entity>` or, for one part of it, `odoo-etl:<entity>:<part>`. */
export function entityOfJobKey(key: string | null, entities: readonly string[]): string | null {
  if (!key?.startsWith('odoo-etl:')) return null;
  const entity = key.slice('odoo-etl:'.length).split(':')[0]!;
  return entities.includes(entity) ? entity : null;
}
