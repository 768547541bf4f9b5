import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const dimPromotions: EntitySpec = {
  table: 'dim_promotions',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'loyalty.program',
      columns: [
        col('name', 'text'),
        { ...col('program_type', 'text'), references: 'dim_promotion_types' },
        col('applies_on', 'text'),
        col('trigger', 'text'),
        col('date_from', 'date', { field: { '16.0': null, '17.0': 'date_from' } }),
        col('date_to', 'date'),
        ref('company_id', 'dim_branches'),
        col('currency_id', 'integer'),
        col('pos_ok', 'boolean'),
        col('sale_ok', 'boolean'),
        col('pos_config_ids', 'integer[]'),
        col('limit_usage', 'boolean'),
        col('max_usage', 'integer'),
        col('sequence', 'integer'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
