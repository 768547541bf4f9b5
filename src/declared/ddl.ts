/**
 * `odoo-etl migrate`, after the built-in migrations: makes the declared tables exist. A new table is
 * created as the built-in ones are (odoo_id key, the common columns, the write_date cursor index, the
 * synced_at index, deferrable foreign keys); a new column is added. Nothing is ever dropped or rewritten:
 * a column the declaration no longer names stays (reported), a changed type is refused. Each step is
 * logged in etl.declared_change. Identifiers go through sql.identifier, never into a string.
 */
import crypto from 'node:crypto';
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { DatabasePool } from '../db/pool.ts';
import { OdooUnknownModelError } from '../odoo/errors.ts';
import type { ColumnType } from '../entities/index.ts';
import { columnTypeOf } from './odoo-types.ts';
import type { DeclaredTable } from './schema.ts';

/** fields_get of a model (null: the model is absent), for the columns whose type is not declared. */
export type FieldsGetOf = (model: string) => Promise<Record<string, unknown> | null>;

export class DeclaredSchemaError extends Error {
  override name = 'DeclaredSchemaError';
}

/** A declared type that differs from the column's: refused, and logged as `type_refused` for status. */
export class TypeChangeRefused extends DeclaredSchemaError {
  constructor(message: string, readonly change: DeclaredChange) {
    super(message);
  }
}

export interface DeclaredChange {
  table: string;
  action: 'create_table' | 'add_column' | 'create_index' | 'add_foreign_key' | 'column_kept' | 'type_refused';
  column: string | null;
  detail: string;
}

/** PostgreSQL's spelling (format_type) of each column type. */
const PG_TYPE: Record<ColumnType, string> = {
  text: 'text', integer: 'integer', numeric: 'numeric', boolean: 'boolean', date: 'date',
  timestamptz: 'timestamp with time zone', 'integer[]': 'integer[]', jsonb: 'jsonb',
};

const COMMON: Array<[string, string]> = [['write_date', 'timestamptz'], ['synced_at', 'timestamptz'], ['deleted_at', 'timestamptz'], ['extra', 'jsonb']];

/** The declared columns with their types: declared, integer for a reference, else from the server. */
export async function resolveColumnTypes(table: DeclaredTable, fieldsGetOf: FieldsGetOf | undefined): Promise<Array<[string, ColumnType]>> {
  const untyped = Object.entries(table.columns).filter(([, c]) => c.type === undefined && c.references === undefined);
  let fields: Record<string, unknown> | null | undefined;
  if (untyped.length > 0) {
    if (!fieldsGetOf) {
      throw new DeclaredSchemaError(
        `${table.name}: column${untyped.length > 1 ? 's' : ''} ${untyped.map(([n]) => n).join(', ')} declare${untyped.length > 1 ? '' : 's'} no type: ` +
          `give "type:" in the declaration, or configure Odoo (ODOO_URL, …) so migrate can read it from fields_get`,
      );
    }
    fields = await fieldsGetOf(table.model);
    if (fields === null) throw new DeclaredSchemaError(`${table.name}: Odoo has no model ${table.model}, so the types of ${untyped.map(([n]) => n).join(', ')} cannot be read: give "type:"`);
  }
  return Object.entries(table.columns).map(([name, column]) => {
    if (column.type) return [name, column.type];
    if (column.references) return [name, 'integer'];
    const field = column.field ?? name;
    const info = fields?.[field] as { type?: string } | undefined;
    if (!info) throw new DeclaredSchemaError(`${table.name}: Odoo model ${table.model} has no field ${field} (column ${name}): give "type:" or fix the field`);
    const type = columnTypeOf(info.type ?? '');
    if (!type) throw new DeclaredSchemaError(`${table.name}: ${table.model}.${field} is a ${info.type} field, which is not mirrored (column ${name})`);
    return [name, type];
  });
}

/** Creates or extends every declared table in one transaction; returns what it did (nothing on a second run). */
export async function applyDeclaredTables(pool: DatabasePool, tables: DeclaredTable[], fieldsGetOf?: FieldsGetOf): Promise<DeclaredChange[]> {
  const typed = new Map<string, Array<[string, ColumnType]>>();
  for (const table of tables) typed.set(table.name, await resolveColumnTypes(table, fieldsGetOf));
  const applied = pool.transaction(async (tx) => {
    const changes: DeclaredChange[] = [];
    // Tables and columns first, so foreign keys between declared tables find their target.
    for (const table of tables) changes.push(...(await ensureColumns(tx, table, typed.get(table.name)!)));
    for (const table of tables) changes.push(...(await ensureIndexesAndKeys(tx, table)));
    for (const change of changes) {
      await tx.query(sql.unsafe`insert into etl.declared_change (table_name, action, column_name, detail)
        values (${change.table}, ${change.action}, ${change.column}, ${change.detail})`);
    }
    return changes;
  });
  return applied.catch(async (error: unknown) => {
    // The transaction rolled back; the refusal is logged on its own (once while it stands) so status shows it.
    if (error instanceof TypeChangeRefused) {
      const { table, action, column, detail } = error.change;
      await pool.query(sql.unsafe`insert into etl.declared_change (table_name, action, column_name, detail)
        select ${table}, ${action}, ${column}, ${detail}
         where (select action || ':' || coalesce(detail, '') from etl.declared_change
                 where table_name = ${table} and column_name = ${column} order by id desc limit 1)
               is distinct from ${`${action}:${detail}`}`);
    }
    throw error;
  });
}

async function ensureColumns(tx: DatabaseTransactionConnection, table: DeclaredTable, columns: Array<[string, ColumnType]>): Promise<DeclaredChange[]> {
  const name = sql.identifier(['public', table.name]);
  const existing = await tx.any(sql.type(z.object({ column: z.string(), type: z.string() }))`
    select a.attname as column, format_type(a.atttypid, a.atttypmod) as type
      from pg_attribute a where a.attrelid = to_regclass(${`public.${table.name}`}) and a.attnum > 0 and not a.attisdropped`);
  const wanted: Array<[string, ColumnType]> = [...columns, ...(table.active ? [['active', 'boolean'] as [string, ColumnType]] : [])];
  if (existing.length === 0) {
    const definitions = [
      sql.fragment`odoo_id integer not null`,
      ...wanted.map(([column, type]) => sql.fragment`${sql.identifier([column])} ${typeName(type)}`),
      ...COMMON.map(([column, type]) => sql.fragment`${sql.identifier([column])} ${typeName(type as ColumnType)}`),
      sql.fragment`inferred boolean not null default false`,
      sql.fragment`primary key (odoo_id)`,
    ];
    await tx.query(sql.unsafe`create table ${name} (${sql.join(definitions, sql.fragment`, `)})`);
    return [{ table: table.name, action: 'create_table', column: null, detail: `${table.model}: ${wanted.map(([c, t]) => `${c} ${t}`).join(', ')}` }];
  }
  const have = new Map(existing.map((row) => [row.column, row.type]));
  const changes: DeclaredChange[] = [];
  for (const [column, type] of wanted) {
    const current = have.get(column);
    if (current === undefined) {
      await tx.query(sql.unsafe`alter table ${name} add column ${sql.identifier([column])} ${typeName(type)}`);
      changes.push({ table: table.name, action: 'add_column', column, detail: type });
    } else if (current !== PG_TYPE[type]) {
      throw new TypeChangeRefused(
        `${table.name}.${column} is ${current} in the database but declared ${type}: odoo-etl never rewrites a column. ` +
          `Declare it as ${typeOfPg(current) ?? current} again, or declare a new column (e.g. ${column}_2: { field: …, type: ${type} }) ` +
          `and drop ${column} yourself once nothing reads it (alter table ${table.name} drop column ${column})`,
        { table: table.name, action: 'type_refused', column, detail: `${current} in the database, declared ${type}` },
      );
    }
  }
  const known = new Set(['odoo_id', 'inferred', ...COMMON.map(([c]) => c), ...wanted.map(([c]) => c)]);
  for (const column of have.keys()) {
    if (known.has(column)) continue;
    // Reported once, until the column is declared again.
    const last = await tx.maybeOneFirst(sql.type(z.object({ action: z.string() }))`
      select action from etl.declared_change where table_name = ${table.name} and column_name = ${column} order by id desc limit 1`);
    if (last !== 'column_kept') changes.push({ table: table.name, action: 'column_kept', column, detail: 'no longer declared: kept with its data' });
  }
  return changes;
}

async function ensureIndexesAndKeys(tx: DatabaseTransactionConnection, table: DeclaredTable): Promise<DeclaredChange[]> {
  const name = sql.identifier(['public', table.name]);
  const changes: DeclaredChange[] = [];
  const indexes: Array<[string, ReturnType<typeof sql.fragment>]> = [
    [`${table.name}_write_date_idx`, sql.fragment`(write_date, odoo_id)`],
    [`${table.name}_synced_at_idx`, sql.fragment`(synced_at)`],
  ];
  for (const [index, columns] of indexes) {
    if (await tx.oneFirst(sql.type(z.object({ exists: z.boolean() }))`select to_regclass(${`public.${index}`}) is not null as exists`)) continue;
    await tx.query(sql.unsafe`create index ${sql.identifier([index])} on ${name} ${columns}`);
    changes.push({ table: table.name, action: 'create_index', column: null, detail: index });
  }
  for (const [column, declared] of Object.entries(table.columns)) {
    if (!declared.references) continue;
    const constraint = foreignKeyName(table.name, column);
    const exists = await tx.oneFirst(sql.type(z.object({ exists: z.boolean() }))`
      select exists (select 1 from pg_constraint where conname = ${constraint} and conrelid = to_regclass(${`public.${table.name}`})) as exists`);
    if (exists) continue;
    await tx.query(sql.unsafe`alter table ${name} add constraint ${sql.identifier([constraint])}
      foreign key (${sql.identifier([column])}) references ${sql.identifier(['public', declared.references])} (odoo_id) deferrable initially deferred`);
    changes.push({ table: table.name, action: 'add_foreign_key', column, detail: `references ${declared.references}` });
  }
  return changes;
}

/**
 * `<table>_<column>_fkey` as the built-in tables name theirs; PostgreSQL cuts names at 63 bytes, so a longer
 * one is shortened with a hash of the column (stable, so the next migrate finds it).
 */
export function foreignKeyName(table: string, column: string): string {
  const name = `${table}_${column}_fkey`;
  if (name.length <= 63) return name;
  return `${table}_${crypto.createHash('sha1').update(column).digest('hex').slice(0, 10)}_fkey`;
}

/** A column type as SQL (from the fixed list above, never from input text). */
function typeName(type: ColumnType) {
  switch (type) {
    case 'text': return sql.fragment`text`;
    case 'integer': return sql.fragment`integer`;
    case 'numeric': return sql.fragment`numeric`;
    case 'boolean': return sql.fragment`boolean`;
    case 'date': return sql.fragment`date`;
    case 'timestamptz': return sql.fragment`timestamptz`;
    case 'integer[]': return sql.fragment`integer[]`;
    case 'jsonb': return sql.fragment`jsonb`;
  }
}

function typeOfPg(pgType: string): ColumnType | undefined {
  return (Object.entries(PG_TYPE) as Array<[ColumnType, string]>).find(([, p]) => p === pgType)?.[0];
}

/** fields_get through an Odoo client, an absent model as null. */
export function fieldsGetThrough(odoo: { fieldsGet(model: string): Promise<Record<string, unknown>> }): FieldsGetOf {
  return async (model) => {
    try {
      return await odoo.fieldsGet(model);
    } catch (error) {
      if (error instanceof OdooUnknownModelError) return null;
      throw error;
    }
  };
}
