// Every entity spec and the migrated schema agree column for column: names, types, references (as real
// foreign keys), keys, and the etl.entity catalog the SQL load reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMON_COLUMNS, entities, type Entity } from '../../src/entities/index.ts';
import { foreignKeys, openSqlDatabase, publicColumns, type ColumnInfo, type ForeignKey, type SqlDatabase } from './helpers.ts';

const PG_TYPES: Record<string, string> = {
  text: 'text',
  integer: 'integer',
  numeric: 'numeric',
  boolean: 'boolean',
  date: 'date',
  timestamptz: 'timestamp with time zone',
  'integer[]': 'integer[]',
  jsonb: 'jsonb',
};

/** Column → type the spec implies for its table (key, common, active and every source's columns). */
function specColumns(entity: Entity): Map<string, string> {
  const columns = new Map<string, string>();
  const add = (name: string, type: string) => {
    const before = columns.get(name);
    if (before !== undefined && before !== type) throw new Error(`${entity.table}.${name}: sources disagree on its type (${before} vs ${type})`);
    columns.set(name, type);
  };
  if (entity.key.includes('odoo_id')) add('odoo_id', 'integer');
  add('write_date', 'timestamp with time zone');
  add('synced_at', 'timestamp with time zone');
  add('deleted_at', 'timestamp with time zone');
  add('extra', 'jsonb');
  add('inferred', 'boolean');
  if (entity.active) add('active', 'boolean');
  for (const source of entity.sources) for (const column of source.columns) add(column.column, PG_TYPES[column.type]!);
  return columns;
}

describe('entity specs and the migrated schema', () => {
  let s: SqlDatabase;
  let columns: ColumnInfo[];
  let fks: ForeignKey[];
  beforeAll(async () => {
    s = await openSqlDatabase();
    columns = await publicColumns(s.client);
    fks = await foreignKeys(s.client);
  });
  afterAll(async () => {
    await s.close();
  });

  it('lists the common columns the design gives every table', () => {
    expect([...COMMON_COLUMNS].sort()).toEqual(['deleted_at', 'extra', 'inferred', 'synced_at', 'write_date']);
  });

  for (const entity of entities) {
    describe(entity.table, () => {
      it('has exactly the spec columns, with the spec types (generated helper columns aside)', () => {
        const table = columns.filter((c) => c.table === entity.table && !c.generated);
        const actual = Object.fromEntries(table.map((c) => [c.column, c.type]));
        expect(actual).toEqual(Object.fromEntries(specColumns(entity)));
      });

      it('has a foreign key for every reference, and a reference for every foreign key', () => {
        const generated = new Set(columns.filter((c) => c.table === entity.table && c.generated).map((c) => c.column));
        const tableFks = fks.filter((f) => f.table === entity.table);
        // the referencing column of an FK: its columns minus the source part of a composite key (a one-column
        // FK is its column, key or not: dim_product_costs' key is two references)
        const fkRefs = tableFks.flatMap((f) =>
          f.columns
            .filter((c) => !generated.has(c) && (f.columns.length === 1 || !entity.key.includes(c)))
            .map((c) => `${c} → ${f.references}`),
        );
        const specRefs = new Set<string>();
        for (const source of entity.sources) {
          for (const column of source.columns) if (column.references) specRefs.add(`${column.column} → ${column.references}`);
        }
        expect(fkRefs.sort()).toEqual([...specRefs].sort());
      });

      it('has the spec key as primary key, and every key column is filled by every source', () => {
        for (const source of entity.sources) {
          const filled = new Set(source.columns.map((c) => c.column));
          for (const k of entity.key) if (k !== 'odoo_id') expect(filled.has(k), `${source.model} fills ${k}`).toBe(true);
          if (entity.sourceColumn) {
            const constant = source.columns.find((c) => c.column === entity.sourceColumn);
            expect(constant && 'constant' in constant ? constant.constant : undefined).toBe(source.source);
          }
        }
        expect(entity.sources.length > 1).toBe(entity.sourceColumn !== undefined);
      });
    });
  }

  it('has the same catalog in etl.entity as in the registry', async () => {
    const { rows } = await s.client.query(
      `select table_name, kind, sync, key_columns, odoo_models, source_column, source_models, optional_model from etl.entity order by table_name`,
    );
    const expected = entities
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
    expect(rows).toEqual(expected);
  });
});
