import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const dimStockPickingType: EntitySpec = {
  table: 'dim_stock_picking_type',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'stock.picking.type',
      columns: [
        col('name', 'text'),
        col('code', 'text'),
        col('sequence_code', 'text'),
        ref('warehouse_id', 'fact_warehouse'),
        ref('company_id', 'dim_branches'),
        ref('default_location_src_id', 'fact_stock_locations'),
        ref('default_location_dest_id', 'fact_stock_locations'),
        ref('return_picking_type_id', 'dim_stock_picking_type'),
        col('sequence', 'integer'),
        col('barcode', 'text'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
