import { col, ref } from './columns.ts';
import type { ComputedColumn, EntitySpec, RecordValues } from './types.ts';

/**
 * Odoo stores `rate` as units of the currency for one unit of the company's currency (whose own rate is 1);
 * what its screens show and users multiply by is the inverse, company currency per unit of this currency
 * (`inverse_company_rate`, a non-stored field). 1 / rate, rounded off float noise; NULL for a zero rate.
 */
export function inverseRate(values: RecordValues): number | null {
  const rate = values.rate;
  if (typeof rate !== 'number' || rate === 0) return null;
  return Number((1 / rate).toPrecision(12));
}

const inverse: ComputedColumn = { column: 'inverse_rate', type: 'numeric', required: true, fields: ['rate'], compute: inverseRate };

// res.currency.rate: one rate per currency, company (NULL: every company) and day (`name` is the date).
// Amounts elsewhere stay as Odoo stores them; this table lets a user convert them.
export const factCurrencyRates: EntitySpec = {
  table: 'fact_currency_rates',
  kind: 'fact',
  sync: 'incremental',
  key: ['odoo_id'],
  active: false,
  sources: [
    {
      model: 'res.currency.rate',
      columns: [
        ref('currency_id', 'dim_currencies'),
        ref('company_id', 'dim_branches'),
        col('date', 'date', { field: 'name' }),
        col('rate', 'numeric'),
        inverse,
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
