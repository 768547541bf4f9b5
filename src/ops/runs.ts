/**
 * `odoo-etl runs`: the recent runs, and ending one (`runs cancel`).
 *
 * A cancelled run ends at once with status `cancelled` and the error "cancelled by <who>"; its unfinished
 * steps end `cancelled` too (not `failed`: nothing went wrong with the tables, and `status` keeps showing
 * each table's last real outcome). Its waiting jobs leave the queue; jobs running at that moment stop at
 * their next batch boundary: the batch commit finds the run ended and rolls back, so nothing is half
 * committed. The next run reads from the watermarks of the last committed batches.
 */
import os from 'node:os';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { stoppedHolders, type StoppedHolder } from './stopped-holders.ts';
import { endRun } from '../sync/end-run.ts';
import { formatDuration, formatTable, formatTime } from './format.ts';

export const runSummarySchema = z.object({
  id: z.number(),
  trigger: z.string(),
  state: z.string(),
  full: z.boolean(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  /** Until now for a running run. */
  durationSeconds: z.number(),
  steps: z.object({ total: z.number(), ok: z.number(), failed: z.number(), skipped: z.number(), cancelled: z.number(), open: z.number() }),
  error: z.string().nullable(),
});
export type RunSummary = z.infer<typeof runSummarySchema>;

export async function listRuns(pool: DatabasePool, options: { limit?: number } = {}): Promise<RunSummary[]> {
  const rows = await pool.any(sql.type(
    z.object({
      id: z.number(),
      trigger: z.string(),
      status: z.string(),
      full_sync: z.boolean(),
      created_at: z.string(),
      finished_at: z.string().nullable(),
      seconds: z.number(),
      total: z.number(),
      ok: z.number(),
      failed: z.number(),
      skipped: z.number(),
      cancelled: z.number(),
      open: z.number(),
      error: z.string().nullable(),
    }),
  )`
    select r.id, r.trigger, r.status, r.full_sync, r.created_at, r.finished_at, r.error,
           extract(epoch from coalesce(r.finished_at, now()) - r.created_at)::float8 as seconds,
           count(e.entity) as total,
           count(e.entity) filter (where e.status = 'succeeded') as ok,
           count(e.entity) filter (where e.status = 'failed') as failed,
           count(e.entity) filter (where e.status = 'skipped') as skipped,
           count(e.entity) filter (where e.status = 'cancelled') as cancelled,
           count(e.entity) filter (where e.status in ('pending', 'queued', 'running')) as open
      from (select * from etl.run order by id desc limit ${options.limit ?? 20}) r
      left join etl.run_entity e on e.run_id = r.id
     group by r.id, r.trigger, r.status, r.full_sync, r.created_at, r.finished_at, r.error
     order by r.id desc`);
  return rows.map((r) => ({
    id: r.id,
    trigger: r.trigger,
    state: r.status,
    full: r.full_sync,
    startedAt: r.created_at,
    finishedAt: r.finished_at,
    durationSeconds: Math.round(r.seconds * 10) / 10,
    steps: { total: r.total, ok: r.ok, failed: r.failed, skipped: r.skipped, cancelled: r.cancelled, open: r.open },
    error: r.error,
  }));
}

export function renderRuns(runs: RunSummary[]): string[] {
  if (runs.length === 0) return ['no runs yet: `odoo-etl sync` starts one'];
  return formatTable(
    ['run', 'trigger', 'state', 'started', 'duration', 'ok', 'failed', 'steps', 'note'],
    runs.map((r) => [
      String(r.id),
      `${r.trigger}${r.full ? ' full' : ''}`,
      r.state,
      formatTime(r.startedAt),
      formatDuration(r.durationSeconds * 1000),
      String(r.steps.ok),
      String(r.steps.failed),
      String(r.steps.total),
      (r.error ?? '').split('\n')[0]!.slice(0, 200),
    ]),
  );
}

export interface CancelResult {
  runId: number;
  cancelled: boolean;
  /** The run's state now (null: no such run). */
  state: string | null;
  reason: string;
  removedJobs: number;
  /** Jobs that were running: they stop at their next batch boundary. */
  runningJobs: number;
  /**
   * Running jobs held by processes whose heartbeat stopped (killed, or paused): nothing of theirs commits any
   * more, but their entities' queues stay locked until they are freed, `freedInMs` from now (WORKER_STALE_AFTER
   * after their last sign of life), and a new run of those entities waits for that.
   */
  heldByStopped: StoppedHolder[];
}

/** Who cancels, as recorded in the run's error: the OS user and host. */
export function cancelledBy(): string {
  return `${os.userInfo().username}@${os.hostname()}`;
}

export async function cancelRun(pool: DatabasePool, runId: number, options: { by?: string; staleAfterMs?: number } = {}): Promise<CancelResult> {
  const reason = `cancelled by ${options.by ?? cancelledBy()}`;
  const ended = await endRun(pool, runId, { status: 'cancelled', reason, by: options.by ?? cancelledBy() });
  const state = await pool.maybeOneFirst(sql.type(z.object({ status: z.string() }))`select status from etl.run where id = ${runId}`);
  const heldByStopped = await stoppedHolders(pool, ended.runningJobs, options.staleAfterMs ?? 60_000);
  return { runId, cancelled: ended.ended, state, reason, removedJobs: ended.removedJobs, runningJobs: ended.runningJobs.length, heldByStopped };
}

/** What `runs cancel` prints. */
export function describeCancel(result: CancelResult, staleAfterMs: number): string[] {
  const stopped = result.heldByStopped.reduce((n, h) => n + h.jobs, 0);
  const live = result.runningJobs - stopped;
  const lines = [
    `run ${result.runId} cancelled: ${result.removedJobs} waiting job(s) removed` +
      (live > 0 ? `, ${live} running job(s) stop at their next batch boundary (nothing more is committed)` : ''),
  ];
  for (const holder of result.heldByStopped) {
    lines.push(
      `${holder.entities.join(', ')}: ${holder.jobs > 1 ? `${holder.jobs} running jobs are` : 'its running job is'} held by ${holder.process}, which stopped (last seen ${formatDuration(holder.lastSeenAgoMs)} ago): ` +
        `nothing more is committed, but its queue stays locked until a worker or the next \`sync\` frees it, ` +
        `WORKER_STALE_AFTER (${formatDuration(staleAfterMs)}) after its last sign of life: in about ${formatDuration(holder.freedInMs)}; ` +
        `a new run of ${holder.entities.length > 1 ? 'these tables' : 'this table'} waits until then`,
    );
  }
  return lines;
}
