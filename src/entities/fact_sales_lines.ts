import { col, constant, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// POS order lines and sales order lines in one shape; (source, order_id) points at all_sales.
export const factSalesLines: EntitySpec = {
  table: 'fact_sales_lines',
  kind: 'fact',
  sync: 'incremental',
  key: ['source', 'odoo_id'],
  sourceColumn: 'source',
  active: false,
  sources: [
    {
      model: 'pos.order.line',
      source: 'pos',
      columns: [
        constant('source', 'pos'),
        ref('order_id', 'all_sales'),
        ref('product_id', 'dim_products_product'),
        // pos.order.line's `name` is a line reference; the product label is full_product_name
        col('name', 'text', { field: 'full_product_name' }),
        col('qty', 'numeric'),
        col('price_unit', 'numeric'),
        col('discount', 'numeric'),
        col('price_subtotal', 'numeric'),
        col('price_total', 'numeric', { field: 'price_subtotal_incl' }),
        col('qty_delivered', 'numeric', { field: { '16.0': null, '18.0': 'qty_delivered' } }),
        col('total_cost', 'numeric'),
        ref('company_id', 'dim_branches'),
        col('is_reward_line', 'boolean'),
        col('create_date', 'timestamptz'),
      ],
    },
    {
      model: 'sale.order.line',
      source: 'sale',
      columns: [
        constant('source', 'sale'),
        ref('order_id', 'all_sales'),
        ref('product_id', 'dim_products_product'),
        col('name', 'text'),
        col('qty', 'numeric', { field: 'product_uom_qty' }),
        col('price_unit', 'numeric'),
        col('discount', 'numeric'),
        col('price_subtotal', 'numeric'),
        col('price_total', 'numeric'),
        col('qty_delivered', 'numeric'),
        col('qty_invoiced', 'numeric'),
        ref('company_id', 'dim_branches'),
        ref('salesman_id', 'dim_users'),
        col('state', 'text'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
