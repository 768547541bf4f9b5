// A declaration's `history: true` (README, user-declared tables): the table joins the tables HISTORY names, so
// migrate creates <table>_history and its triggers, and each change a sync loads is a version; HISTORY=none
// still turns it off. On the simulator's Studio model x_delivery_slot, with the simulator's clock set so the
// versions' starts (Odoo's write_date of each write) are known in advance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { fieldsGetThrough } from '../../src/declared/ddl.ts';
import { parseDeclarations } from '../../src/declared/load.ts';
import { useDeclarations } from '../../src/declared/to-spec.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { entityNames } from '../../src/entities/index.ts';
import { resolveHistoryTables } from '../../src/history/setting.ts';
import { readHistory } from '../../src/ops/history.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

const DECLARATION = `
tables:
  - name: x_delivery_slots
    model: x_delivery_slot
    history: true
    columns:
      x_name: text
      x_studio_quantity: numeric
      x_studio_state: text
  - name: x_pickings
    model: stock.picking
    kind: fact
    columns:
      name: text
      state: text
`;

const setting = (value: string) => loadConfig({ env: { HISTORY: value }, envFile: '/nonexistent/.env' }).HISTORY;

describe('a declared table with history: true', () => {
  let h: SyncHarness;
  let slot: number;
  const migrate = (history: string) => migrateDatabase(h.db.url, undefined, { fieldsGetOf: fieldsGetThrough(h.odoo), history: resolveHistoryTables(setting(history)) });
  const exists = (table: string) => h.db.pool.oneFirst(sql.type(z.object({ e: z.boolean() }))`select to_regclass(format('public.%I', ${table}::text)) is not null as e`);

  beforeAll(async () => {
    h = await startHarness({ sim: { version: '17.0', scale: 1, seed: 5, customModels: true } });
    h.sim.setClock('2026-03-01T10:00:00Z');
    slot = h.sim.create('x_delivery_slot', { x_name: 'Monday 9-12', x_studio_quantity: 12.5, x_studio_state: 'open' });
    useDeclarations(parseDeclarations(DECLARATION, 'tables.yaml').tables);
  });
  afterAll(async () => {
    useDeclarations([]);
    await h?.close();
  });

  it('adds the table to the tables HISTORY names, unless HISTORY is none', () => {
    expect(resolveHistoryTables(setting('fact_stock'))).toEqual(['fact_stock', 'x_delivery_slots']);
    // Named in both: once.
    expect(resolveHistoryTables(setting('x_delivery_slots,dim_users'))).toEqual(['dim_users', 'x_delivery_slots']);
    expect(resolveHistoryTables(setting('none'))).toEqual([]);
    expect(resolveHistoryTables(setting('all'))).toEqual([...entityNames()].sort());
    expect(resolveHistoryTables(setting('all'))).toContain('x_pickings');
  });

  it('migrate creates <table>_history for it (not for the declared table without history)', async () => {
    const result = await migrate('fact_stock');
    expect(result.history.enabled).toEqual(['x_delivery_slots']);
    expect(await exists('x_delivery_slots_history')).toBe(true);
    expect(await exists('x_pickings_history')).toBe(false);
    // Again: nothing changes.
    expect((await migrate('fact_stock')).history).toEqual({ enabled: [], disabled: [] });
  });

  it("each change a sync loads is a version, starting at the write's write_date", async () => {
    expect((await h.sync()).run.status).toBe('succeeded');
    h.sim.setClock('2026-03-02T08:30:00Z');
    h.sim.write('x_delivery_slot', [slot], { x_studio_quantity: 20, x_studio_state: 'full' });
    expect((await h.sync({ entities: ['x_delivery_slots'] })).run.status).toBe('succeeded');
    h.sim.setClock('2026-03-03T16:45:00Z');
    h.sim.write('x_delivery_slot', [slot], { x_studio_state: 'closed' });
    expect((await h.sync({ entities: ['x_delivery_slots'] })).run.status).toBe('succeeded');

    const report = await readHistory(h.db.pool, 'x_delivery_slots', { key: String(slot) });
    expect(report.enabled).toBe(true);
    expect(report.versions.map((v) => [v.validFrom, v.validTo, v.change, v.validFromSource, v.row.x_studio_quantity, v.row.x_studio_state])).toEqual([
      ['2026-03-01T10:00:00.000000Z', '2026-03-02T08:30:00.000000Z', 'insert', 'write_date', 12.5, 'open'],
      ['2026-03-02T08:30:00.000000Z', '2026-03-03T16:45:00.000000Z', 'update', 'write_date', 20, 'full'],
      ['2026-03-03T16:45:00.000000Z', null, 'update', 'write_date', 20, 'closed'],
    ]);
  });

  it('HISTORY=none turns it off, keeping its history table', async () => {
    const result = await migrate('none');
    expect(result.history.disabled).toContain('x_delivery_slots');
    expect(await exists('x_delivery_slots_history')).toBe(true);
    const enabled = await h.db.pool.anyFirst(sql.type(z.object({ table_name: z.string() }))`select table_name from etl.history_table where enabled`);
    expect(enabled).toEqual([]);
  });
});
