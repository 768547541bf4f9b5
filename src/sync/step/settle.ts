/**
 * Settles a step of a run (etl.finish_step) and says what that decided: the step's status, mode and
 * duration, and the run's when this settlement closed it. finish_step leaves an already settled step
 * alone, so when jobs race only the one that really settled the step gets a result: a step (and a run)
 * is observed once, however many workers share the queue.
 */
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';

export interface SettledStep {
  runId: number;
  entity: string;
  status: 'succeeded' | 'failed' | 'skipped';
  mode: string | null;
  /** From its first job to now; 0 for a step that failed before it started. */
  seconds: number;
  /** Present when this settlement closed the run. */
  run?: { status: string; trigger: string; seconds: number };
}

const SETTLED = ['succeeded', 'failed', 'skipped'];

/** Call inside the transaction that commits the step's last change; act on the result after it commits. */
export async function settleStep(
  tx: DatabaseTransactionConnection,
  runId: number,
  entity: string,
  status: SettledStep['status'],
  error?: string,
): Promise<SettledStep | null> {
  // The run row is the lock finish_step takes first: holding it, nobody else settles this run's steps meanwhile.
  const before = await tx.maybeOne(sql.type(z.object({ run_status: z.string(), step_status: z.string() }))`
    select r.status as run_status, e.status as step_status
      from etl.run r join etl.run_entity e on e.run_id = r.id
     where r.id = ${runId} and e.entity = ${entity}
       for update of r`);
  await tx.query(sql.unsafe`select etl.finish_step(${runId}, ${entity}, ${status}, ${error ?? null})`);
  if (!before || SETTLED.includes(before.step_status)) return null;
  const after = await tx.one(sql.type(
    z.object({ mode: z.string().nullable(), seconds: z.number(), run_status: z.string(), trigger: z.string(), run_seconds: z.number().nullable() }),
  )`
    select e.mode, coalesce(extract(epoch from e.finished_at - e.started_at), 0)::float8 as seconds,
           r.status as run_status, r.trigger, extract(epoch from r.finished_at - r.created_at)::float8 as run_seconds
      from etl.run r join etl.run_entity e on e.run_id = r.id
     where r.id = ${runId} and e.entity = ${entity}`);
  const closedRun = before.run_status === 'running' && after.run_status !== 'running' && after.run_seconds !== null;
  return {
    runId,
    entity,
    status,
    mode: after.mode,
    seconds: after.seconds,
    run: closedRun ? { status: after.run_status, trigger: after.trigger, seconds: after.run_seconds! } : undefined,
  };
}

/** Tells the observer (metrics) of a settlement, once it is committed. */
export function observeSettled(ctx: { observer?: { stepSettled(step: SettledStep): void } }, settled: SettledStep | null | undefined): void {
  if (settled) ctx.observer?.stepSettled(settled);
}
