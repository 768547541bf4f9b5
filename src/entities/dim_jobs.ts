import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const dimJobs: EntitySpec = {
  table: 'dim_jobs',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'hr.job',
      columns: [
        col('name', 'text'),
        ref('department_id', 'dim_departments'),
        ref('company_id', 'dim_branches'),
        col('no_of_recruitment', 'integer'),
        col('expected_employees', 'integer'),
        col('no_of_employee', 'integer'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
