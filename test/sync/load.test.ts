// The engine's load call (src/sync/load.ts: COPY into the session's staging table, then one merge), through a
// slonik pool on real PostgreSQL: the values arrive as json_populate_recordset made them before, the counts
// and the write_date rule hold, and the load is part of the caller's transaction.
import { sql } from 'slonik';
import { z } from 'zod';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { upsertRows } from '../../src/sync/load.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
  // A table of the load's contract with the value kinds no catalog table has (text[], a jsonb string, a tab-laden key).
  await db.pool.query(sql.unsafe`
    create table public.load_kinds (
      code text primary key, labels text[], grid integer[], doc jsonb, note text, amount numeric(12, 2), day date,
      write_date timestamptz, synced_at timestamptz not null default now(), inferred boolean not null default false,
      deleted_at timestamptz)`);
});
afterAll(async () => {
  await db.drop();
});
beforeEach(async () => {
  await db.pool.query(sql.unsafe`truncate missing_data, dim_categories, dim_products, dim_products_product, load_kinds cascade`);
});

const T1 = '2026-11-25T10:00:00.000Z';
const T2 = '2026-11-25T11:00:00.000Z';

const load = (table: string, rows: Array<Record<string, unknown>>) => db.pool.transaction((tx) => upsertRows(tx, table, rows));
const all = (query: ReturnType<typeof sql.unsafe>) => db.pool.any(query);

describe('upsertRows (COPY, then one merge)', () => {
  it('inserts new rows, updates changed ones and leaves unchanged ones untouched', async () => {
    expect(await load('dim_categories', [
      { odoo_id: 1, name: 'All', write_date: T1 },
      { odoo_id: 2, name: 'Saleable', parent_id: 1, write_date: T1 },
    ])).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    const [before] = await all(sql.unsafe`select xmin::text as xmin from dim_categories where odoo_id = 2`);
    expect(await load('dim_categories', [
      { odoo_id: 1, name: 'All products', write_date: T2 },
      { odoo_id: 2, name: 'Saleable', parent_id: 1, write_date: T1 },
    ])).toEqual({ inserted: 0, updated: 1, unchanged: 1 });
    expect(await all(sql.unsafe`select odoo_id, name, xmin::text as xmin from dim_categories order by 1`)).toEqual([
      { odoo_id: 1, name: 'All products', xmin: expect.any(String) },
      { odoo_id: 2, name: 'Saleable', xmin: before!.xmin },
    ]);
  });

  it('never lets an older read overwrite a row with a newer stored write_date', async () => {
    await load('dim_categories', [{ odoo_id: 1, name: 'New', write_date: T2 }]);
    expect(await load('dim_categories', [{ odoo_id: 1, name: 'Old', write_date: T1 }])).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
    expect(await all(sql.unsafe`select name, write_date from dim_categories`)).toEqual([{ name: 'New', write_date: T2 }]);
  });

  it('merges duplicate keys of one batch: the highest write_date wins, then the last one', async () => {
    expect(await load('dim_categories', [
      { odoo_id: 1, name: 'newest', write_date: T2 },
      { odoo_id: 1, name: 'older', write_date: T1 },
      { odoo_id: 2, name: 'first', write_date: T1 },
      { odoo_id: 2, name: 'last', write_date: T1 },
    ])).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    expect(await all(sql.unsafe`select odoo_id, name from dim_categories order by 1`)).toEqual([
      { odoo_id: 1, name: 'newest' },
      { odoo_id: 2, name: 'last' },
    ]);
  });

  it('stores every kind of value as it was sent: text with COPY delimiters, arrays, jsonb, numbers, dates, nulls', async () => {
    const tricky = 'tab\there, line\nbreak, cr\r, back\\slash \\N, "quotes", {braces}, comma, ünïcödé ☕';
    expect(await load('load_kinds', [
      { code: 'a\tb', labels: ['x, y', 'say "hi"', 'back\\slash', null, '', 'NULL', 'tab\tnew\nline'], grid: [1, null, 3],
        doc: { nested: [1, 'two', { three: null }], text: tricky }, note: tricky, amount: 1234.5, day: '2026-02-28', write_date: T1 },
      { code: 'json string', doc: 'just a string', note: '', labels: [], grid: [[1, 2], [3, 4]] },
      { code: 'absent keys' },
      { code: 'nulls', labels: null, grid: null, doc: null, note: null, amount: null, day: null, write_date: null },
      { code: 'scalars as text', note: 42.5, doc: true },
    ])).toEqual({ inserted: 5, updated: 0, unchanged: 0 });
    const rows = await all(sql.unsafe`
      select code, labels, grid::text as grid, doc, note, amount::text as amount, day::text as day, write_date
        from load_kinds order by code`);
    expect(rows).toEqual([
      { code: 'a\tb', labels: ['x, y', 'say "hi"', 'back\\slash', null, '', 'NULL', 'tab\tnew\nline'], grid: '{1,NULL,3}',
        doc: { nested: [1, 'two', { three: null }], text: tricky }, note: tricky, amount: '1234.50', day: '2026-02-28', write_date: T1 },
      { code: 'absent keys', labels: null, grid: null, doc: null, note: null, amount: null, day: null, write_date: null },
      { code: 'json string', labels: [], grid: '{{1,2},{3,4}}', doc: 'just a string', note: '', amount: null, day: null, write_date: null },
      { code: 'nulls', labels: null, grid: null, doc: null, note: null, amount: null, day: null, write_date: null },
      { code: 'scalars as text', labels: null, grid: null, doc: true, note: '42.5', amount: null, day: null, write_date: null },
    ]);
    // Loaded again unchanged, nothing is written.
    expect(await load('load_kinds', [{ code: 'nulls' }, { code: 'absent keys' }])).toEqual({ inserted: 0, updated: 0, unchanged: 2 });
  });

  it('infers a missing parent and records it in missing_data, as the SQL load does', async () => {
    expect(await load('dim_products_product', [{ odoo_id: 10, product_tmpl_id: 100, default_code: 'A', write_date: T1 }]))
      .toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    expect(await all(sql.unsafe`select odoo_id, inferred from dim_products`)).toEqual([{ odoo_id: 100, inferred: true }]);
    expect(await all(sql.unsafe`select table_name, column_name, referenced_table, referenced_id from missing_data`)).toEqual([
      { table_name: 'dim_products_product', column_name: 'product_tmpl_id', referenced_table: 'dim_products', referenced_id: 100 },
    ]);
  });

  it('is part of the caller transaction: rolled back with it, and the session loads again afterwards', async () => {
    const failed = new Error('after the load');
    await expect(db.pool.transaction(async (tx) => {
      await upsertRows(tx, 'dim_categories', [{ odoo_id: 1, name: 'rolled back', write_date: T1 }]);
      throw failed;
    })).rejects.toBe(failed);
    expect(await all(sql.unsafe`select odoo_id from dim_categories`)).toEqual([]);
    // Every pooled session, including the one whose staging table was created by the rolled-back transaction.
    await Promise.all([1, 2, 3, 4, 5].map((id) => load('dim_categories', [{ odoo_id: id, name: `c${id}`, write_date: T1 }])));
    expect(await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from dim_categories`)).toBe(5);
  });

  it('loads one table twice in one transaction, each batch counted on its own', async () => {
    const counts = await db.pool.transaction(async (tx) => [
      await upsertRows(tx, 'dim_categories', [{ odoo_id: 1, name: 'one', write_date: T1 }]),
      await upsertRows(tx, 'dim_categories', [{ odoo_id: 1, name: 'one', write_date: T1 }, { odoo_id: 2, name: 'two', write_date: T1 }]),
    ]);
    expect(counts).toEqual([{ inserted: 1, updated: 0, unchanged: 0 }, { inserted: 1, updated: 0, unchanged: 1 }]);
  });

  it('makes a session staging table again when a migration changed the table', async () => {
    await db.pool.connect(async (session) => {
      // This session stages load_kinds with its columns of now...
      await session.transaction((tx) => upsertRows(tx, 'load_kinds', [{ code: 'before', note: 'a long note of thirty characters' }]));
      // ...then a migration (another connection) adds a column and changes a type...
      await db.pool.query(sql.unsafe`alter table load_kinds add column added text, alter column note type varchar(5) using left(note, 5)`);
      try {
        // ...and the same session loads again: a value of the new column, a note too long for the new type.
        expect(await session.transaction((tx) => upsertRows(tx, 'load_kinds', [{ code: 'after', added: 'new' }])))
          .toEqual({ inserted: 1, updated: 0, unchanged: 0 });
        await expect(session.transaction((tx) => upsertRows(tx, 'load_kinds', [{ code: 'long', note: 'longer than five' }])))
          .rejects.toThrow(/too long for type character varying\(5\)/);
      } finally {
        await db.pool.query(sql.unsafe`alter table load_kinds drop column added, alter column note type text`);
      }
    });
    expect(await all(sql.unsafe`select code, note from load_kinds order by code`)).toEqual([
      { code: 'after', note: null },
      { code: 'before', note: 'a lon' },
    ]);
  });

  it('accepts an empty batch', async () => {
    expect(await load('dim_categories', [])).toEqual({ inserted: 0, updated: 0, unchanged: 0 });
  });
});
