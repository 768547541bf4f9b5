/**
 * A step's row in etl.run_entity as a job finds it, and what a job records there when an attempt fails.
 * The policy (retry, give up, fail at once) is the task's (tasks/sync_entity.ts); these only write it down.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { settleStep, type SettledStep } from './settle.ts';

/** Step states that never change again. */
export const FINAL_STEP_STATES = ['succeeded', 'failed', 'skipped', 'cancelled'];

/** The step's run ended (cancelled, timed out, settled) while a job of it was working: the job stops, committing nothing more. */
export class StepClosed extends Error {
  override name = 'StepClosed';
}

const stepStateSchema = z.object({
  status: z.string(),
  run_status: z.string(),
  plan: z.unknown().nullable(),
  sources_done: z.array(z.string()),
  full_sync: z.boolean(),
});
export type StepState = z.infer<typeof stepStateSchema>;

/** The step as a job of it starts; null when there is nothing to do (settled, its run ended, or deleted). */
export async function openStepState(pool: DatabasePool, runId: number, table: string): Promise<StepState | null> {
  const state = await pool.maybeOne(sql.type(stepStateSchema)`
    select e.status, r.status as run_status, e.plan, e.sources_done, r.full_sync
      from etl.run_entity e join etl.run r on r.id = e.run_id
     where e.run_id = ${runId} and e.entity = ${table}`);
  if (!state || FINAL_STEP_STATES.includes(state.status) || state.run_status !== 'running') return null;
  return state;
}

/** An attempt failed and the job will be retried: its count and error, for `status` and the run report. */
export async function recordRetry(pool: DatabasePool, runId: number, table: string, attempts: number, message: string): Promise<void> {
  await pool.query(sql.unsafe`
    update etl.run_entity set attempts = ${attempts}, error = ${message}
     where run_id = ${runId} and entity = ${table}`);
}

/** The step failed for good: settle it failed (etl.finish_step), in one transaction with its attempt count. */
export async function failStep(pool: DatabasePool, runId: number, table: string, attempts: number, message: string): Promise<SettledStep | null> {
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`update etl.run_entity set attempts = ${attempts} where run_id = ${runId} and entity = ${table}`);
    return settleStep(tx, runId, table, 'failed', message);
  });
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
