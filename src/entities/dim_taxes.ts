import { col, ref } from './columns.ts';
import type { ComputedColumn, EntitySpec, RecordValues, OdooSeries } from './types.ts';

/**
 * Is the tax included in the price? 16/17 store the boolean `price_include`. From 18.0 the stored field is
 * `price_include_override` ('tax_included' | 'tax_excluded' | false: the company's default, its
 * `account_price_include` setting); the effective `price_include` is no longer stored. So from 18.0 the
 * column says what the tax itself overrides, and NULL when it follows the company's default.
 */
export function taxPriceInclude(values: RecordValues, series: OdooSeries): boolean | null {
  if (series === '16.0' || series === '17.0') return typeof values.price_include === 'boolean' ? values.price_include : null;
  const override = values.price_include_override;
  if (override === 'tax_included') return true;
  if (override === 'tax_excluded') return false;
  return null;
}

const priceInclude: ComputedColumn = {
  column: 'price_include',
  type: 'boolean',
  required: true,
  fields: { '16.0': ['price_include'], '18.0': ['price_include_override'] },
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
        // 18+: the stored override as Odoo has it (NULL on 16/17)
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
