// A full pass costs what a plain read costs: no search_count, no newest write_date, no id-range searches (a
// large source's ranges are cut from its table's size, asked of ir.model in ONE call per run), and a range
// that ends on its last id asks nothing more. Calls are counted by the simulator.
import { sql } from 'slonik';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

describe('planning calls of a full sync', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('no planning question: ranges from ir.model sizes, each range as many reads as its share of a plain read', async () => {
    // BATCH_SIZE 30, FULL_SYNC_CONCURRENCY 2: a source splits into 2 ranges from 2 × 10 batches = 600 records
    // on (RANGE_MIN_BATCHES). Scale 1, seed 5 (Odoo 17): account.move.line has 1239 records and pos.order.line
    // 604 (ranged), sale.order.line 400 (not).
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 5 }, settings: { BATCH_SIZE: 30, FULL_SYNC_CONCURRENCY: 2 } });
    harness.sim.resetCounts();
    const report = await harness.sync({ full: true });
    expect(report.run.status).toBe('succeeded');
    const counts = harness.sim.callCounts();

    expect(counts['ir.model:search_read']).toBe(1);
    // No search_count and no search at all: the sizes are ir.model's, and every snapshot (stock.quant,
    // product.product for dim_product_costs, account.account for dim_account_codes) was read whole by one
    // job, whose answers are the id set that marks vanished records deleted.
    expect(Object.keys(counts).filter((k) => k.endsWith(':search_count') || k.endsWith(':search'))).toEqual([]);
    const parts = await harness.db.pool.any(sql.type(z.object({ entity: z.string(), keys: z.array(z.string()) }))`
      select entity, array(select p->>'key' from jsonb_array_elements(plan->'parts') p) as keys
        from etl.run_entity where run_id = ${report.run.id} and entity in ('fact_journal_items', 'fact_sales_lines') order by entity`);
    expect(parts).toEqual([
      { entity: 'fact_journal_items', keys: ['#1', '#2'] },
      { entity: 'fact_sales_lines', keys: ['pos#1', 'pos#2', 'sale'] },
    ]);
    // Ranges 11 and 21 batches wide (330 and 630 ids; ids are dense): the first range's last batch ends on
    // its last id, so the two ranges read in as many calls as one walk: 604 lines = 20 batches of 30 and
    // one of 4; 1239 journal items = 41 batches and one of 9.
    expect(counts['pos.order.line:search_read']).toBe(21);
    expect(counts['account.move.line:search_read']).toBe(42);
    expect(counts['sale.order.line:search_read']).toBe(14); // 400 = 13 × 30 + 10
    // A small model: as many search_read as a plain read (58 partners: 30 + 28), and res.partner's one more
    // for the companies' timezones.
    expect(counts['hr.employee:search_read']).toBe(1);
    expect(counts['res.partner:search_read']).toBe(3);
  });
});
