import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const dimCategories: EntitySpec = {
  table: 'dim_categories',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: false,
  sources: [
    {
      model: 'product.category',
      columns: [
        col('name', 'text'),
        col('complete_name', 'text'),
        ref('parent_id', 'dim_categories'),
        col('parent_path', 'text'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
