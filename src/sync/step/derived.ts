/**
 * Derived entities (a selection field's values, e.g. dim_pos_order_states): no records to walk, the rows
 * come from fields_get (asked each run), loaded in one commit that also marks every other code deleted.
 */
import { selectionRows } from '../../entities/plan.ts';
import type { SourceSpec } from '../../entities/types.ts';
import type { SyncContext } from '../context.ts';
import { commitStep, observeCommitted, type StepCommit } from './commit.ts';

export async function loadDerived(
  ctx: SyncContext,
  base: Pick<StepCommit, 'runId' | 'entity' | 'plan' | 'part' | 'mode' | 'watermark'>,
  source: SourceSpec,
  model: string,
  log: SyncContext['logger'],
): Promise<void> {
  // Asked every run, not kept (fields-cache.ts): a selection's values live in ir.model.fields.selection, which
  // the kept answers' fingerprint does not cover. This one call is the table's whole read.
  const fields = await ctx.odoo.fieldsGet(model, ['type', 'selection']);
  const rows = selectionRows(fields, source.selectionOf!);
  const committed = await commitStep(ctx.pool, { ...base, rows, read: rows.length, calls: 1, done: true, cursor: null,
    snapshotKeys: rows.map((r) => ({ code: r.code })) });
  observeCommitted(ctx, base.entity.table, base.part.source, rows.length, committed);
  if (committed && committed.finished) log.info({ mode: base.mode, ...committed.finished }, `${base.entity.table} synced`);
}
