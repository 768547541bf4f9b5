import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// In 19 the job/department/contract fields moved to hr.version; hr.employee still exposes them (not stored).
export const dimEmps: EntitySpec = {
  table: 'dim_emps',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'hr.employee',
      columns: [
        col('name', 'text'),
        col('job_title', 'text'),
        ref('job_id', 'dim_jobs'),
        ref('department_id', 'dim_departments'),
        ref('parent_id', 'dim_emps'),
        ref('coach_id', 'dim_emps'),
        ref('user_id', 'dim_users'),
        ref('work_location_id', 'dim_work_locations'),
        ref('company_id', 'dim_branches'),
        col('work_email', 'text'),
        col('work_phone', 'text'),
        col('mobile_phone', 'text'),
        col('employee_type', 'text'),
        col('gender', 'text', { field: { '16.0': 'gender', '19.0': null } }),
        col('barcode', 'text'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
