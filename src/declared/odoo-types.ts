/**
 * Odoo field types (fields_get `type`) and the column types that mirror them, as the built-in tables do:
 * many2one → integer (the id), many2many → integer[], money and floats → numeric, selections → text.
 * one2many and binary fields are not mirrored (the other side holds a one2many; binaries do not belong in
 * a warehouse).
 */
import type { ColumnType } from '../entities/index.ts';

const BY_ODOO_TYPE: Record<string, ColumnType> = {
  char: 'text',
  text: 'text',
  html: 'text',
  selection: 'text',
  reference: 'text',
  integer: 'integer',
  many2one: 'integer',
  many2one_reference: 'integer',
  float: 'numeric',
  monetary: 'numeric',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamptz',
  many2many: 'integer[]',
  json: 'jsonb',
  properties: 'jsonb',
};

/** The column type of an Odoo field type; undefined for fields that are not mirrored (one2many, binary, …). */
export function columnTypeOf(odooType: string): ColumnType | undefined {
  return BY_ODOO_TYPE[odooType];
}

/** Can a column of `column` type hold the values of an Odoo field of `odooType`? (for check) */
export function compatible(column: ColumnType, odooType: string): boolean {
  const natural = columnTypeOf(odooType);
  if (natural === undefined) return false;
  if (natural === column) return true;
  // Anything can be kept as text except lists; integers fit numeric.
  return (column === 'text' && natural !== 'integer[]' && natural !== 'jsonb') || (column === 'numeric' && natural === 'integer');
}
