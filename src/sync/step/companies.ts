/**
 * Company-dependent values as the spec chose them, for one batch read in the main company's context.
 * Per-company sources: the batch's records again in every other company's context (one read each), so a
 * record gives a row per company. Sources with 'record' columns: the records whose company_id is another
 * company get those columns re-read in that company's context (one read per company present in the batch).
 * The keyset walk itself is untouched: these are reads by id of the batch it just returned.
 */
import type { SourcePlan } from '../../entities/plan.ts';
import type { SourceSpec } from '../../entities/types.ts';
import type { RawRecord } from '../../odoo/index.ts';
import { contextForCompany, type OdooSession, type SyncContext } from '../context.ts';

export async function readForCompanies(
  ctx: SyncContext,
  session: OdooSession,
  source: SourceSpec,
  plan: SourcePlan,
  records: RawRecord[],
): Promise<{ byCompany?: Array<{ company: number; records: RawRecord[] }>; calls: number }> {
  if (records.length === 0) return { byCompany: source.perCompany ? [] : undefined, calls: 0 };
  const [main, ...others] = session.companyIds;
  const ids = records.map((r) => r.id);
  if (source.perCompany) {
    if (main === undefined) throw new Error(`${plan.table}: the API user has no company to read ${plan.model} for`);
    const byCompany = [{ company: main, records }];
    for (const company of others) {
      byCompany.push({ company, records: await ctx.odoo.read(plan.model, ids, plan.fields, contextForCompany(session, company)) });
    }
    return { byCompany, calls: others.length };
  }
  if (plan.companyFields.length === 0) return { calls: 0 };
  const groups = new Map<number, RawRecord[]>();
  for (const record of records) {
    const raw = record.company_id;
    const company = Array.isArray(raw) ? Number(raw[0]) : typeof raw === 'number' ? raw : null;
    // Shared records keep the main company's values; a company the user cannot select keeps them too.
    if (company === null || company === main || !others.includes(company)) continue;
    const group = groups.get(company);
    if (group) group.push(record);
    else groups.set(company, [record]);
  }
  for (const [company, group] of groups) {
    const own = await ctx.odoo.read(plan.model, group.map((r) => r.id), plan.companyFields, contextForCompany(session, company));
    const byId = new Map(own.map((r) => [r.id, r]));
    for (const record of group) {
      const values = byId.get(record.id);
      if (values) for (const f of plan.companyFields) record[f] = values[f];
    }
  }
  return { calls: groups.size };
}
