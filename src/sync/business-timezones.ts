/**
 * The companies' timezones a business date column needs (src/entities/business-date.ts): each company's
 * partner's `tz`, read with one call (res.partner by `ref_company_ids`), only when an entity with
 * such a column is planned: once per run (a run's plan sees the zones as they are when it starts), and
 * kept for a few minutes for the reads outside a run (heal, webhooks). A zone Intl does not know (Odoo's
 * list is pytz's) counts as none: the company falls back to BUSINESS_TIMEZONE, else UTC.
 */
import { isKnownTimezone, hasBusinessDate, withTimezones, type BusinessTimezones } from '../entities/business-date.ts';
import type { SourcePlanResult } from '../entities/plan.ts';
import type { SourceSpec } from '../entities/types.ts';
import type { OdooClient } from '../odoo/index.ts';
import type { OdooSession, SyncContext } from './context.ts';

const TTL_MS = 10 * 60 * 1000;
const cache = new WeakMap<object, { at: number; runId?: number; value: Promise<BusinessTimezones> }>();

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

/**
 * The plan of a source with a business date column gets the zones; others pass. `runId`: planned for that
 * run, which reads them afresh once (its sources share the answer); without: the last answer of this sync
 * context while it is younger than a few minutes.
 */
export async function planWithTimezones(ctx: SyncContext, session: OdooSession, source: SourceSpec, result: SourcePlanResult, runId?: number): Promise<SourcePlanResult> {
  if (result.status !== 'ok' || !hasBusinessDate(source)) return result;
  let cached = cache.get(ctx);
  if (!cached || Date.now() - cached.at > TTL_MS || (runId !== undefined && cached.runId !== runId)) {
    const value = companyTimezones(ctx.odoo, session.companyIds, ctx.settings.BUSINESS_TIMEZONE, session.context).catch((error: unknown) => {
      cache.delete(ctx);
      throw error;
    });
    cached = { at: Date.now(), runId, value };
    cache.set(ctx, cached);
  }
  return withTimezones(result, await cached.value);
}
