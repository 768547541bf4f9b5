// etl.entity is derived from the entity specs by `odoo-etl migrate` (src/db/entity-catalog.ts): a drifted,
// missing or stale row is put back in line, and an unchanged catalog is not rewritten.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reconcileEntityCatalog } from '../../src/db/entity-catalog.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { entities } from '../../src/entities/index.ts';
import { openSqlDatabase, type SqlDatabase } from './helpers.ts';

let s: SqlDatabase;
beforeAll(async () => {
  s = await openSqlDatabase();
});
afterAll(async () => {
  await s.close();
});

/** The catalog as the specs state it, written out here independently of entity-catalog.ts. */
function expectedCatalog() {
  return entities
    .map((e) => ({
      table_name: e.table,
      kind: e.kind,
      sync: e.sync,
      key_columns: e.key,
      odoo_models: e.sources.map((src) => src.model),
      source_column: e.sourceColumn ?? null,
      source_models: e.sourceColumn ? Object.fromEntries(e.sources.map((src) => [src.source, src.model])) : null,
      optional_model: e.optionalModel ?? false,
    }))
    .sort((a, b) => a.table_name.localeCompare(b.table_name));
}

async function catalog() {
  const { rows } = await s.client.query(
    `select table_name, kind, sync, key_columns, odoo_models, source_column, source_models, optional_model from etl.entity order by table_name`,
  );
  return rows;
}

describe('etl.entity, derived from the specs', () => {
  it('equals the specs after migrate, and an unchanged catalog is not rewritten', async () => {
    expect(await catalog()).toEqual(expectedCatalog());
    expect(await reconcileEntityCatalog(s.client)).toEqual({ written: 0, removed: 0 });
  });

  it('puts a drifted, a deleted and a stale row back in line on the next migrate', async () => {
    await s.client.query(`update etl.entity set odoo_models = '{wrong.model}', source_models = null where table_name = 'all_sales'`);
    await s.client.query(`delete from etl.entity where table_name = 'dim_product_costs'`);
    await s.client.query(`insert into etl.entity (table_name, kind, sync, key_columns, odoo_models)
                          values ('dim_retired', 'dimension', 'incremental', '{odoo_id}', '{retired.model}')`);
    expect(await catalog()).not.toEqual(expectedCatalog());

    const result = await migrateDatabase(s.db.url);
    expect(result.applied).toEqual([]);
    expect(await catalog()).toEqual(expectedCatalog());
  });

  it('changes nothing when a write fails half-way (one transaction)', async () => {
    await s.client.query(`delete from etl.entity where table_name = 'dim_brands'`);
    const before = await catalog();
    const broken = entities.map((e) => (e.table === 'dim_users' ? { ...e, kind: 'not-a-kind' as never } : e));
    await expect(reconcileEntityCatalog(s.client, broken)).rejects.toThrow(/check constraint/);
    expect(await catalog()).toEqual(before);
    await reconcileEntityCatalog(s.client);
    expect(await catalog()).toEqual(expectedCatalog());
  });
});
