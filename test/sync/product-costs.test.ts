// dim_product_costs reads what write_date says changed, per company, and repairs at the reconcile's cadence
// what changed behind the ORM (an ir.property edited directly on 16/17): the reconcile makes the next run
// read the whole snapshot, as `sync --full` does.
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { reconcileDeletions } from '../../src/sync/reconcile.ts';
import { compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

async function costOf(harness: SyncHarness, product: number, company: number): Promise<number | null> {
  const value = await harness.db.pool.maybeOneFirst(sql.type(z.object({ standard_price: z.string().nullable() }))`
    select standard_price::text from dim_product_costs where product_id = ${product} and company_id = ${company} and deleted_at is null`);
  return value === null ? null : Number(value);
}

describe('dim_product_costs', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it.each(['16.0', '19.0'] as const)('%s: a cost written through the ORM reaches the table on the next incremental run, reading only that variant', async (version) => {
    harness = await startHarness({ sim: { version, scale: 1, seed: 7 }, settings: { LOOKBACK: 1000 } });
    const { sim } = harness;
    const first = await harness.sync();
    expect(first.steps.find((s) => s.entity === 'dim_product_costs')?.mode).toBe('snapshot'); // no watermark yet: the whole snapshot

    sim.advanceClock(3_600_000);
    const companies = sim.records('res.company').map((c) => c.id);
    const other = companies[companies.length - 1]!;
    const product = sim.records('product.product')[0]!.id;
    sim.write('product.product', [product], { standard_price: 41.5 }, { company: other });
    const report = await harness.sync();
    expect(report.run.status).toBe('succeeded');
    const step = report.steps.find((s) => s.entity === 'dim_product_costs')!;
    expect(step.mode).toBe('incremental');
    expect(step.read).toBe(1);
    expect(step.calls).toBe(companies.length); // the write_date read, then one read for each other company
    expect(await costOf(harness, product, other)).toBe(41.5);
    expect(await compareWithSimulator(harness, ['dim_product_costs'])).toEqual([]);
  });

  it('16.0: a cost edited behind the ORM (ir.property) and a variant deleted are repaired by the run after the reconcile', async () => {
    harness = await startHarness({ sim: { version: '16.0', scale: 1, seed: 7 }, settings: { LOOKBACK: 1000 } });
    const { sim } = harness;
    const template = sim.create('product.template', { name: 'Short-Lived Variant' });
    const doomed = sim.create('product.product', { product_tmpl_id: template, standard_price: 2.0 });
    await harness.sync();
    expect(await costOf(harness, doomed, sim.records('res.company')[0]!.id)).toBe(2);

    sim.advanceClock(3_600_000);
    const companies = sim.records('res.company').map((c) => c.id);
    const other = companies[companies.length - 1]!;
    const product = sim.records('product.product')[0]!.id;
    const before = await costOf(harness, product, other);
    sim.setProperty('product.product', product, 'standard_price', other, 77.25);
    sim.unlink('product.product', [doomed]);

    // write_date did not move: a normal run cannot see either change (the documented limit).
    const blind = await harness.sync();
    expect(blind.steps.find((s) => s.entity === 'dim_product_costs')).toMatchObject({ mode: 'incremental', read: 0 });
    expect(await costOf(harness, product, other)).toBe(before);

    const reconciled = await reconcileDeletions(harness.ctx, { entities: ['dim_product_costs'] });
    expect(reconciled).toEqual([expect.objectContaining({ entity: 'dim_product_costs', status: 'deferred' })]);
    const repair = await harness.sync();
    expect(repair.run.status).toBe('succeeded');
    expect(repair.steps.find((s) => s.entity === 'dim_product_costs')?.mode).toBe('snapshot');
    expect(await costOf(harness, product, other)).toBe(77.25);
    expect(await costOf(harness, doomed, companies[0]!)).toBeNull(); // marked deleted
    expect(await compareWithSimulator(harness, ['dim_product_costs'])).toEqual([]);

    // The snapshot pass left a watermark: the run after it is incremental again and reads nothing.
    const after = await harness.sync();
    expect(after.steps.find((s) => s.entity === 'dim_product_costs')).toMatchObject({ mode: 'incremental', read: 0 });
  });
});
