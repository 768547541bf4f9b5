import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// product.brand comes from the OCA product_brand module, absent from core Odoo: skipped where missing.
export const dimBrands: EntitySpec = {
  table: 'dim_brands',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  optionalModel: true,
  active: false,
  sources: [
    {
      model: 'product.brand',
      columns: [
        col('name', 'text'),
        ref('partner_id', 'dim_customers', { required: false }),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
