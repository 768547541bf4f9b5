import { col, readCompany, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// The per-company truth of a product's cost: one row per variant and company of the API user, each read in
// that company's context (dim_products_product.standard_price is one company's view of it).
//
// Incremental per company on write_date in normal runs, with its full snapshot at the reconcile's cadence.
// What Odoo's source shows (odoo/models.py, BaseModel.write, 16.0 to 19.0): write() puts write_date (and
// write_uid) into the values before it splits them into stored and non-stored fields, so ANY write() of
// standard_price stamps product.product's write_date — on 16/17 too, where the value itself goes to an
// ir.property row through the field's inverse, and on 18/19 where it is a jsonb column. stock_account's
// cost updates (AVCO/FIFO valuation, "Update cost") go through write() as well: a normal run reads the
// variants written since the watermark, once per company. What moves no write_date: on 16/17 an
// ir.property written directly (Settings › Technical › Company Properties, an import of ir.property, the
// company-wide default property with no res_id); on 18/19 the ir.default fallback that a company without a
// value of its own reads. Those edits are repaired the way deletions are: the scheduled reconcile (and
// `sync --full`) makes the next run read the whole snapshot (snapshotWhenFull: every variant for every
// company, rows of variants gone marked deleted). Until then such an edit is not in the table.
export const dimProductCosts: EntitySpec = {
  table: 'dim_product_costs',
  kind: 'dimension',
  sync: 'incremental',
  snapshotWhenFull: true,
  key: ['product_id', 'company_id'],
  active: false,
  sources: [
    {
      model: 'product.product',
      perCompany: true,
      columns: [
        ref('product_id', 'dim_products_product', { field: 'id' }),
        readCompany('company_id'),
        col('standard_price', 'numeric'),
        // stock_account's related fields (the category's company-dependent properties); NULL without it
        col('cost_method', 'text', { required: false }),
        col('valuation', 'text', { required: false }),
      ],
    },
  ],
};
