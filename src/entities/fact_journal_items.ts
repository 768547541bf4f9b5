import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// account.move.line, the journal items of every move (module account; skipped where it is not installed).
// The same fields on 16–19 (recorded fields_get). `sale_line_ids` (module sale) is the sale order lines a
// line invoices: join `fact_sales_lines` on source = 'sale' and odoo_id = any(sale_line_ids) (an array, so
// no foreign key). `analytic_distribution` is Odoo's json as it is ({"<analytic account id>": percent}).
//
// Sync: incremental on write_date. A line changes without being written itself when its move is posted
// (parent_state, a stored related field) or when it is reconciled or its residual moves (amount_residual,
// amount_residual_currency, reconciled, matching_number: stored computed fields, recomputed because another
// record — a partial or full reconcile, a payment — was written). What Odoo's source shows (odoo/models.py,
// 16.0 to 19.0): stored computed fields are recomputed in the ORM and flushed through the low-level write
// (`_write` on 16, `_write_multi` from 17), which sets write_uid and write_date itself — its comment reads
// "set magic fields (already done by write(), but not for computed fields)". So every such recompute
// stamps the line's write_date and an incremental run reads it; core `account` changes those fields through
// the ORM only. What escapes write_date is raw SQL from elsewhere (a third-party module, a manual fix in the
// database): `sync --full --entity fact_journal_items` repairs it. Deleted lines (of deleted draft moves,
// or lines replaced while a draft is edited) are marked deleted by the delete reconcile.
export const factJournalItems: EntitySpec = {
  table: 'fact_journal_items',
  kind: 'fact',
  sync: 'incremental',
  key: ['odoo_id'],
  optionalModel: true,
  active: false,
  sources: [
    {
      model: 'account.move.line',
      columns: [
        ref('move_id', 'fact_invoices'),
        ref('account_id', 'dim_accounts'),
        ref('partner_id', 'dim_customers'),
        ref('product_id', 'dim_products_product'),
        ref('journal_id', 'dim_journals'),
        ref('company_id', 'dim_branches'),
        col('date', 'date'),
        col('date_maturity', 'date'),
        col('name', 'text'),
        col('debit', 'numeric'),
        col('credit', 'numeric'),
        col('balance', 'numeric'),
        col('amount_currency', 'numeric'),
        ref('currency_id', 'dim_currencies'),
        col('quantity', 'numeric'),
        col('price_unit', 'numeric'),
        col('discount', 'numeric'),
        col('price_subtotal', 'numeric'),
        col('price_total', 'numeric'),
        col('tax_ids', 'integer[]'),
        ref('tax_line_id', 'dim_taxes'),
        col('analytic_distribution', 'jsonb'),
        col('display_type', 'text'),
        col('reconciled', 'boolean'),
        col('matching_number', 'text'),
        col('amount_residual', 'numeric'),
        col('amount_residual_currency', 'numeric'),
        col('parent_state', 'text'),
        // module sale / purchase: NULL without them
        col('sale_line_ids', 'integer[]', { required: false }),
        ref('purchase_line_id', 'fact_purchases', { required: false }),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
