// The load functions, through SQL on real PostgreSQL: etl.upsert, etl.mark_deleted_except, etl.reconcile_deleted_staged.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqlDatabase, type SqlDatabase } from './helpers.ts';

let s: SqlDatabase;
beforeAll(async () => {
  s = await openSqlDatabase();
});
afterAll(async () => {
  await s.close();
});
beforeEach(async () => {
  await s.client.query(`truncate missing_data, fact_sales_lines, all_sales, dim_products_product, dim_products, dim_categories,
    dim_branches, dim_customers, dim_users, dim_emps, fact_stock, dim_promotions, dim_promotion_types,
    dim_branches_branch_ref cascade`);
});

interface Counts {
  inserted: number;
  updated: number;
  unchanged: number;
}

async function upsert(table: string, rows: unknown[]): Promise<Counts> {
  const { rows: result } = await s.client.query<Counts>('select * from etl.upsert($1::regclass, $2::jsonb)', [table, JSON.stringify(rows)]);
  return result[0]!;
}

async function all<T = Record<string, unknown>>(query: string, params: unknown[] = []): Promise<T[]> {
  return (await s.client.query(query, params)).rows as T[];
}

const T1 = '2026-11-25T10:00:00Z';
const T2 = '2026-11-25T11:00:00Z';

describe('etl.upsert', () => {
  it('inserts new rows, updates changed ones and leaves unchanged ones untouched', async () => {
    expect(await upsert('dim_categories', [
      { odoo_id: 1, name: 'All', write_date: T1 },
      { odoo_id: 2, name: 'Saleable', parent_id: 1, write_date: T1 },
    ])).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    const [before] = await all<{ synced_at: Date; xmin: string }>(`select synced_at, xmin::text from dim_categories where odoo_id = 2`);

    expect(await upsert('dim_categories', [
      { odoo_id: 1, name: 'All products', write_date: T2 },
      { odoo_id: 2, name: 'Saleable', parent_id: 1, write_date: T1 },
    ])).toEqual({ inserted: 0, updated: 1, unchanged: 1 });

    const rows = await all<{ odoo_id: number; name: string; synced_at: Date; xmin: string }>(
      `select odoo_id, name, synced_at, xmin::text from dim_categories order by odoo_id`,
    );
    expect(rows.map((r) => r.name)).toEqual(['All products', 'Saleable']);
    // untouched: same tuple (no write at all), same synced_at
    expect(rows[1]!.xmin).toBe(before!.xmin);
    expect(rows[1]!.synced_at).toEqual(before!.synced_at);
  });

  it('never lets an older write_date overwrite a newer row; an equal one may update', async () => {
    await upsert('dim_categories', [{ odoo_id: 1, name: 'New', write_date: T2 }]);
    expect(await upsert('dim_categories', [{ odoo_id: 1, name: 'Old', write_date: T1 }])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    expect(await all(`select name from dim_categories`)).toEqual([{ name: 'New' }]);
    // Odoo changes some stored values without touching write_date
    expect(await upsert('dim_categories', [{ odoo_id: 1, name: 'Same stamp', write_date: T2 }])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    expect(await all(`select name from dim_categories`)).toEqual([{ name: 'Same stamp' }]);
  });

  it('merges duplicate keys inside one batch: the highest write_date wins, then the last one', async () => {
    expect(await upsert('dim_categories', [
      { odoo_id: 1, name: 'newest', write_date: T2 },
      { odoo_id: 1, name: 'older', write_date: T1 },
      { odoo_id: 2, name: 'first', write_date: T1 },
      { odoo_id: 2, name: 'last', write_date: T1 },
    ])).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await all(`select odoo_id, name from dim_categories order by 1`)).toEqual([
      { odoo_id: 1, name: 'newest' },
      { odoo_id: 2, name: 'last' },
    ]);
  });

  it('clears deleted_at when a row is loaded again', async () => {
    await upsert('dim_categories', [{ odoo_id: 1, name: 'All', write_date: T1 }]);
    await s.client.query(`update dim_categories set deleted_at = now()`);
    expect(await upsert('dim_categories', [{ odoo_id: 1, name: 'All', write_date: T1 }])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    expect(await all(`select deleted_at from dim_categories`)).toEqual([{ deleted_at: null }]);
  });

  it('stores decoded values: timestamps, numbers, arrays, jsonb, booleans', async () => {
    await upsert('dim_products', [{
      odoo_id: 5, name: 'Desk', list_price: 1234.5, pos_categ_ids: [1, 2], is_storable: true, extra: { x_studio_color: 'red' },
      create_date: '2026-01-02T03:04:05Z', write_date: T1, active: false,
    }]);
    const [row] = await all(`select list_price::text, pos_categ_ids, is_storable, extra, create_date = '2026-01-02 03:04:05+00' as ts, active, inferred from dim_products`);
    expect(row).toEqual({ list_price: '1234.5', pos_categ_ids: [1, 2], is_storable: true, extra: { x_studio_color: 'red' }, ts: true, active: false, inferred: false });
  });

  it('loads a row whose parent is missing: inferred member, missing_data row, nothing dropped', async () => {
    expect(await upsert('dim_products_product', [
      { odoo_id: 10, product_tmpl_id: 100, default_code: 'A', write_date: T1 },
      { odoo_id: 11, product_tmpl_id: 100, default_code: 'B', write_date: T1 },
    ])).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await all(`select odoo_id, inferred, name, synced_at is not null as synced from dim_products`)).toEqual([
      { odoo_id: 100, inferred: true, name: null, synced: true },
    ]);
    const misses = await all(`select table_name, column_name, record_key, referenced_table, referenced_model, referenced_id,
      referenced_key, times_seen, resolved_at from missing_data order by record_key->>'odoo_id'`);
    expect(misses).toEqual([
      { table_name: 'dim_products_product', column_name: 'product_tmpl_id', record_key: { odoo_id: 10 }, referenced_table: 'dim_products',
        referenced_model: 'product.template', referenced_id: 100, referenced_key: { odoo_id: 100 }, times_seen: 1, resolved_at: null },
      { table_name: 'dim_products_product', column_name: 'product_tmpl_id', record_key: { odoo_id: 11 }, referenced_table: 'dim_products',
        referenced_model: 'product.template', referenced_id: 100, referenced_key: { odoo_id: 100 }, times_seen: 1, resolved_at: null },
    ]);
  });

  it('bumps last_seen and times_seen when the same miss is seen again', async () => {
    await upsert('dim_products_product', [{ odoo_id: 10, product_tmpl_id: 100, write_date: T1 }]);
    const [first] = await all<{ first_seen: Date; last_seen: Date }>(`select first_seen, last_seen from missing_data`);
    await upsert('dim_products_product', [{ odoo_id: 10, product_tmpl_id: 100, write_date: T2 }]);
    const rows = await all<{ first_seen: Date; last_seen: Date; times_seen: number }>(`select first_seen, last_seen, times_seen from missing_data`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.times_seen).toBe(2);
    expect(rows[0]!.first_seen).toEqual(first!.first_seen);
    expect(rows[0]!.last_seen.getTime()).toBeGreaterThan(first!.last_seen.getTime());
  });

  it('fills the inferred row on a real load of the parent and resolves its missing_data rows', async () => {
    await upsert('dim_products_product', [{ odoo_id: 10, product_tmpl_id: 100, write_date: T1 }]);
    expect(await upsert('dim_products', [{ odoo_id: 100, name: 'Desk', write_date: T1 }])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    expect(await all(`select odoo_id, name, inferred from dim_products`)).toEqual([{ odoo_id: 100, name: 'Desk', inferred: false }]);
    expect(await all(`select resolved_at is not null as resolved from missing_data`)).toEqual([{ resolved: true }]);
    // a later reference to the now real parent is no miss
    await upsert('dim_products_product', [{ odoo_id: 12, product_tmpl_id: 100, write_date: T1 }]);
    expect(await all(`select count(*)::int as n from missing_data`)).toEqual([{ n: 1 }]);
  });

  it('fills an inferred row even when the real load carries nothing but its key', async () => {
    await upsert('dim_products_product', [{ odoo_id: 10, product_tmpl_id: 100 }]);
    expect(await upsert('dim_products', [{ odoo_id: 100 }])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
    expect(await all(`select inferred from dim_products`)).toEqual([{ inferred: false }]);
  });

  it('resolves references within one batch, including self-references, without inferring', async () => {
    await upsert('dim_categories', [
      { odoo_id: 3, name: 'Child', parent_id: 2, write_date: T1 },
      { odoo_id: 2, name: 'Parent', parent_id: 1, write_date: T1 },
    ]);
    expect(await all(`select odoo_id, inferred from dim_categories order by 1`)).toEqual([
      { odoo_id: 1, inferred: true },
      { odoo_id: 2, inferred: false },
      { odoo_id: 3, inferred: false },
    ]);
    expect(await all(`select record_key, referenced_id from missing_data`)).toEqual([{ record_key: { odoo_id: 2 }, referenced_id: 1 }]);
  });

  it('infers composite parents: sales lines → (source, order) and POS orders → (pos.config, shop)', async () => {
    expect(await upsert('fact_sales_lines', [
      { source: 'pos', odoo_id: 1, order_id: 50, qty: 2, write_date: T1 },
      { source: 'sale', odoo_id: 1, order_id: 50, qty: 3, write_date: T1 },
    ])).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await all(`select source, odoo_id, inferred from all_sales order by 1`)).toEqual([
      { source: 'pos', odoo_id: 50, inferred: true },
      { source: 'sale', odoo_id: 50, inferred: true },
    ]);
    expect(await all(`select record_key, referenced_model, referenced_key from missing_data order by referenced_model`)).toEqual([
      { record_key: { source: 'pos', odoo_id: 1 }, referenced_model: 'pos.order', referenced_key: { source: 'pos', odoo_id: 50 } },
      { record_key: { source: 'sale', odoo_id: 1 }, referenced_model: 'sale.order', referenced_key: { source: 'sale', odoo_id: 50 } },
    ]);

    await upsert('all_sales', [{ source: 'pos', odoo_id: 50, name: 'Shop/0050', config_id: 2, write_date: T1 }]);
    expect(await all(`select ref_model, odoo_id, inferred from dim_branches_branch_ref`)).toEqual([{ ref_model: 'pos.config', odoo_id: 2, inferred: true }]);
    expect(await all(`select referenced_model, resolved_at is not null as resolved from missing_data order by id`)).toEqual([
      { referenced_model: 'pos.order', resolved: true },
      { referenced_model: 'sale.order', resolved: false },
      { referenced_model: 'pos.config', resolved: false },
    ]);
    expect(await all(`select column_name from missing_data where referenced_model = 'pos.config'`)).toEqual([{ column_name: 'config_id' }]);
  });

  it('infers a text-keyed parent (promotion type) and a parent shared by two columns once', async () => {
    await upsert('dim_promotions', [{ odoo_id: 1, name: 'Summer', program_type: 'coupons', company_id: 9, write_date: T1 }]);
    expect(await all(`select code, inferred from dim_promotion_types`)).toEqual([{ code: 'coupons', inferred: true }]);
    expect(await all(`select referenced_id, referenced_key from missing_data where referenced_table = 'dim_promotion_types'`)).toEqual([
      { referenced_id: null, referenced_key: { code: 'coupons' } },
    ]);
    // parent_id and commercial_partner_id both point at partner 7
    await upsert('dim_customers', [{ odoo_id: 8, parent_id: 7, commercial_partner_id: 7, write_date: T1 }]);
    expect(await all(`select odoo_id, inferred from dim_customers order by 1`)).toEqual([
      { odoo_id: 7, inferred: true },
      { odoo_id: 8, inferred: false },
    ]);
    expect(await all(`select column_name from missing_data where table_name = 'dim_customers' order by 1`)).toEqual([
      { column_name: 'commercial_partner_id' },
      { column_name: 'parent_id' },
    ]);
  });

  it('commits a batch whose references were all inferred (the foreign keys hold at commit)', async () => {
    await s.client.query('begin');
    await upsert('fact_stock', [{ odoo_id: 1, product_id: 3, location_id: 4, company_id: 1, owner_id: 2, quantity: 5, write_date: T1 }]);
    await s.client.query('commit');
    expect(await all(`select count(*)::int as n from missing_data`)).toEqual([{ n: 4 }]);
  });

  it('accepts an empty batch and rejects a non-array', async () => {
    expect(await upsert('dim_categories', [])).toEqual({ inserted: 0, updated: 0, unchanged: 0 });
    await expect(s.client.query(`select * from etl.upsert('dim_categories', '{}')`)).rejects.toThrow('must be a jsonb array');
  });
});

describe('etl.mark_deleted_except', () => {
  it('soft-deletes the rows of a snapshot table that are not in the current set, and restores listed ones', async () => {
    await upsert('fact_stock', [1, 2, 3].map((id) => ({ odoo_id: id, quantity: id, write_date: T1 })));
    await s.client.query(`update fact_stock set deleted_at = now() where odoo_id = 3`);
    const { rows } = await s.client.query(`select * from etl.mark_deleted_except('fact_stock', $1)`, [JSON.stringify([{ odoo_id: 1 }, { odoo_id: 3 }])]);
    expect(rows).toEqual([{ deleted: 1, restored: 1 }]);
    expect(await all(`select odoo_id, deleted_at is not null as deleted from fact_stock order by 1`)).toEqual([
      { odoo_id: 1, deleted: false },
      { odoo_id: 2, deleted: true },
      { odoo_id: 3, deleted: false },
    ]);
  });

  it('works on text keys and spares rows loaded after the set was read', async () => {
    await upsert('dim_promotion_types', [{ code: 'coupons', name: 'Coupons' }, { code: 'gift_card', name: 'Gift Card' }]);
    const { rows } = await s.client.query(`select * from etl.mark_deleted_except('dim_promotion_types', '[{"code":"coupons"}]', now() - interval '1 hour')`);
    expect(rows).toEqual([{ deleted: 0, restored: 0 }]);
    const { rows: now } = await s.client.query(`select * from etl.mark_deleted_except('dim_promotion_types', '[{"code":"coupons"}]')`);
    expect(now).toEqual([{ deleted: 1, restored: 0 }]);
  });
});

describe('etl.reconcile_deleted_staged', () => {
  it("sets deleted_at on rows whose id is not in Odoo's id set, per source, and clears it when the id is back", async () => {
    await upsert('all_sales', [
      { source: 'pos', odoo_id: 1, write_date: T1 },
      { source: 'pos', odoo_id: 2, write_date: T1 },
      { source: 'sale', odoo_id: 1, write_date: T1 },
      { source: 'sale', odoo_id: 3, write_date: T1 },
    ]);
    // As src/sync/reconcile.ts stages Odoo's id set: a temporary table with an `id integer` column.
    const reconcile = async (source: string | null, ids: number[], table = 'all_sales') => {
      await s.client.query('create temporary table if not exists reconcile_ids (id integer)');
      await s.client.query('truncate reconcile_ids');
      await s.client.query('insert into reconcile_ids (id) select unnest($1::int[])', [ids]);
      return (await s.client.query(`select * from etl.reconcile_deleted_staged($1::regclass, $2, 'reconcile_ids'::regclass)`, [table, source])).rows[0];
    };
    expect(await reconcile('pos', [1])).toEqual({ deleted: 1, restored: 0 });
    expect(await all(`select source, odoo_id from all_sales where deleted_at is not null`)).toEqual([{ source: 'pos', odoo_id: 2 }]);
    expect(await reconcile('pos', [1, 2])).toEqual({ deleted: 0, restored: 1 });
    expect(await reconcile('sale', [])).toEqual({ deleted: 2, restored: 0 });
    await expect(reconcile(null, [1])).rejects.toThrow('needs a source');

    await upsert('dim_categories', [{ odoo_id: 1, write_date: T1 }, { odoo_id: 2, write_date: T1 }]);
    expect(await reconcile(null, [2], 'dim_categories')).toEqual({ deleted: 1, restored: 0 });
  });
});
