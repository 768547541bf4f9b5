import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const dimPosCategories: EntitySpec = {
  table: 'dim_pos_categories',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: false,
  sources: [
    {
      model: 'pos.category',
      columns: [col('name', 'text'), ref('parent_id', 'dim_pos_categories'), col('sequence', 'integer'), col('create_date', 'timestamptz')],
    },
  ],
};
