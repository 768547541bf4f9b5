// dim_taxes.price_include from 18.0: Odoo no longer stores it; it is the tax's price_include_override, else
// its company's account_price_include (account_tax.py _compute_price_include). The column follows both, and
// a company whose default changes makes the next run of dim_taxes a full pass, so the taxes that follow the
// default follow its change. Expected values by hand from the simulator's taxes (dataset/finance.ts: per
// company a sale '15%' and a '15% (purchase)' without override, and company 1's '15% incl.' overridden to
// 'tax_included'; every company's default 'tax_excluded', Odoo's default, as recorded on real 18/19).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

describe.each([
  ['18.0', 'xmlrpc'],
  ['19.0', 'json2'],
] as const)('dim_taxes.price_include on Odoo %s over %s', (version, transport) => {
  let harness: SyncHarness;
  const taxId = (company: number, name: string): number => harness.sim.records('account.tax').find((t) => t.company_id === company && t.name === name)!.id;
  const priceInclude = async (id: number) =>
    harness.db.pool.oneFirst(sql.type(z.object({ p: z.boolean().nullable() }))`select price_include as p from dim_taxes where odoo_id = ${id}`);

  beforeAll(async () => {
    harness = await startHarness({ sim: { version, scale: 1, seed: 3 }, transport });
    const report = await harness.sync({ full: true });
    expect(report.run.status).toBe('succeeded');
  });
  afterAll(async () => {
    await harness.close();
  });

  it("is the tax's override, else its company's default", async () => {
    expect(await priceInclude(taxId(1, '15%'))).toBe(false);
    expect(await priceInclude(taxId(1, '15% (purchase)'))).toBe(false);
    expect(await priceInclude(taxId(1, '15% incl.'))).toBe(true);
    expect(await priceInclude(taxId(2, '15%'))).toBe(false);
    const override = await harness.db.pool.anyFirst(sql.type(z.object({ o: z.string().nullable() }))`
      select price_include_override as o from dim_taxes where odoo_id = any (${sql.array([taxId(1, '15%'), taxId(1, '15% incl.')], 'int4')}) order by odoo_id`);
    expect(override).toEqual([null, 'tax_included']);
  });

  it("follows a change of the company's default (a full pass) and a tax's own override", async () => {
    const { sim } = harness;
    sim.advanceClock(3_600_000);
    sim.write('res.company', [1], { account_price_include: 'tax_included' });
    sim.write('account.tax', [taxId(1, '15% (purchase)')], { price_include_override: 'tax_excluded' });
    const report = await harness.sync({ entities: ['dim_taxes'] });
    expect(report.run.status).toBe('succeeded');
    expect(report.steps.find((s) => s.entity === 'dim_taxes')?.mode).toContain('full');
    expect(await priceInclude(taxId(1, '15%'))).toBe(true); // follows company 1's new default
    expect(await priceInclude(taxId(1, '15% (purchase)'))).toBe(false); // its own override
    expect(await priceInclude(taxId(1, '15% incl.'))).toBe(true);
    expect(await priceInclude(taxId(2, '15%'))).toBe(false); // company 2 kept 'tax_excluded'

    // nothing changed since: an incremental run; and the companies' defaults come with the timezones of the
    // business dates (all_sales, dim_purchases) in one res.company read for the whole run
    sim.advanceClock(3_600_000);
    sim.resetCounts();
    const again = await harness.sync();
    expect(again.run.status).toBe('succeeded');
    expect(again.steps.find((s) => s.entity === 'dim_taxes')?.mode).toBe('incremental');
    expect(sim.callCounts()['res.company:read']).toBe(1);
  });
});
