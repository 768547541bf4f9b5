import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// Branches are companies (a parent company with child companies).
export const dimBranches: EntitySpec = {
  table: 'dim_branches',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'res.company',
      columns: [
        col('name', 'text'),
        ref('parent_id', 'dim_branches'),
        // company → partner → company: the partner may load after its company
        ref('partner_id', 'dim_customers', { cyclic: true }),
        col('currency_id', 'integer'),
        col('email', 'text'),
        col('phone', 'text'),
        col('sequence', 'integer'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
