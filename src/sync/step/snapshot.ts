/**
 * Snapshot sources (fact_stock's stock.quant, dim_product_costs): quants change and vanish without
 * write_date moving, so a snapshot reads every record by id, and its last batch commits the truth of
 * Odoo's id set now: every key not in it is marked deleted (etl.mark_deleted_except, in commit.ts).
 * The one place that decides what a snapshot's last commit keeps.
 */
import type { Entity, SourceSpec } from '../../entities/types.ts';
import type { Domain } from '../../odoo/index.ts';
import type { OdooSession, SyncContext } from '../context.ts';

/** Every key Odoo has now for the source, and the calls that took. */
export async function snapshotKeys(
  ctx: SyncContext,
  session: OdooSession,
  entity: Entity,
  source: SourceSpec,
  model: string,
  domain: Domain,
): Promise<{ keys: Array<Record<string, unknown>>; calls: number }> {
  const ids = await ctx.odoo.search(model, domain, { context: session.context });
  const keys = source.perCompany ? perCompanyKeys(entity, source, ids, session.companyIds) : ids.map((id) => ({ odoo_id: id }));
  return { keys, calls: 1 };
}

/** A per-company snapshot's keys: every id for every company of the user. */
function perCompanyKeys(entity: Entity, source: SourceSpec, ids: number[], companies: number[]): Array<Record<string, unknown>> {
  const companyColumn = source.columns.find((c) => 'readCompany' in c)!.column;
  const idColumn = entity.key.find((k) => k !== companyColumn)!;
  return companies.flatMap((company) => ids.map((id) => ({ [idColumn]: id, [companyColumn]: company })));
}
