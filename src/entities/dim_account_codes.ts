import { col, readCompany, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// An account's code in each company of the API user, the way dim_product_costs keeps costs: one row per
// account and company, each read in that company's context. From 18.0 the code is per company
// (`code_store`, company-dependent: jsonb by company); on 16/17 an account has one company and one `code`,
// which Odoo answers whichever company the context names. A company that does not use an 18+ account reads
// no code (NULL).
//
// Incremental per company like dim_product_costs: setting an account's code goes through write() (the
// `code` inverse writes `code_store`), which stamps the account's write_date; the whole snapshot is read in
// the run after each reconcile (snapshotWhenFull), for accounts gone or edited behind the ORM's back.
export const dimAccountCodes: EntitySpec = {
  table: 'dim_account_codes',
  kind: 'dimension',
  sync: 'incremental',
  snapshotWhenFull: true,
  key: ['account_id', 'company_id'],
  optionalModel: true,
  active: false,
  sources: [
    {
      model: 'account.account',
      perCompany: true,
      columns: [
        ref('account_id', 'dim_accounts', { field: 'id' }),
        readCompany('company_id'),
        col('code', 'text', { field: { '16.0': 'code', '18.0': 'code_store' } }),
      ],
    },
  ],
};
