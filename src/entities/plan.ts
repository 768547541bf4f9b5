/**
 * From a spec and a server's fields_get to what a sync reads and writes: the field list to request for a
 * server version, the check of required/optional fields, and the mapping of a decoded record to a row.
 */
import { businessDateOf, type BusinessTimezones } from './business-date.ts';
import {
  ODOO_SERIES,
  type ColumnSpec,
  type EntitySpec,
  type OdooSeries,
  type CompanyValues,
  type RecordValues,
  type RowValue,
  type SourceSpec,
} from './types.ts';

/** A field the spec requires is not on the server. */
export class MissingFieldError extends Error {
  override name = 'MissingFieldError';
  constructor(
    readonly table: string,
    readonly model: string,
    readonly fields: string[],
    readonly series: OdooSeries,
  ) {
    super(`${table}: Odoo ${series} model ${model} has no field ${fields.join(', ')} (required by the entity spec)`);
  }
}

/** A model the spec requires is not installed on the server. */
export class MissingModelError extends Error {
  override name = 'MissingModelError';
  constructor(
    readonly table: string,
    readonly model: string,
    readonly series: OdooSeries,
  ) {
    super(`${table}: Odoo ${series} has no model ${model} (is its module installed?)`);
  }
}

/** A column reads a company-dependent field but its spec does not say which company's value it carries. */
export class CompanyDependentColumnError extends Error {
  override name = 'CompanyDependentColumnError';
  constructor(
    readonly table: string,
    readonly model: string,
    readonly column: string,
    readonly fields: string[],
    readonly series: OdooSeries,
  ) {
    super(
      `${table}: column ${column} reads ${model}.${fields.join(', ')}, company-dependent on Odoo ${series}: ` +
        `the spec must choose companyDependent 'record' (the record's company, else the main company) or 'main', or read the source per company`,
    );
  }
}

/** `17.0`, `17.0+e`, `saas~17.2`, `17` → `17.0`; series above the newest known use the newest spec. */
export function seriesOf(version: string): OdooSeries {
  const major = Number(/(\d+)/.exec(version.replace(/^saas~/, ''))?.[1]);
  if (!Number.isInteger(major)) throw new Error(`cannot read an Odoo series from "${version}"`);
  const first = Number.parseInt(ODOO_SERIES[0], 10);
  if (major < first) throw new Error(`Odoo ${version} is not supported (oldest supported: ${ODOO_SERIES[0]})`);
  const known = ODOO_SERIES.filter((s) => Number.parseInt(s, 10) <= major);
  return known[known.length - 1]!;
}

/** A per-version value: the entry of `series`, else of the nearest earlier listed version; undefined if none. */
function forSeries<T>(byVersion: Partial<Record<OdooSeries, T>>, series: OdooSeries): T | undefined {
  for (let i = ODOO_SERIES.indexOf(series); i >= 0; i--) {
    const s = ODOO_SERIES[i]!;
    if (s in byVersion) return byVersion[s];
  }
  return undefined;
}

/** The Odoo fields a column reads on a version ([] when the version has none, or for constants). */
export function columnFields(column: ColumnSpec, series: OdooSeries): string[] {
  if ('constant' in column || 'readCompany' in column) return [];
  if ('businessDateOf' in column) return [column.businessDateOf, 'company_id'];
  if ('field' in column) {
    const name = typeof column.field === 'string' ? column.field : forSeries(column.field, series);
    return name ? [name] : [];
  }
  const fields = Array.isArray(column.fields) ? column.fields : forSeries(column.fields, series);
  return fields ?? [];
}

/** The res.company fields a column's compute needs on a version (ComputedColumn.companyFields; [] for most). */
export function columnCompanyFields(column: ColumnSpec, series: OdooSeries): string[] {
  if (!('compute' in column) || !column.companyFields) return [];
  return forSeries(column.companyFields, series) ?? [];
}

export interface SourcePlan {
  table: string;
  model: string;
  source: string | undefined;
  series: OdooSeries;
  /** The fields to request (id, write_date and active included where they apply). */
  fields: string[];
  /** Columns written as NULL on this server (field absent); each produced one warning. */
  nullColumns: string[];
  warnings: string[];
  /**
   * Company-dependent columns read on this server and whose company's value each carries: 'record' (the
   * record's company, else the main company), 'main', or 'row' (per-company source: the row's company).
   */
  companyColumns: Array<{ column: string; fields: string[]; reads: 'record' | 'main' | 'row' }>;
  /** Fields re-read in the record's own company's context for records whose company_id is set ('record' columns). */
  companyFields: string[];
  /**
   * What the rows are made of: every column with the fields that fill it (∅: NULL on this server), the extra
   * fields and how company-dependent columns are read. When it changes (a spec column, EXTRA_FIELDS, a field
   * appearing on or leaving the server) the rows written before no longer match it: the next run is a full pass.
   * Fields the server has but nothing reads are not in it, so an unrelated new server field changes nothing.
   */
  fieldSet: string[];
  /** User-chosen additional fields (e.g. x_studio_*) present on the server, stored in `extra`. */
  extraFields: string[];
  /** Sources with a business date column: the timezone of each company, and the rest's (withTimezones). */
  timezones?: BusinessTimezones;
  /** Sources with a column that reads company fields (ComputedColumn.companyFields): their values (withCompanyValues). */
  companies?: CompanyValues;
}

export type SourcePlanResult = { status: 'ok'; plan: SourcePlan } | { status: 'skipped'; reason: string };

/**
 * Checks one source against the server's fields_get (null: the model is absent) and returns what to read.
 * A required field missing → MissingFieldError; an optional one → its column NULL and a warning; an absent
 * model → skipped when the entity allows it, MissingModelError otherwise. Derived sources read no records:
 * their plan only checks the selection field.
 */
export function planSource(
  entity: EntitySpec,
  source: SourceSpec,
  series: OdooSeries,
  fieldsGet: Record<string, unknown> | null,
  extraFields: string[] = [],
): SourcePlanResult {
  if (fieldsGet === null) {
    if (entity.optionalModel) return { status: 'skipped', reason: `Odoo ${series} has no model ${source.model}` };
    throw new MissingModelError(entity.table, source.model, series);
  }
  const has = (field: string) => field === 'id' || field in fieldsGet;
  const warnings: string[] = [];
  const nullColumns: string[] = [];
  if (source.selectionOf) {
    if (!has(source.selectionOf)) throw new MissingFieldError(entity.table, source.model, [source.selectionOf], series);
    return {
      status: 'ok',
      plan: { table: entity.table, model: source.model, source: source.source, series, fields: [], nullColumns, warnings, extraFields: [],
        companyColumns: [], companyFields: [], fieldSet: [`selection:${source.selectionOf}`] },
    };
  }
  const fields = new Set<string>(['id']);
  if (has('write_date')) fields.add('write_date');
  if (entity.active) {
    if (has('active')) fields.add('active');
    else {
      nullColumns.push('active');
      warnings.push(`${entity.table}: Odoo ${series} model ${source.model} has no field active; column active is NULL`);
    }
  }
  const companyColumns: SourcePlan['companyColumns'] = [];
  const fieldSet: string[] = [];
  for (const column of source.columns) {
    const needed = columnFields(column, series);
    const missing = needed.filter((f) => !has(f));
    if (missing.length === 0) {
      for (const f of needed) fields.add(f);
      const dependent = needed.filter((f) => (fieldsGet[f] as { company_dependent?: unknown } | undefined)?.company_dependent === true);
      let reads: 'record' | 'main' | 'row' | undefined;
      if (source.perCompany) reads = dependent.length > 0 || column.companyDependent ? 'row' : undefined;
      else if (column.companyDependent) reads = column.companyDependent;
      else if (dependent.length > 0) throw new CompanyDependentColumnError(entity.table, source.model, column.column, dependent, series);
      if (reads) companyColumns.push({ column: column.column, fields: needed, reads });
      fieldSet.push(`${column.column}<-${needed.join('+')}${reads ? `@${reads}` : ''}`);
      continue;
    }
    if (column.required) throw new MissingFieldError(entity.table, source.model, missing, series);
    fieldSet.push(`${column.column}<-∅`);
    nullColumns.push(column.column);
    warnings.push(`${entity.table}: Odoo ${series} model ${source.model} has no field ${missing.join(', ')}; column ${column.column} is NULL`);
  }
  const extras: string[] = [];
  for (const f of extraFields) {
    if (has(f)) {
      extras.push(f);
      fields.add(f);
    } else warnings.push(`${entity.table}: extra field ${f} is not on Odoo ${series} model ${source.model}; ignored`);
  }
  // 'record' columns need the record's company to pick the context they are re-read in.
  const companyFields = [...new Set(companyColumns.filter((c) => c.reads === 'record').flatMap((c) => c.fields))];
  if (companyFields.length > 0 && has('company_id')) fields.add('company_id');
  if (entity.active) fieldSet.push(nullColumns.includes('active') ? 'active<-∅' : 'active<-active');
  fieldSet.push(...extras.map((f) => `extra<-${f}`));
  return {
    status: 'ok',
    plan: {
      table: entity.table, model: source.model, source: source.source, series, fields: [...fields], nullColumns, warnings, extraFields: extras,
      companyColumns, companyFields: has('company_id') ? companyFields : [], fieldSet: fieldSet.sort(),
    },
  };
}

/** The row for etl.upsert: column → value, from a decoded record (`values` as src/odoo/decode.ts makes them). */
export function toRow(
  entity: EntitySpec,
  source: SourceSpec,
  plan: SourcePlan,
  record: { id: number; values: RecordValues; names?: Record<string, string | null> },
  /** Per-company sources: the company the record was read for. */
  company?: number,
): Record<string, RowValue> {
  const values = record.values;
  const row: Record<string, RowValue> = {};
  if (entity.key.includes('odoo_id')) row.odoo_id = record.id;
  row.write_date = (values.write_date as RowValue | undefined) ?? null;
  if (entity.active) row.active = plan.nullColumns.includes('active') ? null : ((values.active as RowValue | undefined) ?? null);
  for (const column of source.columns) {
    if ('readCompany' in column) row[column.column] = company ?? null;
    else if ('businessDateOf' in column) row[column.column] = plan.nullColumns.includes(column.column) ? null : businessDateOf(values, column.businessDateOf, plan);
    else row[column.column] = plan.nullColumns.includes(column.column) ? null : columnValue(column, values, plan.series, plan.companies, record.names ?? {});
  }
  if (plan.extraFields.length > 0) {
    row.extra = Object.fromEntries(plan.extraFields.map((f) => [f, (values[f] as RowValue | undefined) ?? null]));
  } else row.extra = null;
  return row;
}

function columnValue(column: ColumnSpec, values: RecordValues, series: OdooSeries, companies: CompanyValues | undefined, names: Record<string, string | null>): RowValue {
  if ('readCompany' in column || 'businessDateOf' in column) return null;
  if ('constant' in column) return column.constant;
  if ('compute' in column) return column.compute(values, series, companies, names);
  const [field] = columnFields(column, series);
  if (field === undefined) return null;
  const value = values[field];
  return value === undefined ? null : (value as RowValue);
}

/** Rows of a derived source: one per selection value of the field, as `{ code, name }`. */
export function selectionRows(fieldsGet: Record<string, unknown>, field: string): Array<{ code: string; name: string }> {
  const info = fieldsGet[field] as { selection?: unknown } | undefined;
  const selection = Array.isArray(info?.selection) ? (info.selection as unknown[]) : [];
  return selection
    .filter((entry): entry is [unknown, unknown] => Array.isArray(entry) && entry.length >= 2)
    .map(([code, name]) => ({ code: String(code), name: String(name) }));
}
