import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const factStockLocations: EntitySpec = {
  table: 'fact_stock_locations',
  kind: 'fact',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'stock.location',
      columns: [
        col('name', 'text'),
        col('complete_name', 'text'),
        ref('location_id', 'fact_stock_locations'),
        col('usage', 'text'),
        ref('company_id', 'dim_branches'),
        // warehouse → its stock locations → warehouse
        ref('warehouse_id', 'fact_warehouse', { cyclic: true }),
        col('barcode', 'text'),
        col('scrap_location', 'boolean', { field: { '16.0': 'scrap_location', '19.0': null } }),
        col('replenish_location', 'boolean'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
