import { col, readCompany, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// The per-company truth of a product's cost: one row per variant and company of the API user, each read in
// that company's context (dim_products_product.standard_price is one company's view of it).
//
// Snapshot, on every version: a company's cost can change without the variant's write_date moving. On
// 16/17 the values are ir.property rows (product.product's standard_price is not stored): an
// ir.property written directly (Settings › Technical › Company Properties, an import, the company-wide
// default property with no res_id) leaves product.product untouched. On 18/19 they are a jsonb column of
// product_product and a write() stamps write_date, but a company without a value of its own reads the
// ir.default fallback, which changes no row either. So every run reads every variant for every company and
// the table equals Odoo's current costs (rows of variants gone are marked deleted).
export const dimProductCosts: EntitySpec = {
  table: 'dim_product_costs',
  kind: 'dimension',
  sync: 'snapshot',
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
