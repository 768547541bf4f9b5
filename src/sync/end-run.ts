/**
 * Ending a run before its steps are done: `odoo-etl runs cancel` (status `cancelled`) and RUN_TIMEOUT
 * (status `failed`). In one transaction: the run and its unfinished steps end with the reason
 * (etl.end_run, under the run engine's lock on the run row), and its waiting jobs leave the queue. Jobs
 * running at that moment are not interrupted: their next batch commit finds the run ended and rolls back
 * (see commitStep in step/commit.ts), so no batch is half committed and nothing is committed after.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { stepJobs, type StepJob } from '../db/graphile-worker-internals.ts';
import { endRunSteps } from './step/life.ts';

export interface EndedRun {
  /** False when the run was not running (already ended, or no such run). */
  ended: boolean;
  /** Waiting jobs removed from the queue. */
  removedJobs: number;
  /** Jobs running when the run ended: they stop at their next batch boundary. */
  runningJobs: StepJob[];
}

export async function endRun(
  pool: DatabasePool,
  runId: number,
  outcome: { status: 'cancelled' | 'failed'; reason: string; by?: string },
): Promise<EndedRun> {
  return pool.transaction(async (tx) => {
    const ended = await endRunSteps(tx, runId, outcome);
    if (!ended) return { ended: false, removedJobs: 0, runningJobs: [] };
    const removedJobs = await removeWaitingJobs(tx, await stepJobs(tx, { runIds: [runId] }));
    const runningJobs = (await stepJobs(tx, { runIds: [runId] })).filter((j) => j.locked_at !== null);
    return { ended: true, removedJobs, runningJobs };
  });
}

/** Deletes the jobs among these that no worker holds (graphile-worker's complete_jobs skips locked ones). */
export async function removeWaitingJobs(db: Pick<DatabasePool, 'anyFirst'>, jobs: StepJob[]): Promise<number> {
  const ids = jobs.filter((j) => j.locked_at === null).map((j) => j.id);
  if (ids.length === 0) return 0;
  const removed = await db.anyFirst(sql.type(z.object({ id: z.number() }))`
    select id from graphile_worker.complete_jobs(${sql.array(ids, 'int8')})`);
  return removed.length;
}
