import { col, ref } from './columns.ts';
import type { ComputedColumn, EntitySpec, RecordValues } from './types.ts';

/** The account's company: company_id on 16/17; from 18.0 the first of company_ids (an account is shared). */
export function accountCompany(values: RecordValues): number | null {
  if (typeof values.company_id === 'number') return values.company_id;
  const ids = values.company_ids;
  return Array.isArray(ids) && typeof ids[0] === 'number' ? ids[0] : null;
}

/**
 * The account's group (asset, liability, equity, income, expense, off_balance): stored on 16/17; computed and
 * not stored from 18.0, where it is read from account_type the way Odoo computes it (its prefix).
 */
export function accountInternalGroup(values: RecordValues): string | null {
  if (typeof values.internal_group === 'string') return values.internal_group;
  const type = values.account_type;
  if (typeof type !== 'string') return null;
  return type === 'off_balance' ? 'off_balance' : type.split('_')[0]!;
}

const internalGroup: ComputedColumn = {
  column: 'internal_group',
  type: 'text',
  required: true,
  fields: { '16.0': ['internal_group'], '18.0': ['account_type'] },
  compute: accountInternalGroup,
};

const company: ComputedColumn = {
  column: 'company_id',
  type: 'integer',
  required: true,
  references: 'dim_branches',
  fields: { '16.0': ['company_id'], '18.0': ['company_ids'] },
  compute: accountCompany,
};

// account.account (module account; skipped where it is not installed).
// Per version (recorded fields_get):
// - code: 16/17 `code`, stored on the account, one company each. From 18.0 an account can belong to several
//   companies (`company_ids`) and its code is per company: `code` is computed from the company-dependent
//   `code_store`, so the column reads `code_store` as the user's main company sees it (companyDependent
//   'main'); every company's code is in dim_account_codes.
// - company_id: 16/17 `company_id`; 18+ the first of `company_ids` (all of them in company_ids, 18+ only).
// - deprecated: 16–18 `deprecated`; 19 replaced it by `active` (so `active` is NULL before 19, `deprecated`
//   NULL on 19).
// - internal_group: 16/17 `internal_group`; 18+ not stored, derived here from `account_type` as Odoo does.
export const dimAccounts: EntitySpec = {
  table: 'dim_accounts',
  kind: 'dimension',
  sync: 'incremental',
  key: ['odoo_id'],
  optionalModel: true,
  active: false,
  sources: [
    {
      model: 'account.account',
      columns: [
        col('code', 'text', { field: { '16.0': 'code', '18.0': 'code_store' }, companyDependent: 'main' }),
        col('name', 'text'),
        col('account_type', 'text'),
        internalGroup,
        col('reconcile', 'boolean'),
        col('deprecated', 'boolean', { field: { '16.0': 'deprecated', '19.0': null } }),
        col('active', 'boolean', { field: { '16.0': null, '19.0': 'active' } }),
        ref('currency_id', 'dim_currencies'),
        company,
        col('company_ids', 'integer[]', { field: { '16.0': null, '18.0': 'company_ids' } }),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
