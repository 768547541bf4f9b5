import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const dimUsers: EntitySpec = {
  table: 'dim_users',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'res.users',
      columns: [
        col('login', 'text'),
        col('name', 'text'),
        ref('partner_id', 'dim_customers'),
        ref('company_id', 'dim_branches'),
        col('company_ids', 'integer[]'),
        // user → sales team → team leader (user)
        ref('sale_team_id', 'dim_teams', { cyclic: true }),
        col('share', 'boolean'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
