/**
 * The API user's companies and the reading context built from them: what the sync reads with
 * (src/sync/context.ts) and what `odoo-etl check` tests access with, so both see the same records.
 */
import type { OdooClient } from './client.ts';
import type { OdooContext } from './types.ts';

export interface UserCompanies {
  /** The user's companies, the main one (res.users.company_id) first. */
  companyIds: number[];
  /** The user's main company: the company whose values shared records' company-dependent fields carry. */
  companyId: number | null;
  /** Its name, when the server sent one (a many2one as `[id, name]`). */
  companyName: string | null;
  /** Read archived records too, across every company of the user, the main company first (env.company). */
  context: OdooContext;
}

export async function userCompanies(odoo: OdooClient, uid: number): Promise<UserCompanies> {
  const [user] = await odoo.read('res.users', [uid], ['company_ids', 'company_id'], { active_test: false });
  const all = Array.isArray(user?.company_ids) ? (user.company_ids as number[]) : [];
  const main = user?.company_id;
  const companyId = Array.isArray(main) ? Number(main[0]) : typeof main === 'number' ? main : null;
  const companyName = Array.isArray(main) && main[1] !== undefined ? String(main[1]) : null;
  // Odoo evaluates company-dependent fields for the first allowed company: the user's main one, as its UI does.
  const companyIds = companyId !== null && all.includes(companyId) ? [companyId, ...all.filter((c) => c !== companyId)] : all;
  return { companyIds, companyId, companyName, context: { active_test: false, ...(companyIds.length > 0 ? { allowed_company_ids: companyIds } : {}) } };
}
