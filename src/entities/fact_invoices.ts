import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// account.move, every move type: customer and vendor invoices and refunds ('out_invoice', 'out_refund',
// 'in_invoice', 'in_refund'), receipts ('out_receipt', 'in_receipt') and plain entries ('entry': payments,
// POS session closings, miscellaneous). Module account; skipped where it is not installed. The same fields
// on 16–19 (recorded fields_get).
//
// Sync: incremental on write_date. A posted move is not deleted but cancelled (state 'cancel') or reversed
// (a new move whose reversed_entry_id points at it; its payment_state becomes 'reversed'): both are writes.
// Draft moves can be deleted: the delete reconcile marks their rows deleted. Amounts are as Odoo stores
// them: amount_* in the document's currency (currency_id), amount_*_signed in the company's currency and
// signed (negative for refunds and vendor bills); fact_currency_rates converts.
// No business date: account.move has no datetime, its dates (invoice_date, date) are already the
// business's calendar dates.
export const factInvoices: EntitySpec = {
  table: 'fact_invoices',
  kind: 'fact',
  sync: 'incremental',
  key: ['odoo_id'],
  optionalModel: true,
  active: false,
  sources: [
    {
      model: 'account.move',
      columns: [
        col('name', 'text'),
        col('move_type', 'text'),
        col('state', 'text'),
        col('payment_state', 'text'),
        ref('partner_id', 'dim_customers'),
        ref('commercial_partner_id', 'dim_customers'),
        col('invoice_date', 'date'),
        col('invoice_date_due', 'date'),
        col('date', 'date'),
        ref('journal_id', 'dim_journals'),
        ref('company_id', 'dim_branches'),
        ref('currency_id', 'dim_currencies'),
        col('amount_untaxed', 'numeric'),
        col('amount_tax', 'numeric'),
        col('amount_total', 'numeric'),
        col('amount_residual', 'numeric'),
        col('amount_untaxed_signed', 'numeric'),
        col('amount_tax_signed', 'numeric'),
        col('amount_total_signed', 'numeric'),
        col('amount_residual_signed', 'numeric'),
        ref('invoice_user_id', 'dim_users'),
        ref('team_id', 'dim_teams'),
        col('invoice_origin', 'text'),
        col('ref', 'text'),
        col('payment_reference', 'text'),
        ref('reversed_entry_id', 'fact_invoices'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
