import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

export const dimWorkLocations: EntitySpec = {
  table: 'dim_work_locations',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'hr.work.location',
      columns: [
        col('name', 'text'),
        // home / office / other, from 17
        col('location_type', 'text', { field: { '16.0': null, '17.0': 'location_type' } }),
        col('location_number', 'text'),
        ref('address_id', 'dim_customers'),
        ref('company_id', 'dim_branches'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
