import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// Variants: the variant → template mapping, codes and barcode (facts point at variants).
export const dimProductsProduct: EntitySpec = {
  table: 'dim_products_product',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'product.product',
      columns: [
        ref('product_tmpl_id', 'dim_products'),
        col('default_code', 'text'),
        col('barcode', 'text'),
        // company-dependent: the variant's company's cost, or the user's main company's for shared variants
        col('standard_price', 'numeric', { companyDependent: 'record' }),
        col('weight', 'numeric'),
        col('volume', 'numeric'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
