/**
 * Run housekeeping, done by every worker's heartbeat (and so by `sync` too): no run can stay `running` for
 * ever. Every tick:
 * - a run older than RUN_TIMEOUT ends `failed`, its unfinished steps with it (see end-run.ts);
 * - a step whose jobs can no longer run (gone from the queue, or out of attempts: a worker killed during
 *   the last attempt, or a failure that could not be recorded) is settled `failed` with the reason, through
 *   etl.finish_step, so its run moves on (dependents skipped, heal_missing queued) and ends;
 * - steps left open in an ended run take the run's outcome (etl.settle_ended_runs).
 * Safe with several workers: each step is settled in a transaction that holds its row lock (skipping rows
 * another transaction holds) and checks its jobs again under that lock; finish_step takes the run lock.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { stepJobs, type StepJob } from '../db/graphile-worker-internals.ts';
import { formatDuration } from '../duration.ts';
import { endRun, removeWaitingJobs } from '../sync/end-run.ts';
import { closeStep, lockStepAtWork, openSteps, settleEndedRuns } from '../sync/step/life.ts';

export const HOUSEKEEPING_PREFIX = 'settled by worker housekeeping: ';

export interface HousekeepingResult {
  /** Runs ended for exceeding RUN_TIMEOUT. */
  timedOut: number[];
  /** Steps settled as failed because none of their jobs can run. */
  orphaned: Array<{ runId: number; entity: string; reason: string }>;
  /** Open steps of ended runs given the run's outcome. */
  closed: Array<{ runId: number; entity: string }>;
}

export async function settleRuns(pool: DatabasePool, options: { runTimeoutMs: number }): Promise<HousekeepingResult> {
  const result: HousekeepingResult = { timedOut: [], orphaned: [], closed: [] };

  const expired = await pool.anyFirst(sql.type(z.object({ id: z.number() }))`
    select id from etl.run
     where status = 'running' and created_at < now() - make_interval(secs => ${options.runTimeoutMs / 1000})
     order by id`);
  for (const runId of expired) {
    const reason = `the run exceeded RUN_TIMEOUT (${formatDuration(options.runTimeoutMs)})`;
    if ((await endRun(pool, runId, { status: 'failed', reason })).ended) result.timedOut.push(runId);
  }

  const open = await openSteps(pool);
  if (open.length > 0) {
    const jobs = await stepJobs(pool, { runIds: [...new Set(open.map((s) => s.run_id))] });
    for (const step of open) {
      const mine = jobs.filter((j) => j.run_id === step.run_id && j.entity === step.entity);
      if (mine.some(canStillRun)) continue;
      const reason = await settleOrphan(pool, step.run_id, step.entity);
      if (reason) result.orphaned.push({ runId: step.run_id, entity: step.entity, reason });
    }
  }

  const closed = await settleEndedRuns(pool);
  result.closed = closed.map((c) => ({ runId: c.run_id, entity: c.entity }));
  return result;
}

/** A job that a worker holds, or that will be tried again. */
function canStillRun(job: StepJob): boolean {
  return job.locked_at !== null || job.attempts < job.max_attempts;
}

/** Settles one step as failed if, under its row lock, it is still open and none of its jobs can run. */
async function settleOrphan(pool: DatabasePool, runId: number, entity: string): Promise<string | undefined> {
  return pool.transaction(async (tx) => {
    // A batch commit of this step holds the row: it is alive, leave it. Locking it orders us after any
    // commit that enqueued a continuation, so the jobs read next include it.
    if (!(await lockStepAtWork(tx, runId, entity))) return undefined;
    const jobs = await stepJobs(tx, { runIds: [runId], entity });
    if (jobs.some(canStillRun)) return undefined;
    const reason = HOUSEKEEPING_PREFIX + orphanReason(jobs);
    await closeStep(tx, runId, entity, 'failed', reason);
    // Their outcome is recorded in the step now: out-of-attempts jobs would only linger in the queue.
    await removeWaitingJobs(tx, jobs);
    return reason;
  });
}

function orphanReason(jobs: StepJob[]): string {
  const dead = jobs.at(-1);
  if (!dead) return 'its job is gone from the queue';
  const last = dead.last_error?.split('\n')[0]?.slice(0, 300);
  return (
    `its job ran out of attempts (${dead.attempts} of ${dead.max_attempts})` +
    (last ? `, last error: ${last}` : ': the last attempt ended without an outcome (its worker stopped)')
  );
}
