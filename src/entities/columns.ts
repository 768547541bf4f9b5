/** Short builders for the column specs (required unless said otherwise; the field defaults to the column name). */
import type { BusinessDateColumn, ColumnSpec, ColumnType, CompanyColumn, ConstantColumn, FieldColumn, FieldRef } from './types.ts';

export interface FieldOptions {
  field?: FieldRef;
  required?: boolean;
  cyclic?: boolean;
  companyDependent?: ColumnSpec['companyDependent'];
}

export function col(column: string, type: ColumnType, options: FieldOptions = {}): FieldColumn {
  return {
    column,
    type,
    field: options.field ?? column,
    required: options.required ?? true,
    ...(options.cyclic ? { cyclic: true } : {}),
    ...(options.companyDependent ? { companyDependent: options.companyDependent } : {}),
  };
}

/** A many2one to another mirrored table: integer column with a foreign key. */
export function ref(column: string, references: string, options: FieldOptions = {}): FieldColumn {
  return { ...col(column, 'integer', options), references };
}

export function constant(column: string, value: string): ConstantColumn {
  return { column, type: 'text', constant: value, required: true };
}

/** The company a per-company source's row was read for, a reference to dim_branches. */
export function readCompany(column: string): CompanyColumn {
  return { column, type: 'integer', references: 'dim_branches', required: true, readCompany: true };
}

/** The calendar day of the datetime field `of` in the record's company's timezone (src/entities/business-date.ts). */
export function businessDate(column: string, of: string): BusinessDateColumn {
  return { column, type: 'date', required: true, businessDateOf: of };
}
