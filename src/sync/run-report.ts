/**
 * What a run did, per entity step, read back from etl.run / etl.run_entity.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';

import { counterColumns, stepCountersSchema } from './step-counters.ts';

export const runStepSchema = z.object({
  entity: z.string(),
  status: z.enum(['pending', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled']),
  mode: z.string().nullable(),
  expected: z.number().nullable(),
  ...stepCountersSchema.shape,
  attempts: z.number(),
  warnings: z.array(z.string()),
  error: z.string().nullable(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
export type RunStep = z.infer<typeof runStepSchema>;

export const runSchema = z.object({
  id: z.number(),
  trigger: z.string(),
  full_sync: z.boolean(),
  /** cancelled: `odoo-etl runs cancel` (error says by whom); a run past RUN_TIMEOUT ends failed. */
  status: z.enum(['running', 'succeeded', 'failed', 'skipped', 'cancelled']),
  error: z.string().nullable(),
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type RunRow = z.infer<typeof runSchema>;

export interface RunReport {
  run: RunRow;
  steps: RunStep[];
}

export async function getRunReport(pool: DatabasePool, runId: number): Promise<RunReport> {
  const run = await pool.one(sql.type(runSchema)`
    select id, trigger, full_sync, status, error, created_at, finished_at from etl.run where id = ${runId}`);
  const steps = await pool.any(sql.type(runStepSchema)`
    select entity, status, mode, expected, ${counterColumns()}, attempts,
           warnings, error, started_at, finished_at
      from etl.run_entity where run_id = ${runId}
     order by started_at nulls last, entity`);
  return { run, steps: [...steps] };
}

export function isFinished(run: RunRow): boolean {
  return run.status !== 'running';
}
