/**
 * A declared table as an ordinary entity spec, so the engine (plan, read, load, reconcile, heal, status,
 * dbt-sources) treats it like any built-in table. The column types of the spec are informational (the
 * table's own column types, set at migrate, are what the load casts to): an undeclared type is taken from
 * the server at migrate and shown here as the nearest guess.
 */
import { registerDeclaredEntities, type ColumnSpec, type EntitySpec } from '../entities/index.ts';
import type { DeclaredTable } from './schema.ts';

export function toEntitySpec(table: DeclaredTable): EntitySpec {
  const columns: ColumnSpec[] = Object.entries(table.columns).map(([name, column]) => ({
    column: name,
    type: column.type ?? (column.references ? 'integer' : 'text'),
    field: column.field ?? name,
    required: column.required,
    ...(column.references ? { references: column.references } : {}),
    // A declared table referencing itself (a parent) must not order the run after itself.
    ...(column.references === table.name || column.cyclic ? { cyclic: true } : {}),
    ...(column.companyDependent ? { companyDependent: column.companyDependent } : {}),
  }));
  return {
    table: table.name,
    kind: table.kind,
    sync: table.sync,
    key: ['odoo_id'],
    active: table.active,
    sources: [{ model: table.model, ...(table.domain ? { domain: table.domain } : {}), columns }],
  };
}

let current: DeclaredTable[] = [];

/** Puts the declared tables into the entity registry (replacing earlier ones) and keeps them for migrate. */
export function useDeclarations(tables: DeclaredTable[]): void {
  registerDeclaredEntities(tables.map(toEntitySpec));
  current = [...tables];
}

/** The declarations in use in this process (what migrate creates). */
export function currentDeclarations(): DeclaredTable[] {
  return current;
}
