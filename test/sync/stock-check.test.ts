import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const LOOKBACK_MS = 60_000;

/** fact_stock read by the stock check (src/sync/stock-check.ts): only what changed, and still exact. */
describe('fact_stock stock check', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  for (const version of ['16.0', '19.0'] as const) {
    it(`${version}: a run after raw-SQL changes, a merge, deletions, a new quant and quants moved between companies equals Odoo, reading only the changed locations`, async () => {
      // 16.0 reads in batches of 20: the delta spans several batches (its plan rides in the cursor).
      harness = await startHarness({ sim: { version, scale: 1, seed: 9 }, settings: { LOOKBACK: LOOKBACK_MS, ...(version === '16.0' ? { BATCH_SIZE: 20 } : {}) } });
      const { sim, db } = harness;
      expect((await harness.sync({ full: true })).run.status).toBe('succeeded');
      sim.advanceClock(LOOKBACK_MS + 5_000);

      // Nothing changed: no quant is read.
      const idle = await harness.sync({ entities: ['fact_stock'] });
      const idleStep = idle.steps.find((s) => s.entity === 'fact_stock')!;
      expect(idleStep).toMatchObject({ status: 'succeeded', read: 0, deleted: 0 });
      expect(idleStep.calls).toBe(1); // one grouped call: the aggregates and newest write_date of every (location, company)

      const quants = sim.records('stock.quant');
      const locationOf = (id: number) => quants.find((q) => q.id === id)!.location_id as number;
      const byLocation = new Map<number, typeof quants>();
      for (const q of quants) byLocation.set(q.location_id as number, [...(byLocation.get(q.location_id as number) ?? []), q]);
      const crowded = [...byLocation.values()].filter((qs) => qs.length >= 4);
      expect(crowded.length).toBeGreaterThanOrEqual(4);
      const [a, b, c, d] = crowded;
      // Raw SQL: one quant's quantity (write_date untouched).
      const changed = a![0]!;
      sim.setQuantQuantity(changed.id, Number(changed.quantity) + 7);
      // _merge_quants: two quants of one location become one, the other deleted by raw SQL.
      const merged = b!.slice(0, 2).map((q) => q.id);
      const kept = sim.mergeQuants(merged);
      // A quant deleted (e.g. _unlink_zero_quants), in a location where a new quant of the same quantity is
      // created: count and sums of the location are unchanged, yet the table must follow.
      const deleted = c![0]!;
      sim.unlink('stock.quant', [deleted.id]);
      const created = sim.create('stock.quant', {
        product_id: deleted.product_id, location_id: deleted.location_id, company_id: deleted.company_id,
        quantity: deleted.quantity, reserved_quantity: deleted.reserved_quantity, inventory_quantity: 0,
      });
      // Moved between companies: a quant rewritten into another company's location (ORM), and stock leaving
      // one company by raw SQL while a quant appears in the other company (an inter-company transfer).
      const otherCompany = quants.find((q) => q.company_id !== d![0]!.company_id)!;
      const moved = d![0]!;
      sim.write('stock.quant', [moved.id], { location_id: otherCompany.location_id, company_id: otherCompany.company_id });
      const leaving = d![1]!;
      sim.setQuantQuantity(leaving.id, 0);
      const arrived = sim.create('stock.quant', {
        product_id: leaving.product_id, location_id: otherCompany.location_id, company_id: otherCompany.company_id,
        quantity: leaving.quantity, reserved_quantity: 0, inventory_quantity: 0,
      });
      expect((await compareWithSimulator(harness, ['fact_stock'])).length).toBeGreaterThan(0);

      const report = await harness.sync({ entities: ['fact_stock'] });
      expect(report.run.status).toBe('succeeded');
      expect(await compareWithSimulator(harness, ['fact_stock'])).toEqual([]);

      // Read: the quants written since the watermark plus every quant of the locations that disagreed
      // (the changed quant's, the merge's, the deleted quant's — its new neighbour is left out of the
      // comparison on both sides — and the emptied one's, which the rewritten quant left), no others.
      const now = sim.records('stock.quant');
      const reread = new Set([locationOf(changed.id), locationOf(kept), deleted.location_id as number, locationOf(leaving.id)]);
      const expected = new Set([...now.filter((q) => reread.has(q.location_id as number)).map((q) => q.id), created, arrived, moved.id]);
      const step = report.steps.find((s) => s.entity === 'fact_stock')!;
      expect(step.read).toBe(expected.size);
      expect(step.read).toBeLessThan(now.length / 2);

      const gone = await db.pool.anyFirst(sql.type(z.object({ odoo_id: z.number() }))`
        select odoo_id from fact_stock where deleted_at is not null order by odoo_id`);
      expect(gone).toEqual([deleted.id, ...merged.filter((id) => id !== kept)].sort((x, y) => x - y));
      const row = await db.pool.one(sql.type(z.object({ location_id: z.number(), company_id: z.number() }))`
        select location_id, company_id from fact_stock where odoo_id = ${moved.id}`);
      expect(row).toEqual({ location_id: otherCompany.location_id, company_id: otherCompany.company_id });
    });
  }

  it('reads the full snapshot when the check is unavailable, and stays exact', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 5 }, settings: { LOOKBACK: LOOKBACK_MS } });
    const { sim } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');
    sim.advanceClock(LOOKBACK_MS + 5_000);
    sim.injectFault({ kind: 'accessDenied', model: 'stock.quant', method: 'read_group' });
    const quant = sim.records('stock.quant')[3]!;
    sim.setQuantQuantity(quant.id, 999);
    const report = await harness.sync({ entities: ['fact_stock'] });
    expect(report.run.status).toBe('succeeded');
    const step = report.steps.find((s) => s.entity === 'fact_stock')!;
    expect(step.read).toBe(sim.records('stock.quant').length);
    expect(await compareWithSimulator(harness, ['fact_stock'])).toEqual([]);
  });
});
