import { businessDate, col, ref } from './columns.ts';
import type { ComputedColumn, EntitySpec, RecordValues } from './types.ts';

// stock.move.line, done lines only: the movements Odoo keeps, which give stock on days before the warehouse
// synced (fact_stock_daily, sql/functions/stock_daily.sql). Which field feeds which column (recorded
// fields_get of 16–19):
// - quantity, in the PRODUCT's unit: 17+ `quantity_product_uom` (stored, Odoo's own conversion of the line's
//   quantity to the product's unit); 16 has no such field on the line (its done quantity is `qty_done`, in
//   the line's unit `product_uom_id`; the conversion lives on the move, `product_qty` / `product_uom_qty`,
//   which is not read), so on 16 quantity is `qty_done`: right whenever the line's unit is the product's
//   (Odoo's default; compare uom_id with the product's unit to find the others);
// - quantity_uom, in the line's unit uom_id: 16 `qty_done`, 17+ `quantity` (`picked` is true on done lines);
// - reference: `reference` (stored on 16–18, a non-stored related field of the move on 19: still readable);
// - picking_type_id: `picking_type_id`, not stored on any version (the picking's type; false without one,
//   e.g. an inventory adjustment);
// - lot_name: the lot's name (the display name of `lot_id`), else the line's `lot_name` (the name typed for
//   a lot created at reception); lots are not mirrored, so lot_id is a plain integer.
// Sync: incremental on write_date; a done line is not edited or deleted by Odoo's own flows (it refuses to
// unlink done lines), deletions by other means go through the delete reconcile like the other tables.

const lotName: ComputedColumn = {
  column: 'lot_name',
  type: 'text',
  required: true,
  fields: ['lot_id', 'lot_name'],
  compute: (values: RecordValues, _series, _companies, names) => {
    const named = names.lot_id;
    if (typeof named === 'string' && named !== '') return named;
    return typeof values.lot_name === 'string' && values.lot_name !== '' ? values.lot_name : null;
  },
};

export const factStockMoves: EntitySpec = {
  table: 'fact_stock_moves',
  kind: 'fact',
  sync: 'incremental',
  key: ['odoo_id'],
  active: false,
  sources: [
    {
      model: 'stock.move.line',
      domain: [['state', '=', 'done']],
      columns: [
        ref('product_id', 'dim_products_product'),
        col('lot_id', 'integer'),
        lotName,
        ref('location_id', 'fact_stock_locations'),
        ref('location_dest_id', 'fact_stock_locations'),
        col('quantity', 'numeric', { field: { '16.0': 'qty_done', '17.0': 'quantity_product_uom' } }),
        col('quantity_uom', 'numeric', { field: { '16.0': 'qty_done', '17.0': 'quantity' } }),
        col('uom_id', 'integer', { field: 'product_uom_id' }),
        col('date', 'timestamptz'),
        businessDate('business_date', 'date'),
        col('reference', 'text'),
        ref('picking_type_id', 'dim_stock_picking_type'),
        col('picking_id', 'integer'),
        col('move_id', 'integer'),
        ref('company_id', 'dim_branches'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
