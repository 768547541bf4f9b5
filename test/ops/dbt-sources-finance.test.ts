// dbt-sources covers the finance tables: each named after its Odoo model, its foreign keys as relationships
// tests, the per-version field of a column that differs, and the business date rule.
import { describe, expect, it } from 'vitest';
import { dbtSources } from '../../src/ops/dbt-sources.ts';

describe('dbt sources of the finance tables', () => {
  const tables = dbtSources({ freshnessMs: 30 * 60_000 }).sources[0]!.tables;
  const table = (name: string) => tables.find((t) => t.name === name)!;
  const column = (t: string, c: string) => table(t).columns!.find((x) => x.name === c)!;

  it('lists the eight finance tables', () => {
    for (const name of ['dim_currencies', 'fact_currency_rates', 'dim_accounts', 'dim_account_codes', 'dim_journals', 'dim_taxes', 'fact_invoices', 'fact_journal_items']) {
      expect(table(name), name).toBeDefined();
    }
    expect(table('fact_journal_items').description).toContain('account.move.line');
    expect(table('fact_invoices').description).toContain("Empty where the model's module is not installed.");
  });

  it('tests a journal item’s move against fact_invoices and says where an account’s code comes from per version', () => {
    expect(JSON.stringify(column('fact_journal_items', 'move_id').data_tests)).toContain("source('odoo', 'fact_invoices')");
    expect(column('dim_accounts', 'code').description).toContain('account.account.code in Odoo 16.0–17.0; account.account.code_store in Odoo 18.0+');
    expect(column('dim_taxes', 'price_include').description).toBe('Computed from account.tax.price_include in Odoo 16.0–17.0; account.tax.price_include_override, account.tax.company_id, res.company.account_price_include in Odoo 18.0+');
    expect(column('all_sales', 'business_date').description).toContain("in the company's timezone (its partner's tz, else BUSINESS_TIMEZONE, else UTC)");
    expect(column('dim_purchases', 'business_date').description).toBe(
      "The calendar day of purchase.order.date_order in the company's timezone (its partner's tz, else BUSINESS_TIMEZONE, else UTC)",
    );
  });
});
