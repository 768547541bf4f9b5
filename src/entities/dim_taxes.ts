import { col, ref } from './columns.ts';
import type { CompanyValues, ComputedColumn, EntitySpec, RecordValues, OdooSeries } from './types.ts';

/**
 * Is the tax included in the price? 16/17 store the boolean `price_include`. From 18.0 `price_include` is
 * computed, not stored (account_tax.py `_compute_price_include`): the tax's `price_include_override`
 * ('tax_included' | 'tax_excluded') when set, else its company's default, res.company
 * `account_price_include` (the same values; Odoo's own default is 'tax_excluded'). The column is that
 * effective value, from the override and the company's default read for the run: a changed default makes
 * the next run of dim_taxes a full pass (src/entities/company-values.ts). NULL when the company's default
 * is unknown (a company the API user cannot read).
 */
export function taxPriceInclude(values: RecordValues, series: OdooSeries, companies?: CompanyValues): boolean | null {
  if (series === '16.0' || series === '17.0') return typeof values.price_include === 'boolean' ? values.price_include : null;
  const override = values.price_include_override;
  if (override === 'tax_included') return true;
  if (override === 'tax_excluded') return false;
  const company = typeof values.company_id === 'number' ? companies?.[String(values.company_id)] : undefined;
  const fallback = company?.account_price_include;
  if (fallback === 'tax_included') return true;
  if (fallback === 'tax_excluded') return false;
  return null;
}

const priceInclude: ComputedColumn = {
  column: 'price_include',
  type: 'boolean',
  required: true,
  fields: { '16.0': ['price_include'], '18.0': ['price_include_override', 'company_id'] },
  companyFields: { '18.0': ['account_price_include'] },
  compute: taxPriceInclude,
};

// account.tax (module account; skipped where it is not installed).
export const dimTaxes: EntitySpec = {
  table: 'dim_taxes',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  optionalModel: true,
  active: true,
  sources: [
    {
      model: 'account.tax',
      columns: [
        col('name', 'text'),
        col('amount', 'numeric'),
        col('amount_type', 'text'),
        col('type_tax_use', 'text'),
        priceInclude,
        // 18+: the stored override as Odoo has it, NULL when the tax follows its company's default (NULL on 16/17)
        col('price_include_override', 'text', { field: { '16.0': null, '18.0': 'price_include_override' } }),
        col('include_base_amount', 'boolean'),
        ref('company_id', 'dim_branches'),
        col('tax_group_id', 'integer'),
        col('sequence', 'integer'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
