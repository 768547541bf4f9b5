// Company-dependent columns as the user sees them in Odoo: a shared product's cost is the user's main
// company's (even when Odoo lists another company first in company_ids), a company-owned product's is its
// own company's, and dim_product_costs holds every company's, kept current by every run (an ir.property
// edited directly on 16/17, which leaves write_date alone: by the run after the reconcile).
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { reconcileDeletions } from '../../src/sync/reconcile.ts';
import { compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const MAIN = 2; // the admin's main company here; company 1 is still first in its company_ids
const SECOND = 1;
const OWNER = 3;

async function cost(harness: SyncHarness, table: 'dim_products_product' | 'dim_products', id: number): Promise<number | null> {
  const value = await harness.db.pool.oneFirst(sql.type(z.object({ standard_price: z.string().nullable() }))`
    select standard_price::text from ${sql.identifier([table])} where odoo_id = ${id}`);
  return value === null ? null : Number(value);
}

async function costs(harness: SyncHarness, product: number): Promise<Record<number, number>> {
  const rows = await harness.db.pool.any(sql.type(z.object({ company_id: z.number(), standard_price: z.string().nullable() }))`
    select company_id, standard_price::text from dim_product_costs where product_id = ${product} and deleted_at is null`);
  return Object.fromEntries(rows.map((r) => [r.company_id, Number(r.standard_price)]));
}

describe.each(['16.0', '19.0'] as const)('company-dependent columns on Odoo %s', (version) => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('shows the main company\'s cost for shared products, the owner\'s for company products, every company\'s in dim_product_costs', async () => {
    harness = await startHarness({ sim: { version, scale: 1, seed: 5 } });
    const { sim } = harness;
    sim.setUserCompany('admin', MAIN);
    const companies = sim.records('res.company').map((c) => c.id);
    expect(companies[0]).toBe(SECOND); // Odoo's order: the main company is not first

    const sharedTemplate = sim.create('product.template', { name: 'Shared Cost Item', company_id: false });
    const shared = sim.create('product.product', { product_tmpl_id: sharedTemplate, standard_price: 8.0 }, { company: MAIN });
    sim.write('product.product', [shared], { standard_price: 5.0 }, { company: SECOND });
    const ownedTemplate = sim.create('product.template', { name: 'Branch Cost Item', company_id: OWNER });
    const owned = sim.create('product.product', { product_tmpl_id: ownedTemplate, standard_price: 8.0 }, { company: MAIN });
    sim.write('product.product', [owned], { standard_price: 3.5 }, { company: OWNER });

    expect((await harness.sync()).run.status).toBe('succeeded');
    expect(await cost(harness, 'dim_products_product', shared)).toBe(8);
    expect(await cost(harness, 'dim_products', sharedTemplate)).toBe(8);
    expect(await cost(harness, 'dim_products_product', owned)).toBe(3.5);
    expect(await cost(harness, 'dim_products', ownedTemplate)).toBe(3.5);
    expect(await costs(harness, shared)).toEqual(Object.fromEntries(companies.map((c) => [c, c === MAIN ? 8 : c === SECOND ? 5 : 0])));
    expect((await costs(harness, owned))[OWNER]).toBe(3.5);
    expect(await compareWithSimulator(harness)).toEqual([]);

    // The second company's cost changes: on 16 as an ir.property write (the variant's write_date stays), on
    // 19 through write() in that company.
    sim.advanceClock(3_600_000);
    if (version === '16.0') {
      await harness.sync(); // the watermark moves past the products' creation: no LOOKBACK re-read hides the limit
      sim.setProperty('product.product', shared, 'standard_price', SECOND, 6.25);
      expect((await harness.sync()).run.status).toBe('succeeded');
      expect((await costs(harness, shared))[SECOND]).toBe(5); // a normal run cannot see it
      await reconcileDeletions(harness.ctx, { entities: ['dim_product_costs'] }); // the next run reads the whole snapshot
    } else {
      sim.write('product.product', [shared], { standard_price: 6.25 }, { company: SECOND });
    }
    const report = await harness.sync();
    expect(report.run.status).toBe('succeeded');
    expect(report.steps.find((s) => s.entity === 'dim_products_product')?.mode).toBe('incremental');
    expect((await costs(harness, shared))[SECOND]).toBe(6.25);
    expect(await cost(harness, 'dim_products_product', shared)).toBe(8);
    expect(await compareWithSimulator(harness)).toEqual([]);
  });
});
