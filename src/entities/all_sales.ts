import { businessDate, col, constant, ref } from './columns.ts';
import type { ComputedColumn, EntitySpec, RecordValues } from './types.ts';

// POS orders and sales orders in one shape, told apart by `source` ('pos' | 'sale'). business_date is
// date_order's calendar day in the company's timezone (src/entities/business-date.ts).

/** pos.order has no untaxed total: total minus tax (rounded off float noise, amounts have ≤ 6 decimals). */
export function posAmountUntaxed(values: RecordValues): number | null {
  const total = values.amount_total;
  const tax = values.amount_tax;
  if (typeof total !== 'number' || typeof tax !== 'number') return null;
  return Math.round((total - tax) * 1e6) / 1e6;
}

const posUntaxed: ComputedColumn = {
  column: 'amount_untaxed',
  type: 'numeric',
  required: true,
  fields: ['amount_total', 'amount_tax'],
  compute: posAmountUntaxed,
};

export const allSales: EntitySpec = {
  table: 'all_sales',
  kind: 'fact',
  sync: 'incremental',
  key: ['source', 'odoo_id'],
  sourceColumn: 'source',
  active: false,
  sources: [
    {
      model: 'pos.order',
      source: 'pos',
      columns: [
        constant('source', 'pos'),
        col('name', 'text'),
        col('state', 'text'),
        col('date_order', 'timestamptz'),
        businessDate('business_date', 'date_order'),
        ref('partner_id', 'dim_customers'),
        ref('company_id', 'dim_branches'),
        ref('user_id', 'dim_users'),
        ref('team_id', 'dim_teams', { field: 'crm_team_id' }),
        // the POS shop: a pos.config row of dim_branches_branch_ref
        ref('config_id', 'dim_branches_branch_ref'),
        col('session_id', 'integer'),
        ref('employee_id', 'dim_emps'),
        col('pricelist_id', 'integer'),
        posUntaxed,
        col('amount_tax', 'numeric'),
        col('amount_total', 'numeric'),
        col('amount_paid', 'numeric'),
        col('currency_rate', 'numeric'),
        col('pos_reference', 'text'),
        col('create_date', 'timestamptz'),
      ],
    },
    {
      model: 'sale.order',
      source: 'sale',
      columns: [
        constant('source', 'sale'),
        col('name', 'text'),
        col('state', 'text'),
        col('date_order', 'timestamptz'),
        businessDate('business_date', 'date_order'),
        ref('partner_id', 'dim_customers'),
        ref('company_id', 'dim_branches'),
        ref('user_id', 'dim_users'),
        ref('team_id', 'dim_teams'),
        ref('warehouse_id', 'fact_warehouse'),
        col('pricelist_id', 'integer'),
        col('amount_untaxed', 'numeric'),
        col('amount_tax', 'numeric'),
        col('amount_total', 'numeric'),
        col('currency_rate', 'numeric'),
        col('client_order_ref', 'text'),
        col('invoice_status', 'text'),
        col('origin', 'text'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
