import { col, ref } from './columns.ts';
import type { ComputedColumn, EntitySpec, OdooSeries, RecordValues } from './types.ts';

// Product type, one shape for all versions (Odoo 18's): `type` consu/service/combo plus `is_storable`.
// 16/17 say the same with `detailed_type` = product (storable) / consu / service / combo.
const TYPE_FIELDS = { '16.0': ['detailed_type'], '18.0': ['type', 'is_storable'] };

export function productType(values: RecordValues, series: OdooSeries): string | null {
  if (series === '16.0' || series === '17.0') {
    const detailed = values.detailed_type;
    if (typeof detailed !== 'string') return null;
    return detailed === 'product' ? 'consu' : detailed;
  }
  return typeof values.type === 'string' ? values.type : null;
}

export function productIsStorable(values: RecordValues, series: OdooSeries): boolean {
  if (series === '16.0' || series === '17.0') return values.detailed_type === 'product';
  return values.is_storable === true;
}

// POS categories: a many2one `pos_categ_id` in 16, a many2many `pos_categ_ids` from 17: always a list.
export function posCategoryIds(values: RecordValues, series: OdooSeries): number[] {
  if (series === '16.0') return typeof values.pos_categ_id === 'number' ? [values.pos_categ_id] : [];
  return Array.isArray(values.pos_categ_ids) ? (values.pos_categ_ids as number[]) : [];
}

const computed = (column: string, type: ComputedColumn['type'], fields: ComputedColumn['fields'], compute: ComputedColumn['compute']): ComputedColumn => ({
  column,
  type,
  required: true,
  fields,
  compute,
});

export const dimProducts: EntitySpec = {
  table: 'dim_products',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'product.template',
      columns: [
        col('name', 'text'),
        col('default_code', 'text'),
        col('barcode', 'text'),
        ref('categ_id', 'dim_categories'),
        computed('type', 'text', TYPE_FIELDS, productType),
        computed('is_storable', 'boolean', TYPE_FIELDS, productIsStorable),
        col('list_price', 'numeric'),
        // computed from the only variant's company-dependent cost in env.company (fields_get does not flag it)
        col('standard_price', 'numeric', { companyDependent: 'record' }),
        col('uom_id', 'integer'),
        col('sale_ok', 'boolean'),
        col('purchase_ok', 'boolean'),
        col('available_in_pos', 'boolean'),
        computed('pos_categ_ids', 'integer[]', { '16.0': ['pos_categ_id'], '17.0': ['pos_categ_ids'] }, posCategoryIds),
        // added by OCA product_brand; NULL where the module is not installed
        ref('product_brand_id', 'dim_brands', { required: false }),
        ref('company_id', 'dim_branches'),
        col('invoice_policy', 'text'),
        col('tracking', 'text'),
        col('weight', 'numeric'),
        col('volume', 'numeric'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
