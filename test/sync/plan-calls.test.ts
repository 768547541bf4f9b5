// A full pass of a source too small to be split into id ranges costs what a plain read costs: no
// search_count, no newest write_date, no id-range searches; the table sizes come from ONE call per run
// (ir.model's count). A large source asks only its lowest and highest id. Calls are counted by the simulator.
import { afterEach, describe, expect, it } from 'vitest';
import { entities } from '../../src/entities/index.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

describe('planning calls of a full sync', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('small tables: one search_read per source and no planning question; a large one: its lowest and highest id', async () => {
    // BATCH_SIZE 100, FULL_SYNC_CONCURRENCY 2: a source splits into ranges from 400 records on (its table's size).
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 5 }, settings: { BATCH_SIZE: 100, FULL_SYNC_CONCURRENCY: 2 } });
    const sizes = new Map(harness.sim.models().map((m) => [m, harness!.sim.records(m).length]));
    const large = [...new Set(entities.flatMap((e) => e.sources.map((s) => s.model)))].filter((m) => (sizes.get(m) ?? 0) >= 400);
    harness.sim.resetCounts();
    const report = await harness.sync({ full: true });
    expect(report.run.status).toBe('succeeded');
    const counts = harness.sim.callCounts();

    expect(counts['ir.model:search_read']).toBe(1);
    // No search_count at all: the sizes are ir.model's; a large source asks its lowest and highest id only.
    expect(Object.keys(counts).filter((k) => k.endsWith(':search_count'))).toEqual([]);
    expect(large.length).toBeGreaterThan(0);
    for (const model of large) expect(counts[`${model}:search`], model).toBe(2);
    // A small source is asked nothing but its records: no search beside the reads but the two snapshots' id
    // sets at their end (fact_stock's stock.quant, dim_product_costs' product.product, dim_account_codes'
    // account.account), which mark vanished records deleted.
    const searched = Object.keys(counts).filter((k) => k.endsWith(':search')).map((k) => k.split(':')[0]!).filter((m) => !large.includes(m));
    expect(searched).toEqual(['account.account', 'product.product', 'stock.quant']);
    expect(counts['account.account:search']).toBe(1);
    expect(counts['stock.quant:search']).toBe(1);
    expect(counts['product.product:search']).toBe(1);
    // Each small model's records in as many search_read as a plain read makes (one per source and batch of 100).
    expect(counts['res.partner:search_read']).toBe(1);
    expect(counts['hr.employee:search_read']).toBe(1);
  });
});
