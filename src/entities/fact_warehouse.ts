import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const factWarehouse: EntitySpec = {
  table: 'fact_warehouse',
  kind: 'fact',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'stock.warehouse',
      columns: [
        col('name', 'text'),
        col('code', 'text'),
        ref('company_id', 'dim_branches'),
        ref('partner_id', 'dim_customers'),
        ref('lot_stock_id', 'fact_stock_locations'),
        ref('view_location_id', 'fact_stock_locations'),
        col('reception_steps', 'text'),
        col('delivery_steps', 'text'),
        col('sequence', 'integer'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
