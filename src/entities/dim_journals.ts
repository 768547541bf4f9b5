import { col, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// account.journal (module account; skipped where it is not installed). The same fields on 16–19.
export const dimJournals: EntitySpec = {
  table: 'dim_journals',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  optionalModel: true,
  active: true,
  sources: [
    {
      model: 'account.journal',
      columns: [
        col('name', 'text'),
        col('code', 'text'),
        col('type', 'text'),
        ref('company_id', 'dim_branches'),
        ref('currency_id', 'dim_currencies'),
        ref('default_account_id', 'dim_accounts'),
        col('sequence', 'integer'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
