// A first full sync of a small dataset (every table smaller than one batch) makes exactly the calls a
// plain sequential read makes (each model's fields_get once, one search_read per source), plus what the
// sync's data needs and a plain read does not ask: the per-run session and checks, and the company-dependent
// values read again in each other company of the user. Expectations written by hand from the entity list
// (src/entities) and the dataset (Odoo 19, scale 1: 4 companies), counted by the simulator.
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

/** Every model a spec reads (product.brand too: not installed, its fields_get answers that). */
const MODELS = [
  'res.company', 'product.category', 'pos.category', 'hr.department', 'hr.job', 'res.partner', 'product.brand',
  'product.template', 'product.product', 'hr.work.location', 'res.users', 'hr.employee', 'crm.team', 'loyalty.program',
  'stock.location', 'stock.warehouse', 'stock.picking.type', 'pos.config', 'purchase.order', 'stock.quant', 'pos.order',
  'sale.order', 'pos.order.line', 'sale.order.line', 'purchase.order.line', 'res.currency', 'res.currency.rate',
  'account.account', 'account.journal', 'account.tax', 'account.move', 'account.move.line',
  'stock.move.line', // fact_stock_moves
];

describe('calls of a first full sync', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('a small dataset: one search_read per source, fields_get once per model, and only the per-run and per-company calls beside', async () => {
    harness = await startHarness({ sim: { version: '19.0', scale: 1, seed: 5 }, settings: { BATCH_SIZE: 2000, FULL_SYNC_CONCURRENCY: 4 } });
    await harness.ctx.session(); // the session is the process's, not the run's
    harness.sim.resetCounts();
    const report = await harness.sync({ full: true });
    expect(report.run.status).toBe('succeeded');

    const expected: Record<string, number> = {};
    // fields_get once per model: the kept answers are empty in a new database; the derived table
    // (dim_promotion_types, loyalty.program's selection) takes the answer its run just asked.
    for (const model of MODELS) expected[`${model}:fields_get`] = 1;
    // One search_read per source, whole in its first answer: no search_count, no newest write_date, no id
    // ranges, no id set after a snapshot (fact_stock, dim_product_costs, dim_account_codes: the answer is it).
    for (const model of MODELS) if (model !== 'product.brand') expected[`${model}:search_read`] = 1;
    // Read by two tables each: dim_products_product and dim_product_costs; fact_warehouse and
    // dim_branches_branch_ref; dim_accounts and dim_account_codes.
    expected['product.product:search_read'] = 2;
    expected['stock.warehouse:search_read'] = 2;
    expected['account.account:search_read'] = 2;
    // The business dates (all_sales, dim_purchases): the companies' partners' timezones, one search_read a run.
    expected['res.partner:search_read'] = 2;
    // dim_taxes.price_include on 18+: the companies' default (res.company.account_price_include), one read a run.
    expected['res.company:read'] = 1;
    // Per run: the fields check (ir.model.fields) and the tables' sizes (ir.model).
    expected['ir.model.fields:search_read'] = 1;
    expected['ir.model:search_read'] = 1;
    // Company-dependent values (product costs, 18+ account codes) read again in the 3 other companies.
    expected['product.product:read'] = 3;
    expected['account.account:read'] = 3;

    expect(harness.sim.callCounts()).toEqual(Object.fromEntries(Object.entries(expected).sort(([a], [b]) => (a < b ? -1 : 1))));
  });
});
