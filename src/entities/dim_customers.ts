import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// Every res.partner (customers, suppliers, contacts, company addresses): facts point at all of them.
export const dimCustomers: EntitySpec = {
  table: 'dim_customers',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  active: true,
  sources: [
    {
      model: 'res.partner',
      columns: [
        col('name', 'text'),
        // 16 stores the full "Company, Contact" name as display_name; 17 renamed it complete_name
        col('complete_name', 'text', { field: { '16.0': 'display_name', '17.0': 'complete_name' } }),
        col('ref', 'text'),
        col('is_company', 'boolean'),
        ref('parent_id', 'dim_customers'),
        ref('commercial_partner_id', 'dim_customers'),
        ref('company_id', 'dim_branches'),
        ref('user_id', 'dim_users', { cyclic: true }),
        ref('team_id', 'dim_teams', { cyclic: true, field: { '16.0': 'team_id', '18.0': null } }),
        col('type', 'text'),
        col('email', 'text'),
        col('phone', 'text'),
        col('mobile', 'text', { field: { '16.0': 'mobile', '19.0': null } }),
        col('street', 'text'),
        col('city', 'text'),
        col('zip', 'text'),
        col('state_id', 'integer'),
        col('country_id', 'integer'),
        col('vat', 'text'),
        col('industry_id', 'integer'),
        col('category_id', 'integer[]'),
        col('customer_rank', 'integer'),
        col('supplier_rank', 'integer'),
        col('lang', 'text'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
