/**
 * What the company of a record adds to its row, read once per run and only for the sources that need it:
 * the companies' timezones a business date column needs (src/entities/business-date.ts: each company's
 * partner's `tz`) and the res.company fields a computed column needs (src/entities/company-values.ts, e.g.
 * a tax's company default on 18.0+), in one res.company read (plus res.partner → tz). A run's plan sees them
 * as they are when it starts; the reads outside a run (heal, webhooks) reuse the last answer for a few
 * minutes. A zone Intl does not know (Odoo's list is pytz's) counts as none: the company falls back to
 * BUSINESS_TIMEZONE, else UTC.
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

function m2oId(value: unknown): number | null {
  if (Array.isArray(value)) return Number(value[0]);
  return typeof value === 'number' ? value : null;
}

/** Each company's partner's tz (those Intl knows), the fallback for the rest, and the `fields` of each company. */
export async function readCompanies(odoo: OdooClient, companyIds: number[], fallback: string | undefined, fields: string[], context: Record<string, unknown> = {}): Promise<Companies> {
  const rest = fallback ?? 'UTC';
  if (companyIds.length === 0) return { timezones: { byCompany: {}, fallback: rest }, values: {} };
  const companies = await odoo.read('res.company', companyIds, ['partner_id', ...fields], context);
  const partnerOf = new Map(companies.map((c) => [c.id, m2oId(c.partner_id)]));
  const partnerIds = [...new Set([...partnerOf.values()].filter((p): p is number => p !== null))];
  const partners = partnerIds.length > 0 ? await odoo.read('res.partner', partnerIds, ['tz'], context) : [];
  const tzOf = new Map(partners.map((p) => [p.id, typeof p.tz === 'string' && isKnownTimezone(p.tz) ? p.tz : null]));
  const byCompany: Record<string, string> = {};
  for (const [company, partner] of partnerOf) {
    const tz = partner !== null ? tzOf.get(partner) : null;
    if (tz) byCompany[String(company)] = tz;
  }
  const values: CompanyValues = {};
  if (fields.length > 0) for (const c of companies) values[String(c.id)] = Object.fromEntries(fields.map((f) => [f, c[f] ?? null]));
  return { timezones: { byCompany, fallback: rest }, values };
}

/** The res.company fields any spec column computes from on a series (read together, once). */
function specCompanyFields(series: OdooSeries): string[] {
  return [...new Set(entities.flatMap((entity) => entity.sources.flatMap((source) => companyFieldsOf(source, series))))].sort();
}

/**
 * The plan of a source with a business date column gets the zones, one with columns computed from company
 * fields gets those; others pass. ONE res.company read serves both, with every company field the specs use
 * that the server has (res.company's kept fields: a field of a module not installed is left out). `runId`:
 * planned for that run, which reads them afresh once (its sources share the answer); without: the last
 * answer of this sync context while it is younger than a few minutes.
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
      return readCompanies(ctx.odoo, session.companyIds, ctx.settings.BUSINESS_TIMEZONE, fields, session.context);
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
