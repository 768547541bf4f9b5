/**
 * Derived entities (a selection field's values, e.g. dim_pos_order_states): no records to walk, the rows
 * come from fields_get, loaded in one commit that also marks every other code deleted.
 */
import { selectionRows } from '../../entities/plan.ts';
import type { SourceSpec } from '../../entities/types.ts';
import type { SyncContext } from '../context.ts';
import { commitStep, observeCommitted, type StepCommit } from './commit.ts';

export async function loadDerived(
  ctx: SyncContext,
  base: Pick<StepCommit, 'runId' | 'entity' | 'plan' | 'part' | 'mode' | 'cursorRow'>,
  source: SourceSpec,
  model: string,
  log: SyncContext['logger'],
): Promise<void> {
  const fields = await ctx.fieldsGet(model);
  const rows = selectionRows(fields ?? {}, source.selectionOf!);
  const committed = await commitStep(ctx.pool, { ...base, rows, read: rows.length, calls: 0, done: true, cursor: null,
    snapshotKeys: rows.map((r) => ({ code: r.code })) });
  observeCommitted(ctx, base.entity.table, base.part.source, rows.length, committed);
  if (committed && committed.finished) log.info({ mode: base.mode, ...committed.finished }, `${base.entity.table} synced`);
}
