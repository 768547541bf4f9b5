/**
 * Healing missing references: the closing step of every run. For each referenced table, fetch from
 * Odoo exactly the ids that missing_data lists as open (archived records too), load them through the
 * same upsert (which fills the inferred rows and resolves their missing_data rows), and record why
 * the ids Odoo does not return stay open. Loading a parent can reveal its own missing parents, so a
 * few passes are made.
 */
import { sql } from 'slonik';
import { z } from 'zod';
import { getEntity, entityNames } from '../entities/index.ts';
import { planSource, seriesOf, toRow } from '../entities/plan.ts';
import { planWithCompanies } from './business-timezones.ts';
import { makeRecordDecoder } from '../odoo/index.ts';
import type { SyncContext } from './context.ts';
import { upsertRows } from './load.ts';
import { readForCompanies } from './step/companies.ts';
import { setStepCounters, settleStep, startStep } from './step/life.ts';

const MAX_PASSES = 4;
export const NOT_IN_ODOO = 'not found in Odoo (deleted, or not readable by the API user)';

export interface HealResult {
  /** Referenced rows filled from Odoo. */
  healed: number;
  /** Ids Odoo did not return: their missing_data rows stay open with a reason. */
  notFound: number;
  calls: number;
}

const openGroupSchema = z.object({ referenced_table: z.string(), referenced_model: z.string(), ids: z.array(z.number()) });

export async function healMissing(ctx: SyncContext, runId?: number): Promise<HealResult> {
  const result: HealResult = { healed: 0, notFound: 0, calls: 0 };
  const tried = new Set<string>();
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const groups = await ctx.pool.any(sql.type(openGroupSchema)`
      select referenced_table, referenced_model, array_agg(distinct referenced_id order by referenced_id) as ids
        from public.missing_data
       where resolved_at is null and referenced_id is not null and referenced_model is not null
       group by referenced_table, referenced_model
       order by referenced_table, referenced_model`);
    let progressed = false;
    for (const group of groups) {
      // Ids already asked for in this heal are not asked again: Odoo said no.
      const ids = group.ids.filter((id) => !tried.has(`${group.referenced_model}:${id}`));
      if (ids.length === 0) continue;
      ids.forEach((id) => tried.add(`${group.referenced_model}:${id}`));
      const counts = await healGroup(ctx, group.referenced_table, group.referenced_model, ids, runId);
      result.healed += counts.healed;
      result.notFound += counts.notFound;
      result.calls += counts.calls;
      if (counts.healed > 0) progressed = true;
    }
    if (!progressed) break;
  }
  return result;
}

async function healGroup(ctx: SyncContext, table: string, model: string, ids: number[], runId?: number) {
  const counts = { healed: 0, notFound: 0, calls: 0 };
  if (!entityNames().includes(table)) return counts;
  const entity = getEntity(table);
  // Per-company sources are nobody's parent (their rows are keyed by company too): nothing to heal there.
  const source = entity.sources.find((s) => s.model === model && !s.selectionOf && !s.perCompany);
  if (!source) return counts;
  const session = await ctx.session();
  const fieldsGet = await ctx.fieldsGet(model, runId);
  const planned = await planWithCompanies(ctx, session, source, planSource(entity, source, seriesOf(session.serie), fieldsGet, ctx.settings.EXTRA_FIELDS?.[table] ?? []));
  if (planned.status === 'skipped') return counts;
  const plan = planned.plan;
  const decode = makeRecordDecoder(model, fieldsGet!, plan.fields);

  for (let i = 0; i < ids.length; i += ctx.settings.BATCH_SIZE) {
    const chunk = ids.slice(i, i + ctx.settings.BATCH_SIZE);
    const records = await ctx.odoo.searchRead(model, {
      domain: [['id', 'in', chunk]],
      fields: plan.fields,
      context: session.context,
    });
    counts.calls++;
    // Company-owned records' company-dependent columns in their own company's context, as the sync reads them.
    counts.calls += (await readForCompanies(ctx, session, source, plan, records)).calls;
    const rows = records.map((record) => toRow(entity, source, plan, decode(record)));
    const found = new Set(records.map((r) => r.id));
    const missing = chunk.filter((id) => !found.has(id));
    await ctx.pool.transaction(async (tx) => {
      if (rows.length > 0) {
        await upsertRows(tx, table, rows);
      }
      if (missing.length > 0) {
        await tx.query(sql.unsafe`
          update public.missing_data set reason = ${NOT_IN_ODOO}
           where resolved_at is null and referenced_table = ${table} and referenced_model = ${model}
             and referenced_id = any(${sql.array(missing, 'int4')})`);
      }
    });
    counts.healed += rows.length;
    counts.notFound += missing.length;
  }
  return counts;
}

/** Opens the run's `heal_missing` step; false when it is no longer open in a running run (cancelled, timed out, settled). */
export async function startHealStep(ctx: SyncContext, runId: number, entity: string, attempts: number): Promise<boolean> {
  return startStep(ctx.pool, runId, entity, sql.fragment`attempts = ${attempts}`);
}

/** Records what the heal did as the step's counters and settles the step succeeded. */
export async function finishHealStep(ctx: SyncContext, runId: number, entity: string, result: HealResult): Promise<void> {
  const settled = await ctx.pool.transaction(async (tx) => {
    await setStepCounters(tx, runId, entity, {
      read: result.healed + result.notFound, inserted: result.healed, updated: 0, unchanged: 0, deleted: 0, calls: result.calls, batches: result.calls,
    });
    return settleStep(tx, runId, entity, 'succeeded');
  });
  if (settled) {
    // The step's counters as the run report has them (the healed rows are the ones it inserted).
    ctx.observer?.batchCommitted({ entity, source: '', read: result.healed + result.notFound, inserted: result.healed, updated: 0, unchanged: 0, deleted: 0 });
    ctx.observer?.stepSettled(settled);
  }
  ctx.logger.info({ runId, ...result }, 'missing references healed');
}
