/**
 * What the company of a record adds to its row, read once per run and only for the sources that need it:
 * the companies' timezones a business date column needs (src/entities/business-date.ts: each company's
 * partner's `tz`), ONE call (res.partner by `ref_company_ids`), and the res.company fields a computed column
 * needs (src/entities/company-values.ts, e.g. a tax's company default on 18.0+), ONE res.company read, made
 * only when a spec computes from such a field on this server. A run's plan sees them as they are when it
 * starts; the reads outside a run (heal, webhooks) reuse the last answer for a few minutes. A zone Intl does
 * not know (Odoo's list is pytz's) counts as none: the company falls back to BUSINESS_TIMEZONE, else UTC.
 */
import { isKnownTimezone, hasBusinessDate, withTimezones, type BusinessTimezones } from '../entities/business-date.ts';
import { companyFieldsOf, withCompanyValues } from '../entities/company-values.ts';
import { entities } from '../entities/index.ts';
import { seriesOf, type SourcePlanResult } from '../entities/plan.ts';
import type { CompanyValues, OdooSeries, SourceSpec } from '../entities/types.ts';
import type { OdooClient } from '../odoo/index.ts';
import type { OdooSession, SyncContext } from './context.ts';

const TTL_MS = 10 * 60 * 1000;
interface Companies {
  timezones: BusinessTimezones;
  values: CompanyValues;
}
const cache = new WeakMap<object, { at: number; runId?: number; value: Promise<Companies> }>();

/**
 * Each company's partner's tz (those Intl knows), and the fallback for the rest. ONE call: the partners
 * through their `ref_company_ids` (res.partner's one2many inverse of res.company.partner_id, "Companies that
 * refers to partner", 16.0 to 19.0), archived ones included, with the companies each stands for.
 */
export async function companyTimezones(odoo: OdooClient, companyIds: number[], fallback: string | undefined, context: Record<string, unknown> = {}): Promise<BusinessTimezones> {
  const rest = fallback ?? 'UTC';
  if (companyIds.length === 0) return { byCompany: {}, fallback: rest };
  const partners = await odoo.searchRead('res.partner', {
    domain: [['ref_company_ids', 'in', companyIds]], fields: ['tz', 'ref_company_ids'], context: { ...context, active_test: false },
  });
  const byCompany: Record<string, string> = {};
  for (const partner of partners) {
    const tz = typeof partner.tz === 'string' && isKnownTimezone(partner.tz) ? partner.tz : null;
    const companies = Array.isArray(partner.ref_company_ids) ? partner.ref_company_ids.map(Number) : [];
    for (const company of companies) if (tz && companyIds.includes(company)) byCompany[String(company)] = tz;
  }
  return { byCompany, fallback: rest };
}

/** The timezones (if `zones`) and the `fields` of each company (if any): one call each, made at once. */
export async function readCompanies(odoo: OdooClient, companyIds: number[], fallback: string | undefined, fields: string[], zones: boolean, context: Record<string, unknown> = {}): Promise<Companies> {
  const [timezones, companies] = await Promise.all([
    zones ? companyTimezones(odoo, companyIds, fallback, context) : Promise.resolve({ byCompany: {}, fallback: fallback ?? 'UTC' }),
    fields.length > 0 && companyIds.length > 0 ? odoo.read('res.company', companyIds, fields, context) : Promise.resolve([]),
  ]);
  const values: CompanyValues = {};
  for (const c of companies) values[String(c.id)] = Object.fromEntries(fields.map((f) => [f, c[f] ?? null]));
  return { timezones, values };
}

/** The res.company fields any spec column computes from on a series (read together, once). */
function specCompanyFields(series: OdooSeries): string[] {
  return [...new Set(entities.flatMap((entity) => entity.sources.flatMap((source) => companyFieldsOf(source, series))))].sort();
}

/** Does any spec have a business date column (then the zones are read with the company fields)? */
function anyBusinessDate(): boolean {
  return entities.some((entity) => entity.sources.some((source) => hasBusinessDate(source)));
}

/**
 * The plan of a source with a business date column gets the zones, one with columns computed from company
 * fields gets those; others pass. Read once for both, with every company field the specs use that the server
 * has (res.company's kept fields: a field of a module not installed is left out). `runId`: planned for that
 * run, which reads them afresh once (its sources share the answer); without: the last answer of this sync
 * context while it is younger than a few minutes.
 */
export async function planWithCompanies(ctx: SyncContext, session: OdooSession, source: SourceSpec, result: SourcePlanResult, runId?: number): Promise<SourcePlanResult> {
  if (result.status !== 'ok') return result;
  const series = seriesOf(session.serie);
  const needed = companyFieldsOf(source, series);
  const zones = hasBusinessDate(source);
  if (!zones && needed.length === 0) return result;
  let cached = cache.get(ctx);
  if (!cached || Date.now() - cached.at > TTL_MS || (runId !== undefined && cached.runId !== runId)) {
    const value = (async () => {
      const wanted = specCompanyFields(series);
      const present = wanted.length > 0 ? await ctx.fieldsGet('res.company', runId) : null;
      const fields = wanted.filter((f) => present !== null && f in present);
      return readCompanies(ctx.odoo, session.companyIds, ctx.settings.BUSINESS_TIMEZONE, fields, anyBusinessDate(), session.context);
    })().catch((error: unknown) => {
      cache.delete(ctx);
      throw error;
    });
    cached = { at: Date.now(), runId, value };
    cache.set(ctx, cached);
  }
  const companies = await cached.value;
  const planned = zones ? withTimezones(result, companies.timezones) : result;
  return withCompanyValues(planned, needed, companies.values);
}
