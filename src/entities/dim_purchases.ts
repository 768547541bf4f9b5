import { businessDate, col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// business_date is date_order's calendar day in the company's timezone (src/entities/business-date.ts):
// the order's date (Odoo labels it "Order Deadline"), as all_sales has it for sales and POS orders.

export const dimPurchases: EntitySpec = {
  table: 'dim_purchases',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: false,
  sources: [
    {
      model: 'purchase.order',
      columns: [
        col('name', 'text'),
        ref('partner_id', 'dim_customers'),
        col('partner_ref', 'text'),
        col('state', 'text'),
        col('date_order', 'timestamptz'),
        businessDate('business_date', 'date_order'),
        col('date_approve', 'timestamptz'),
        col('date_planned', 'timestamptz'),
        col('effective_date', 'timestamptz'),
        col('amount_untaxed', 'numeric'),
        col('amount_tax', 'numeric'),
        col('amount_total', 'numeric'),
        col('currency_id', 'integer'),
        ref('company_id', 'dim_branches'),
        ref('user_id', 'dim_users'),
        ref('picking_type_id', 'dim_stock_picking_type'),
        col('invoice_status', 'text'),
        col('receipt_status', 'text'),
        col('origin', 'text'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
