// Each table's load statement compiled into its own function (etl.compile_upserts, run by `odoo-etl migrate`):
// present for every catalog table, the very statement etl.upsert_sql generates, used by etl.upsert_json, and
// not needed for correctness (without it the load takes the dynamic path and writes the same rows).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { entities } from '../../src/entities/index.ts';
import { openSqlDatabase, type SqlDatabase } from './helpers.ts';

let s: SqlDatabase;
beforeAll(async () => {
  s = await openSqlDatabase();
});
afterAll(async () => {
  await s.close();
});
beforeEach(async () => {
  await s.client.query('truncate missing_data, dim_categories cascade');
});

const T1 = '2026-11-25T10:00:00Z';

async function compiledFunctions(): Promise<string[]> {
  const { rows } = await s.client.query<{ name: string }>(
    `select proname as name from pg_proc where pronamespace = 'etl'::regnamespace and proname like 'upsert\\_\\_%' order by 1`,
  );
  return rows.map((r) => r.name);
}

async function load(rows: unknown[]) {
  return (await s.client.query('select * from etl.upsert_json($1::regclass, $2::json)', ['dim_categories', JSON.stringify(rows)])).rows[0];
}

async function stored() {
  return (await s.client.query('select odoo_id, name, parent_id, inferred from dim_categories order by odoo_id')).rows;
}

describe('etl.compile_upserts', () => {
  it('gives every catalog table a function holding the statement etl.upsert_sql generates', async () => {
    expect(await compiledFunctions()).toEqual(entities.map((e) => `upsert__${e.table}`).sort());
    const { rows } = await s.client.query<{ body: string; statement: string }>(
      `select p.prosrc as body, etl.upsert_sql('fact_sales_lines') as statement from pg_proc p
        where p.oid = 'etl.upsert__fact_sales_lines()'::regprocedure`,
    );
    expect(rows[0]!.body).toContain(rows[0]!.statement);
  });

  it('is what etl.upsert_json runs, and the dynamic path without it writes the same rows', async () => {
    const batch = [
      { odoo_id: 2, name: 'Saleable', parent_id: 1, write_date: T1 },
      { odoo_id: 3, name: 'Office', write_date: T1 },
    ];
    await s.client.query(`select pg_stat_reset_single_function_counters('etl.upsert__dim_categories()'::regprocedure)`);
    await s.client.query(`set track_functions = 'pl'`);
    expect(await load(batch)).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
    const { rows: calls } = await s.client.query(`select calls from pg_stat_xact_user_functions where funcname = 'upsert__dim_categories'`);
    expect(calls).toEqual([{ calls: '1' }]);
    const compiled = await stored();

    await s.client.query('truncate missing_data, dim_categories cascade');
    await s.client.query('drop function etl.upsert__dim_categories()');
    try {
      expect(await load(batch)).toEqual({ inserted: 2, updated: 0, unchanged: 0 });
      expect(await stored()).toEqual(compiled);
      expect(compiled).toEqual([
        { odoo_id: 1, name: null, parent_id: null, inferred: true },
        { odoo_id: 2, name: 'Saleable', parent_id: 1, inferred: false },
        { odoo_id: 3, name: 'Office', parent_id: null, inferred: false },
      ]);
    } finally {
      await s.client.query('select etl.compile_upserts()');
    }
    expect(await compiledFunctions()).toContain('upsert__dim_categories');
  });

  it("drops the function of a table that left the catalog", async () => {
    await s.client.query('begin');
    try {
      await s.client.query(`delete from etl.entity where table_name = 'dim_brands'`);
      await s.client.query('select etl.compile_upserts()');
      expect(await compiledFunctions()).not.toContain('upsert__dim_brands');
    } finally {
      await s.client.query('rollback');
    }
    expect(await compiledFunctions()).toContain('upsert__dim_brands');
  });
});
