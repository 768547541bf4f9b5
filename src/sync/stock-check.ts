/**
 * fact_stock without re-reading every quant: a snapshot that reads only what changed and stays exact.
 *
 * Odoo changes quants two ways. The ORM (create, write, inventory) stamps write_date: the run reads every
 * quant written at or after the watermark W (Odoo's clock at the previous run's first call − LOOKBACK, as
 * incremental reads do, watermark.ts). Stock moves and `_merge_quants` change quantities, and
 * `_unlink_zero_quants` / the merge delete quants, with raw SQL that leaves write_date alone: those are
 * found by a check of aggregates. One grouped call (read_group on 16–18, formatted_read_group on 19; see
 * src/sim/read-group.ts for the shapes) counts and sums quantity and reserved_quantity of the quants NOT
 * written since W, per (location, company); the same aggregates of fact_stock's live rows minus the ids
 * written since W (one `search`) are computed in SQL. A (location, company) that disagrees is re-read in
 * full, and its rows whose quant Odoo no longer has are marked deleted. Excluding the recently written
 * quants on both sides keeps an ORM-deleted quant and a newly created one of the same quantity in one
 * location from cancelling out. Before those two calls, one grouped call over every quant with its newest
 * write_date per group answers the usual run: nothing written since W and every group agreeing, nothing to read.
 *
 * What the check cannot see: two raw-SQL changes to quants of one location and company, both older than
 * W, that cancel in count, sum(quantity) and sum(reserved_quantity) at once (e.g. one quant +5 and another
 * −5 by an internal move between two packages or lots of the same location; a merge cannot hide: it
 * deletes, so the count moves). Odoo
 * records every such move as a done stock.move.line (location_id / location_dest_id); reading those done
 * since W would close the hole, but the simulator serves no stock.move.line yet, so it is not done here:
 * the full snapshot (`sync --full`) remains the repair, and the daily full run of snapshots stays advisable.
 *
 * The full snapshot is the fallback: the first run (no watermark yet), a full run, a check Odoo refuses
 * (old server, access), or when the quants to re-read are more than half of the table anyway.
 */
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { Entity } from '../entities/types.ts';
import type { Domain } from '../odoo/index.ts';
import { odooDatetimeToIso, toOdooDatetime } from '../odoo/datetime.ts';
import { ServerClock } from '../odoo/server-clock.ts';
import type { OdooSession, SyncContext } from './context.ts';
import { watermarkForReadAt } from './step/watermark.ts';

/** The tables read this way (a snapshot of stock.quant). */
const STOCK_TABLES = new Set(['fact_stock']);

/** How this run reads a stock snapshot; it rides in the part's cursor between jobs. */
export interface StockPlan {
  kind: 'delta' | 'full';
  /** Where the next run's write_date read starts, stored when this read finishes (null: no clock reading). */
  nextWatermark: string | null;
  /** Delta: the write_date read starts here (Odoo's `YYYY-MM-DD HH:MM:SS`). */
  since?: string;
  /** Delta: the locations re-read in full. */
  locations?: number[];
  /**
   * Delta: nothing was written since the watermark and no location disagrees, so there is nothing to read
   * (a quant written after the check is younger than the next watermark, so the next run reads it).
   */
  empty?: boolean;
  /** Calls the check made (counted with the first batch). */
  calls: number;
  reason?: string;
}

export function hasStockCheck(entity: Entity): boolean {
  return entity.sync === 'snapshot' && STOCK_TABLES.has(entity.table);
}

/** The domain a stock plan reads (the source's own domain ANDed). */
export function stockDomain(plan: StockPlan, base: Domain): Domain {
  if (plan.kind === 'full') return base;
  const since: Domain = [['write_date', '>=', plan.since!]];
  const changed: Domain = plan.locations!.length > 0 ? ['|', ...since, ['location_id', 'in', plan.locations!]] : since;
  return [...base, ...changed] as Domain;
}

const aggregateRow = z.object({ location_id: z.number().nullable(), company_id: z.number().nullable(), n: z.number(), quantity: z.number(), reserved: z.number() });
type Aggregates = z.infer<typeof aggregateRow>;

/** Plans a fresh read: the check against Odoo, or the full snapshot with the reason. */
export async function planStockRead(
  ctx: SyncContext,
  session: OdooSession,
  runId: number,
  entity: Entity,
  model: string,
  base: Domain,
  resumeAt: string | null,
): Promise<StockPlan> {
  const sent = ServerClock.hostNow();
  const full = (reason: string, calls = 0): StockPlan => ({
    kind: 'full', reason, calls, nextWatermark: watermarkForReadAt(ctx.odoo.clock, sent, ctx.settings.LOOKBACK) ?? null,
  });
  const fullRun = await ctx.pool.oneFirst(sql.type(z.object({ full_sync: z.boolean() }))`select full_sync from etl.run where id = ${runId}`);
  if (fullRun) return full('full run');
  if (!resumeAt) return full('no watermark yet');
  const since = toOdooDatetime(new Date(resumeAt));
  const table = sql.identifier(['public', entity.table]);

  // The usual run costs one call: every quant's aggregates with the newest write_date per group. Nothing
  // written since W and every group agreeing with the table: nothing to read. Otherwise the check below.
  const unchanged = await unchangedSince(ctx, session, entity, model, base, since).catch((error: unknown) => {
    ctx.logger.warn({ err: error, entity: entity.table }, `${entity.table}: the one-call stock check failed, checking in detail`);
    return false;
  });
  if (unchanged) {
    return { kind: 'delta', since, locations: [], calls: 1, empty: true, nextWatermark: watermarkForReadAt(ctx.odoo.clock, sent, ctx.settings.LOOKBACK) ?? null };
  }
  const recent = await ctx.odoo.search(model, [...base, ['write_date', '>=', since]] as Domain, { context: session.context });
  const live = await ctx.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from ${table} where deleted_at is null`);
  if (recent.length * 2 > live) return full(`${recent.length} of ${live} quants written since ${since}`, 2);
  let odoo: Aggregates[];
  try {
    odoo = await odooAggregates(ctx, session, model, [...base, ['write_date', '<', since]] as Domain);
  } catch (error) {
    ctx.logger.warn({ err: error, entity: entity.table }, `${entity.table}: the stock check failed, reading the full snapshot`);
    return full('stock check unavailable', 3);
  }
  const mirrored = await ctx.pool.any(sql.type(aggregateRow)`
    select location_id, company_id, count(*)::int as n,
           coalesce(sum(quantity), 0)::float8 as quantity, coalesce(sum(reserved_quantity), 0)::float8 as reserved
      from ${table}
     where deleted_at is null and odoo_id <> all(${sql.array(recent, 'int4')})
     group by location_id, company_id`);
  const disagreeing = disagreeingLocations(odoo, mirrored);
  const reread = odoo.filter((g) => g.location_id !== null && disagreeing.has(g.location_id)).reduce((n, g) => n + g.n, 0);
  if ((reread + recent.length) * 2 > live) return full(`${disagreeing.size} locations disagree (${reread} quants)`, 3);
  return {
    kind: 'delta', since, locations: [...disagreeing].sort((a, b) => a - b), calls: 3, empty: recent.length === 0 && disagreeing.size === 0,
    nextWatermark: watermarkForReadAt(ctx.odoo.clock, sent, ctx.settings.LOOKBACK) ?? null,
  };
}

/**
 * Whether no quant was written since `since` and every (location, company) group of them agrees with the
 * table's live rows (one grouped call with the newest write_date per group).
 */
async function unchangedSince(ctx: SyncContext, session: OdooSession, entity: Entity, model: string, base: Domain, since: string): Promise<boolean> {
  const odoo = await odooAggregates(ctx, session, model, base, true);
  if (odoo.some((g) => g.newest !== null && g.newest >= since)) return false;
  const mirrored = await ctx.pool.any(sql.type(aggregateRow)`
    select location_id, company_id, count(*)::int as n,
           coalesce(sum(quantity), 0)::float8 as quantity, coalesce(sum(reserved_quantity), 0)::float8 as reserved
      from ${sql.identifier(['public', entity.table])}
     where deleted_at is null
     group by location_id, company_id`);
  return disagreeingLocations(odoo, mirrored).size === 0;
}

/** count, sum(quantity), sum(reserved_quantity) (and max(write_date)) per (location, company), in each version's grouped call. */
async function odooAggregates(ctx: SyncContext, session: OdooSession, model: string, domain: Domain, withNewest = false): Promise<Array<Aggregates & { newest: string | null }>> {
  const groupby = ['location_id', 'company_id'];
  const v19 = session.serie.startsWith('19');
  const newest = withNewest ? ['write_date:max'] : [];
  const result = v19
    ? await ctx.odoo.call({ model, method: 'formatted_read_group', kwargs: { domain, groupby, aggregates: ['__count', 'quantity:sum', 'reserved_quantity:sum', ...newest] }, context: session.context })
    : await ctx.odoo.call({
        model, method: 'read_group', positional: ['domain', 'fields', 'groupby'],
        kwargs: { domain, fields: ['quantity:sum', 'reserved_quantity:sum', ...newest], groupby, lazy: false }, context: session.context,
      });
  if (!Array.isArray(result)) throw new Error(`${model}: the grouped read answered ${typeof result}, not a list`);
  return result.map((g: Record<string, unknown>) => ({
    location_id: idOf(g.location_id),
    company_id: idOf(g.company_id),
    n: Number(g.__count),
    quantity: Number((v19 ? g['quantity:sum'] : g.quantity) || 0),
    reserved: Number((v19 ? g['reserved_quantity:sum'] : g.reserved_quantity) || 0),
    newest: withNewest && typeof (v19 ? g['write_date:max'] : g.write_date) === 'string' ? String(v19 ? g['write_date:max'] : g.write_date).slice(0, 19) : null,
  }));
}

function idOf(value: unknown): number | null {
  if (Array.isArray(value)) return Number(value[0]);
  return typeof value === 'number' ? value : null;
}

/** Locations whose (location, company) groups differ between Odoo and the table (a group missing on one side differs). */
export function disagreeingLocations(odoo: readonly Aggregates[], mirrored: readonly Aggregates[]): Set<number> {
  const key = (g: Aggregates) => `${g.location_id}|${g.company_id}`;
  const theirs = new Map(mirrored.map((g) => [key(g), g]));
  const out = new Set<number>();
  const differ = (a: Aggregates, b: Aggregates | undefined) =>
    !b || a.n !== b.n || !near(a.quantity, b.quantity) || !near(a.reserved, b.reserved);
  for (const g of odoo) {
    if (differ(g, theirs.get(key(g))) && g.location_id !== null) out.add(g.location_id);
    theirs.delete(key(g));
  }
  // Groups only the table has: quants that vanished from Odoo.
  for (const g of theirs.values()) if (g.n > 0 && g.location_id !== null) out.add(g.location_id);
  return out;
}

/** Sums of floats from two engines (Odoo's numeric column, PostgreSQL's numeric here) agree to 1e-6. */
function near(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * What a finished delta read does besides loading rows: the ids Odoo has in the re-read locations (one
 * search), so that the table's other rows there are marked deleted in the commit's transaction.
 */
export async function stockDeltaKeys(ctx: SyncContext, session: OdooSession, model: string, base: Domain, plan: StockPlan): Promise<{ ids: number[]; calls: number }> {
  if (plan.kind !== 'delta' || plan.locations!.length === 0) return { ids: [], calls: 0 };
  const ids = await ctx.odoo.search(model, [...base, ['location_id', 'in', plan.locations!]] as Domain, { context: session.context });
  return { ids, calls: 1 };
}

/**
 * In the finishing commit: marks deleted the live rows of the re-read locations whose quant Odoo no longer
 * has (delta), and stores where the next run's write_date read starts (both kinds). Returns rows deleted.
 */
export async function finishStockRead(tx: DatabaseTransactionConnection, entity: Entity, part: string, plan: StockPlan, ids: number[]): Promise<number> {
  let deleted = 0;
  if (plan.kind === 'delta' && plan.locations!.length > 0) {
    const table = sql.identifier(['public', entity.table]);
    const result = await tx.query(sql.unsafe`
      update ${table} set deleted_at = now()
       where deleted_at is null and location_id = any(${sql.array(plan.locations!, 'int4')})
         and odoo_id <> all(${sql.array(ids, 'int4')})`);
    deleted = result.rowCount;
  }
  if (plan.nextWatermark) {
    await tx.query(sql.unsafe`
      update etl.watermark set resume_at = ${odooDatetimeToIso(plan.nextWatermark)}::timestamptz
       where entity = ${entity.table} and source = ${part}`);
  }
  return deleted;
}
