import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const factPurchases: EntitySpec = {
  table: 'fact_purchases',
  kind: 'fact',
  sync: 'incremental',
  key: ['odoo_id'],
  active: false,
  sources: [
    {
      model: 'purchase.order.line',
      columns: [
        ref('order_id', 'dim_purchases'),
        ref('product_id', 'dim_products_product'),
        col('name', 'text'),
        col('product_qty', 'numeric'),
        col('qty_received', 'numeric'),
        col('qty_invoiced', 'numeric'),
        col('price_unit', 'numeric'),
        col('discount', 'numeric', { field: { '16.0': null, '17.0': 'discount' } }),
        col('price_subtotal', 'numeric'),
        col('price_tax', 'numeric'),
        col('price_total', 'numeric'),
        col('date_planned', 'timestamptz'),
        ref('partner_id', 'dim_customers'),
        ref('company_id', 'dim_branches'),
        col('currency_id', 'integer'),
        col('state', 'text'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
