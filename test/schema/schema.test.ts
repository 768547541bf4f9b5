import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entities } from '../../src/entities/index.ts';
import { foreignKeys, openSqlDatabase, type SqlDatabase } from './helpers.ts';

const TABLES = [
  'dim_branches', 'dim_branches_branch_ref', 'dim_categories', 'dim_brands', 'dim_pos_categories', 'dim_products',
  'dim_products_product', 'dim_product_costs', 'dim_departments', 'dim_work_locations', 'dim_jobs', 'dim_emps', 'dim_users', 'dim_teams',
  'dim_customers', 'dim_promotions', 'dim_promotion_types', 'dim_purchases', 'dim_stock_picking_type', 'fact_warehouse',
  'fact_stock_locations', 'fact_stock', 'all_sales', 'fact_sales_lines', 'fact_purchases', 'missing_data',
  // finance (issue 22)
  'dim_currencies', 'fact_currency_rates', 'dim_accounts', 'dim_account_codes', 'dim_journals', 'dim_taxes', 'fact_invoices', 'fact_journal_items',
  // stock at any date (issue 23): the done move lines, and fact_stock_daily (computed in the warehouse, no entity)
  'fact_stock_moves', 'fact_stock_daily',
];
/** Tables the warehouse computes itself (sql/functions/stock_daily.sql), not mirrored from Odoo. */
const COMPUTED = ['missing_data', 'fact_stock_daily'];
// The history tables of HISTORY's default (issue 23), which migrate creates: keyed by the table's key and dbt_valid_from.
const HISTORY_TABLES = ['fact_stock', 'dim_products', 'dim_products_product', 'dim_product_costs', 'dim_customers'].map((t) => `${t}_history`);

describe('the migrated schema', () => {
  let s: SqlDatabase;
  beforeAll(async () => {
    s = await openSqlDatabase();
  });
  afterAll(async () => {
    await s.close();
  });

  it('has the 34 mirrored tables of the design plus missing_data, fact_stock_daily and the default history tables, and the registry names the same 34', async () => {
    const { rows } = await s.client.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind = 'r'`,
    );
    expect(rows.map((r) => r.name).sort()).toEqual([...TABLES, ...HISTORY_TABLES].sort());
    expect(entities.map((e) => e.table).sort()).toEqual(TABLES.filter((t) => !COMPUTED.includes(t)).sort());
  });

  it('keys every table as the design says', async () => {
    const { rows } = await s.client.query<{ table: string; key: string[] }>(`
      select c.relname as "table",
             array(select a.attname::text from unnest(con.conkey) with ordinality k(n, o)
                   join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.n order by k.o) as key
        from pg_constraint con join pg_class c on c.oid = con.conrelid join pg_namespace n on n.oid = c.relnamespace
       where con.contype = 'p' and n.nspname = 'public'`);
    const keys = Object.fromEntries(rows.map((r) => [r.table, r.key]));
    expect(Object.keys(keys).sort()).toEqual([...TABLES, ...HISTORY_TABLES].sort());
    expect(keys.fact_stock_history).toEqual(['odoo_id', 'dbt_valid_from']);
    expect(keys.dim_product_costs_history).toEqual(['product_id', 'company_id', 'dbt_valid_from']);
    expect(keys.dim_promotion_types).toEqual(['code']);
    expect(keys.dim_branches_branch_ref).toEqual(['ref_model', 'odoo_id']);
    expect(keys.all_sales).toEqual(['source', 'odoo_id']);
    expect(keys.fact_sales_lines).toEqual(['source', 'odoo_id']);
    expect(keys.missing_data).toEqual(['id']);
    expect(keys.dim_product_costs).toEqual(['product_id', 'company_id']);
    expect(keys.dim_account_codes).toEqual(['account_id', 'company_id']);
    expect(keys.fact_stock_daily).toEqual(['day', 'product_id', 'location_id', 'company_id']);
    for (const t of TABLES.filter((t) => !['dim_promotion_types', 'dim_branches_branch_ref', 'all_sales', 'fact_sales_lines', 'missing_data', 'dim_product_costs', 'dim_account_codes', 'fact_stock_daily'].includes(t))) {
      expect(keys[t], t).toEqual(['odoo_id']);
    }
  });

  it('has real, deferrable foreign keys between the tables, composite where the parent key is', async () => {
    const fks = await foreignKeys(s.client);
    const find = (table: string, column: string) => fks.find((f) => f.table === table && f.columns.includes(column));
    expect(find('dim_products_product', 'product_tmpl_id')).toMatchObject({ references: 'dim_products', referencedColumns: ['odoo_id'] });
    expect(find('fact_sales_lines', 'order_id')).toMatchObject({
      columns: ['source', 'order_id'],
      references: 'all_sales',
      referencedColumns: ['source', 'odoo_id'],
    });
    expect(find('all_sales', 'config_id')).toMatchObject({
      columns: ['config_ref_model', 'config_id'],
      references: 'dim_branches_branch_ref',
      referencedColumns: ['ref_model', 'odoo_id'],
    });
    expect(find('dim_promotions', 'program_type')).toMatchObject({ references: 'dim_promotion_types', referencedColumns: ['code'] });
    expect(find('fact_stock', 'company_id')).toMatchObject({ references: 'dim_branches' });
    expect(fks.length).toBeGreaterThan(60);
    expect(fks.every((f) => f.deferrable)).toBe(true);
  });

  it('has the load functions and the engine bookkeeping', async () => {
    const { rows } = await s.client.query<{ name: string }>(
      `select p.proname as name from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'etl'`,
    );
    expect(rows.map((r) => r.name)).toEqual(expect.arrayContaining(['upsert', 'upsert_sql', 'mark_deleted_except', 'reconcile_deleted_staged']));
    const { rows: tables } = await s.client.query<{ name: string }>(
      `select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'etl' and c.relkind = 'r'`,
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['entity', 'run', 'run_entity', 'watermark']));
  });

  it('indexes the sync cursor of every mirrored table', async () => {
    const { rows } = await s.client.query<{ table: string }>(`
      select c.relname as "table" from pg_index i
        join pg_class c on c.oid = i.indrelid join pg_class ic on ic.oid = i.indexrelid
       where ic.relname like '%\\_write\\_date\\_idx'`);
    expect(rows.map((r) => r.table).sort()).toEqual(entities.map((e) => e.table).sort());
  });

  it('has no index naming a column twice', async () => {
    const { rows } = await s.client.query<{ index: string }>(`
      select i.indexrelid::regclass::text as index from pg_index i
        join pg_class c on c.oid = i.indrelid join pg_namespace n on n.oid = c.relnamespace
       where n.nspname in ('public', 'etl')
         and (select count(distinct k) from unnest(i.indkey::int2[]) k where k <> 0)
             < (select count(*) from unnest(i.indkey::int2[]) k where k <> 0)`);
    expect(rows).toEqual([]);
  });
});
