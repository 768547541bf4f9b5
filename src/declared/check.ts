/**
 * `odoo-etl check` for a declared table, beyond what every table gets (model there, fields there, the user
 * reads the model): each column's field has a type the column can hold, a reference's many2one points at the
 * model its table mirrors, and the user can read the declared fields (a search_read of one record).
 */
import { getEntity, type ColumnType } from '../entities/index.ts';
import { OdooError, OdooUnknownModelError, type OdooClient } from '../odoo/index.ts';
import type { CheckResult } from '../ops/check/result.ts';
import { columnTypeOf, compatible } from './odoo-types.ts';
import type { DeclaredTable } from './schema.ts';

interface FieldInfo {
  type?: string;
  relation?: string;
}

export async function checkDeclaredTable(odoo: OdooClient, table: DeclaredTable, context: Record<string, unknown>): Promise<CheckResult> {
  const check = `declared ${table.name}`;
  let fields: Record<string, FieldInfo>;
  try {
    fields = (await odoo.fieldsGet(table.model)) as Record<string, FieldInfo>;
  } catch (error) {
    if (error instanceof OdooUnknownModelError) {
      return { check, status: 'fail', detail: `Odoo has no model ${table.model}`, fix: `install the module (or Studio app) that provides ${table.model}, or fix "model:" in the declaration` };
    }
    throw error;
  }
  const problems: string[] = [];
  const read: string[] = [];
  if (table.sync === 'incremental' && !('write_date' in fields)) problems.push(`${table.model} has no write_date to sync incrementally on: declare "sync: snapshot"`);
  if (table.active && !('active' in fields)) problems.push(`${table.model} has no field active: remove "active: true"`);
  for (const [name, column] of Object.entries(table.columns)) {
    const field = column.field ?? name;
    const info = fields[field];
    if (!info) {
      if (column.required) problems.push(`${name}: ${table.model} has no field ${field} (or the API user may not see it)`);
      continue;
    }
    read.push(field);
    const odooType = info.type ?? '';
    if (column.references) {
      const target = getEntity(column.references);
      const mirrored = target.sources.map((s) => s.model);
      if (odooType !== 'many2one') problems.push(`${name}: ${table.model}.${field} is a ${odooType} field, not a many2one: it cannot reference ${column.references}`);
      else if (info.relation && !mirrored.includes(info.relation)) {
        problems.push(`${name}: ${table.model}.${field} points at ${info.relation}, but ${column.references} mirrors ${mirrored.join(', ')}`);
      }
      continue;
    }
    const type: ColumnType | undefined = column.type ?? columnTypeOf(odooType);
    if (!type || !compatible(type, odooType)) problems.push(`${name}: ${table.model}.${field} is a ${odooType} field, which a ${type ?? 'column'} column cannot hold`);
  }
  if (problems.length > 0) return { check, status: 'fail', detail: problems.join('; '), fix: 'fix the declaration (ODOO_ETL_TABLES): field names, types and references' };
  try {
    await odoo.searchRead(table.model, { domain: [], fields: read, limit: 1, context });
  } catch (error) {
    return { check, status: 'fail', detail: `the API user cannot read ${table.model} fields ${read.join(', ')}: ${(error as OdooError).message}`, fix: `give the API user read access to ${table.model}` };
  }
  // history: true adds the table to HISTORY (unless HISTORY=none), see src/history/setting.ts.
  const history = table.history ? `; history: true (versions in ${table.name}_history)` : '';
  return { check, status: 'ok', detail: `${table.model}: ${read.length} field(s) with compatible types${history}` };
}
