/**
 * etl.entity, the catalog the SQL load and reconcile read (the Odoo model behind a missing reference, the
 * source column of a multi-model table), derived from the one source of truth: the entity specs of
 * src/entities. `odoo-etl migrate` reconciles the table with the specs after the migrations, in one
 * transaction, so no migration keeps a hand-written copy of it (000001 and 000004 inserted rows; whatever
 * they wrote is overwritten here, and a table no longer specified loses its row).
 */
import type pg from 'pg';
import { entities, type Entity } from '../entities/index.ts';

export interface EntityCatalogRow {
  table_name: string;
  kind: Entity['kind'];
  sync: Entity['sync'];
  key_columns: string[];
  /** Every Odoo model the entity reads, in spec order. */
  odoo_models: string[];
  /** For an entity fed by several models: the key column telling them apart, and its value → model. */
  source_column: string | null;
  source_models: Record<string, string> | null;
  optional_model: boolean;
}

export function catalogRow(entity: Entity): EntityCatalogRow {
  return {
    table_name: entity.table,
    kind: entity.kind,
    sync: entity.sync,
    key_columns: [...entity.key],
    odoo_models: entity.sources.map((source) => source.model),
    source_column: entity.sourceColumn ?? null,
    source_models: entity.sourceColumn ? Object.fromEntries(entity.sources.map((source) => [source.source, source.model])) : null,
    optional_model: entity.optionalModel ?? false,
  };
}

export interface CatalogChange {
  /** Rows inserted or changed. */
  written: number;
  /** Rows of tables no spec names any more. */
  removed: number;
}

/** Makes etl.entity equal to the specs, in one transaction on the given client (idle, not in a transaction). */
export async function reconcileEntityCatalog(client: pg.Client | pg.PoolClient, specs: Entity[] = entities): Promise<CatalogChange> {
  const rows = specs.map(catalogRow);
  await client.query('begin');
  try {
    // Unchanged rows are not rewritten (the `where ... is distinct from`), so a second migrate writes nothing.
    const written = await client.query(
      `insert into etl.entity as e (table_name, kind, sync, key_columns, odoo_models, source_column, source_models, optional_model)
       select r.table_name, r.kind, r.sync, r.key_columns, r.odoo_models, r.source_column, r.source_models, r.optional_model
         from json_to_recordset($1::json) as r(table_name text, kind text, sync text, key_columns text[], odoo_models text[],
                                                source_column text, source_models jsonb, optional_model boolean)
       on conflict (table_name) do update set
         kind = excluded.kind, sync = excluded.sync, key_columns = excluded.key_columns, odoo_models = excluded.odoo_models,
         source_column = excluded.source_column, source_models = excluded.source_models, optional_model = excluded.optional_model
       where (e.kind, e.sync, e.key_columns, e.odoo_models, e.source_column, e.source_models, e.optional_model)
             is distinct from (excluded.kind, excluded.sync, excluded.key_columns, excluded.odoo_models,
                               excluded.source_column, excluded.source_models, excluded.optional_model)`,
      [JSON.stringify(rows)],
    );
    const removed = await client.query('delete from etl.entity where not (table_name = any ($1::text[]))', [rows.map((r) => r.table_name)]);
    await client.query('commit');
    return { written: written.rowCount ?? 0, removed: removed.rowCount ?? 0 };
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}
