import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const dimDepartments: EntitySpec = {
  table: 'dim_departments',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'hr.department',
      columns: [
        col('name', 'text'),
        col('complete_name', 'text'),
        ref('parent_id', 'dim_departments'),
        // department → manager (employee) → department
        ref('manager_id', 'dim_emps', { cyclic: true }),
        ref('company_id', 'dim_branches'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
