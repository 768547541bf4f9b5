// Serving recorded records instead of the generated dataset: a test hands the simulator what a real Odoo's
// search_read returned (test/fixtures/odoo/<version>/samples/) and the simulator answers with exactly those
// records, at their recorded ids. Fields a recording lacks (one2many, binary, non-stored ones) are derived
// as for any record (store.ts).
import type { Db } from './store.ts';

/** Records as search_read returns them (many2one as `[id, display_name]`), by model. */
export type RecordedRecords = Record<string, Array<Record<string, unknown>>>;

export function loadRecordedRecords(db: Db, recorded: RecordedRecords): void {
  for (const [model, records] of Object.entries(recorded)) {
    const t = db.table(model);
    if (!t) throw new Error(`recorded records of ${model}: the simulator's Odoo ${db.version} does not serve that model`);
    for (const record of records) {
      if (typeof record.id !== 'number') throw new Error(`a recorded ${model} record has no id`);
      // The store keeps raw values: a many2one is its id (read() adds the display name back).
      const raw = Object.fromEntries(
        Object.entries(record).map(([field, value]) => [field, t.fields[field]?.type === 'many2one' && Array.isArray(value) ? value[0] : value]),
      );
      db.insert(model, raw as { id: number });
    }
  }
}
