import { col, constant, ref } from './columns.ts';
import type { EntitySpec } from './types.ts';

// The things a branch operates (POS shops and warehouses), each mapped to its branch (company).
export const dimBranchesBranchRef: EntitySpec = {
  table: 'dim_branches_branch_ref',
  kind: 'dimension',
  sync: 'incremental',
  key: ['ref_model', 'odoo_id'],
  sourceColumn: 'ref_model',
  active: true,
  sources: [
    {
      model: 'pos.config',
      source: 'pos.config',
      columns: [
        constant('ref_model', 'pos.config'),
        col('name', 'text'),
        ref('company_id', 'dim_branches'),
        ref('warehouse_id', 'fact_warehouse'),
        ref('crm_team_id', 'dim_teams'),
        ref('picking_type_id', 'dim_stock_picking_type'),
        col('create_date', 'timestamptz'),
      ],
    },
    {
      model: 'stock.warehouse',
      source: 'stock.warehouse',
      columns: [
        constant('ref_model', 'stock.warehouse'),
        col('name', 'text'),
        col('code', 'text'),
        ref('company_id', 'dim_branches'),
        ref('partner_id', 'dim_customers'),
        col('create_date', 'timestamptz'),
      ],
    },
  ],
};
