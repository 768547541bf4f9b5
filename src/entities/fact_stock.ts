import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// Snapshot: Odoo merges and deletes quants with raw SQL that leaves write_date alone, so every run makes
// the table equal to the current quants (etl.upsert + etl.mark_deleted_except).
export const factStock: EntitySpec = {
  table: 'fact_stock',
  kind: 'fact',
  sync: 'snapshot',
  key: ['odoo_id'],
  active: false,
  sources: [
    {
      model: 'stock.quant',
      columns: [
        ref('product_id', 'dim_products_product'),
        ref('location_id', 'fact_stock_locations'),
        ref('company_id', 'dim_branches'),
        col('lot_id', 'integer'),
        col('package_id', 'integer'),
        ref('owner_id', 'dim_customers'),
        col('quantity', 'numeric'),
        col('reserved_quantity', 'numeric'),
        col('inventory_quantity', 'numeric'),
        col('in_date', 'timestamptz'),
        col('inventory_date', 'date'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
