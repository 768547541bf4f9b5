/**
 * Which part of the entity a job reads. The entity's first job (no part in its payload) starts every open
 * part but one in jobs of their own (etl.continue_step) and reads that one itself; a continuation job reads
 * the part it names. The entity is settled by the commit that finishes its last part (commit.ts).
 */
import type { SyncContext } from '../context.ts';
import type { EntityPlan, Part } from './plan.ts';
import { continueStep, observeSettled, settleStep } from './life.ts';

/** The part this job reads; undefined when there is none left (the step is settled here if it was the first job). */
export async function takePart(
  ctx: SyncContext,
  runId: number,
  table: string,
  plan: EntityPlan,
  partKey: string | undefined,
  sourcesDone: string[],
): Promise<Part | undefined> {
  if (partKey !== undefined) {
    if (sourcesDone.includes(partKey)) return undefined; // finished meanwhile by another job
    const part = plan.parts.find((p) => p.key === partKey);
    if (!part) throw new Error(`${table}: the run's plan has no part ${partKey}`);
    return part;
  }
  const open = plan.parts.filter((p) => !sourcesDone.includes(p.key));
  if (open.length === 0) {
    observeSettled(ctx, await ctx.pool.transaction((tx) => settleStep(tx, runId, table, 'succeeded')));
    return undefined;
  }
  await ctx.pool.transaction(async (tx) => {
    for (const other of open.slice(1)) await continueStep(tx, runId, table, other.key);
  });
  return open[0];
}
