import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const dimTeams: EntitySpec = {
  table: 'dim_teams',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'crm.team',
      columns: [
        col('name', 'text'),
        ref('user_id', 'dim_users'),
        ref('company_id', 'dim_branches'),
        col('invoiced_target', 'numeric'),
        col('sequence', 'integer'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
