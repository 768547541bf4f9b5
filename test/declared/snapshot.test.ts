// A declared table in snapshot mode (for models without a usable write_date): every run reads all the
// model's records and marks the ones Odoo no longer has deleted, without waiting for the reconcile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { parseDeclarations } from '../../src/declared/load.ts';
import { useDeclarations } from '../../src/declared/to-spec.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

describe('a declared snapshot table (Odoo 18)', () => {
  let h: SyncHarness;
  beforeAll(async () => {
    h = await startHarness({ sim: { version: '18.0', scale: 1, seed: 2, customModels: true } });
    useDeclarations(parseDeclarations('tables:\n  - name: x_slot_states\n    model: x_delivery_slot\n    sync: snapshot\n    columns:\n      x_name: text\n      x_studio_state: text\n', 'tables.yaml').tables);
    await migrateDatabase(h.db.url);
  });
  afterAll(async () => {
    useDeclarations([]);
    await h?.close();
  });

  const rows = () => h.db.pool.any(sql.type(z.object({ x_name: z.string(), x_studio_state: z.string().nullable(), deleted: z.boolean() }))`
    select x_name, x_studio_state, deleted_at is not null as deleted from x_slot_states order by odoo_id`);

  it('reads everything each run and marks vanished records deleted', async () => {
    const a = h.sim.create('x_delivery_slot', { x_name: 'A', x_studio_state: 'open' });
    h.sim.create('x_delivery_slot', { x_name: 'B', x_studio_state: 'full' });
    const first = await h.sync({ entities: ['x_slot_states'] });
    expect(first.steps.find((s) => s.entity === 'x_slot_states')).toMatchObject({ status: 'succeeded', mode: 'snapshot', read: 2 });
    expect(await rows()).toEqual([
      { x_name: 'A', x_studio_state: 'open', deleted: false },
      { x_name: 'B', x_studio_state: 'full', deleted: false },
    ]);
    h.sim.unlink('x_delivery_slot', [a]);
    const second = await h.sync({ entities: ['x_slot_states'] });
    expect(second.steps.find((s) => s.entity === 'x_slot_states')).toMatchObject({ status: 'succeeded', mode: 'snapshot', read: 1, deleted: 1 });
    expect(await rows()).toEqual([
      { x_name: 'A', x_studio_state: 'open', deleted: true },
      { x_name: 'B', x_studio_state: 'full', deleted: false },
    ]);
  });

  it('names at the longest allowed (40 characters each) migrate twice without a clash of cut names', async () => {
    const table = `x_${'t'.repeat(38)}`;
    const column = `x_${'c'.repeat(38)}`;
    const text = `tables:\n  - name: ${table}\n    model: x_delivery_slot\n    columns:\n      ${column}: { field: x_studio_partner_id, references: dim_customers }\n`;
    const tables = parseDeclarations(text, 'tables.yaml').tables;
    const first = await migrateDatabase(h.db.url, undefined, { declared: tables });
    expect(first.declared.map((c) => c.action)).toEqual(['create_table', 'create_index', 'create_index', 'add_foreign_key']);
    const second = await migrateDatabase(h.db.url, undefined, { declared: tables });
    expect(second.declared).toEqual([]);
  });
});
