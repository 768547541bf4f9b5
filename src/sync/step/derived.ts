/**
 * Derived mode (a selection field's values, e.g. dim_pos_order_states): no records to walk, the rows come
 * from fields_get (asked each run), loaded in one batch whose commit also marks every other code deleted. No cursor.
 */
import { selectionRows } from '../../entities/plan.ts';
import type { PartJob, PartReader } from './part-reader.ts';

export async function openDerivedRead(job: PartJob): Promise<PartReader<null, null>> {
  // Asked every run, not kept (fields-cache.ts): a selection's values live in ir.model.fields.selection, which
  // the kept answers' fingerprint does not cover. This one call is the table's whole read, unless this
  // process asked the model's fields_get in this very run (a first sync plans with fresh answers): that
  // answer carries the selection too, and is as fresh as the run.
  const fresh = job.ctx.fieldsAskedIn(job.plan.model, job.runId);
  const fields = fresh ? await fresh : await job.ctx.odoo.fieldsGet(job.plan.model, ['type', 'selection']);
  const rows = selectionRows(fields ?? {}, job.source.selectionOf!);
  return {
    start: null,
    openCalls: fresh ? 0 : 1,
    next: async () => ({ rows, read: rows.length, position: null, done: true, calls: 0 }),
    cursor: () => null,
    finish: async () => ({ keys: rows.map((r) => ({ code: r.code })), calls: 0 }),
  };
}
