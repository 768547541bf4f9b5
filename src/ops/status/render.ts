/** `odoo-etl status` as a person reads it: a header, one table line per entity, then jobs and problems. */
import { formatAge, formatCount, formatDuration, formatTable, formatTime } from '../format.ts';
import type { EntityStatus, Job, Status } from './schema.ts';

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
  const columns = entityColumns(now);
  out.push(...formatTable(columns.map((c) => c.header), status.entities.map((e) => columns.map((c) => c.cell(e)))));
  const fullPasses = status.entities.flatMap((e) => (e.lastRun?.fullPassReason ? [e.lastRun.fullPassReason] : []));
  if (fullPasses.length > 0) {
    out.push('', 'full passes in the last run:');
    for (const reason of fullPasses) out.push(`  - ${reason}`);
  }
  const migrated = status.entities.filter((e) => e.lastMigrate);
  if (migrated.length > 0) {
    out.push('', 'declared tables, what migrate last did:');
    for (const e of migrated) out.push(`  ${e.entity}: ${describeMigrate(e.lastMigrate!)}`);
  }
  const kept = status.entities.filter((e) => e.history);
  if (kept.length > 0) {
    out.push('', 'history (README, History; `odoo-etl history <table>`):');
    for (const e of kept) {
      const h = e.history!;
      out.push(`  ${e.entity}: ${h.on ? 'on' : 'off (history table kept)'}, ${h.versionsExact ? '' : '~'}${formatCount(h.versions)} version(s)`);
    }
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

/**
 * The columns of the entity table, in order; the last one (jobs) is not padded, so it stays last. A
 * new per-entity field is one more entry here.
 */
function entityColumns(now: number): Array<{ header: string; cell: (e: EntityStatus) => string }> {
  return [
    { header: 'entity', cell: (e) => e.entity },
    { header: 'state', cell: (e) => e.state },
    { header: 'last success', cell: (e) => (e.lastSuccessAt ? formatAge(e.lastSuccessAt, now) : 'never') },
    { header: 'rows', cell: (e) => `${e.rowsExact ? '' : '~'}${formatCount(e.rows)}` },
    {
      header: 'watermark (write_date)',
      cell: (e) =>
        e.watermarks.length === 0 ? '-' : e.watermarks.map((w) => `${w.source ? `${w.source}:` : ''}${w.highWriteDate ? formatTime(w.highWriteDate) : '-'}`).join(' '),
    },
    { header: 'last run ins/upd/same/del', cell: (e) => (e.lastRun ? `${e.lastRun.inserted}/${e.lastRun.updated}/${e.lastRun.unchanged}/${e.lastRun.deleted}` : '-') },
    { header: 'missing', cell: (e) => String(e.openMissing) },
    { header: 'webhook', cell: (e) => (e.webhook ? describeWebhook(e.webhook, now) : '-') },
    { header: 'jobs', cell: (e) => (e.jobs.length === 0 ? '' : e.jobs.map((j) => describeJob(j, now)).join('; ')) },
  ];
}

const MIGRATE_ACTIONS: Record<NonNullable<EntityStatus['lastMigrate']>['action'], string> = {
  create_table: 'created',
  add_column: 'column added',
  column_kept: 'column kept though no longer declared',
  type_refused: 'type change refused',
};

/** e.g. `type change refused: x_studio_slot_date (date in the database, declared timestamptz), 2026-03-02 10:00:00Z`. */
export function describeMigrate(m: NonNullable<EntityStatus['lastMigrate']>): string {
  const label = MIGRATE_ACTIONS[m.action];
  // create_table's detail lists every column, and column_kept's repeats the label: only the others' detail is shown.
  const detail = (m.action === 'add_column' || m.action === 'type_refused') && m.detail ? ` (${m.detail})` : '';
  return `${m.column ? `${label}: ${m.column}` : label}${detail}, ${formatTime(m.at)}`;
}

/** Last notification's age, the lag of the last applied batch, records still waiting. */
function describeWebhook(w: NonNullable<EntityStatus['webhook']>, now: number): string {
  const last = w.lastNotificationAt ? formatAge(w.lastNotificationAt, now) : '-';
  const lag = w.lagSeconds === null ? '' : `, lag ${formatDuration(w.lagSeconds * 1000)}`;
  return `${last}${lag}${w.pending > 0 ? `, ${w.pending} waiting` : ''}`;
}

export function describeJob(job: Job, now: number): string {
  const when = Date.parse(job.runAt) > now ? `next try in ${formatDuration(Date.parse(job.runAt) - now)}` : 'due now';
  const error = job.lastError ? `: ${job.lastError.split('\n')[0]!.slice(0, 160)}` : '';
  if (job.state === 'running') return `running (attempt ${job.attempts}/${job.maxAttempts})`;
  if (job.state === 'waiting') return `waiting, ${when}`;
  if (job.state === 'failed') return `FAILED after ${job.attempts} attempts${error}`;
  return `retrying (attempt ${job.attempts}/${job.maxAttempts}), ${when}${error}`;
}
