/**
 * Columns computed from the record's fields and its company's settings (ComputedColumn.companyFields), like
 * a tax's "included in price" that follows its company's default unless the tax overrides it (18.0+). The
 * companies' values are read once per run (src/sync/business-timezones.ts, in the same res.company read as
 * the timezones) and named in the plan's field set: a changed company setting makes the next run of the
 * table a full pass, so rows that follow the default follow its change.
 */
import { columnCompanyFields, type SourcePlan, type SourcePlanResult } from './plan.ts';
import type { CompanyValues, OdooSeries, SourceSpec } from './types.ts';

/** The res.company fields a source's columns need on a version (sorted, no duplicates). */
export function companyFieldsOf(source: SourceSpec, series: OdooSeries): string[] {
  return [...new Set(source.columns.flatMap((column) => columnCompanyFields(column, series)))].sort();
}

/** The field set entry: each company's values, e.g. `companies<-account_price_include:1=tax_excluded,2=tax_included`. */
export function companyValuesFieldSet(fields: string[], companies: CompanyValues): string {
  const ids = Object.keys(companies).sort((a, b) => Number(a) - Number(b));
  const values = fields.map((field) => `${field}:${ids.map((id) => `${id}=${String(companies[id]?.[field] ?? '')}`).join(',')}`);
  return `companies<-${values.join(';')}`;
}

/** The plan with the company values its computed columns use, named in its field set too. */
export function withCompanyValues(result: SourcePlanResult, fields: string[], companies: CompanyValues): SourcePlanResult {
  if (result.status !== 'ok' || fields.length === 0) return result;
  const plan: SourcePlan = { ...result.plan, companies, fieldSet: [...result.plan.fieldSet, companyValuesFieldSet(fields, companies)].sort() };
  return { status: 'ok', plan };
}
