/**
 * The targeted sync a webhook notification triggers (task `sync_records`, one job per model, coalesced by
 * its job key): take the model's settled pending ids, read them from Odoo by id for every entity the model
 * feeds, and in ONE transaction upsert the rows through the same load path as a run (src/sync/load.ts:
 * references, inferred members, missing_data), delete the pending rows it applied and note the freshness.
 *
 * It never touches etl.watermark: the scheduled incremental run still reads everything changed since its
 * watermark and stays the source of truth. What that leaves:
 * - Settle: Odoo posts from inside the writing transaction, before it commits (17 and 18; 19 posts after
 *   the commit), and a bulk write posts once per record, one after another, and commits after the last.
 *   So a record gets a first look once its last notification is `settleMs` old AND its model's
 *   notifications have paused for `settleMs` (a bulk write is over, so committed), or at the latest
 *   RECHECK_FACTOR × `settleMs` after its first notification (continuous traffic). A second look re-reads
 *   it once the model's notifications pause again, RECHECK_FACTOR × `settleMs` after its last notification
 *   or sooner if notifications went on after the first look (a bulk write that was still posting), and at
 *   the latest SECOND_LOOK_CAP recheck periods after its first notification: it brings a transaction that
 *   was still open at the first look (read in its old state, or not found for a create). A transaction
 *   open longer than that is caught by the next scheduled run.
 * - Ids Odoo does not return (a create rolled back, a record deleted since) change nothing: deletions stay
 *   the reconcile's job.
 * - Race with a scheduled step: a step may read a record before this job upserts a newer version and commit
 *   after it. etl.upsert keeps a stored row whose write_date is newer than the incoming one, so the older
 *   version does not win, except when both versions carry the same write_date (two writes within Odoo's
 *   one-second resolution). Then the stale row waits for the next incremental run, which re-reads the
 *   record because its write_date ≥ that run's watermark (the watermark never passes a write_date it has
 *   not read; LOOKBACK covers the rest).
 * - A notification that arrives while this job reads is not lost: its row's last_received_at moved, so the
 *   delete (which matches the value it took) leaves it, and the notification queued a new job.
 */
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';
import { planSource, seriesOf, toRow } from '../entities/plan.ts';
import { planWithCompanies } from '../sync/business-timezones.ts';
import { makeRecordDecoder, type Domain } from '../odoo/index.ts';
import type { SyncContext } from '../sync/context.ts';
import { readForCompanies } from '../sync/step/companies.ts';
import { upsertRows, type LoadCounts } from '../sync/load.ts';
import { sourcesOfModel } from './sources.ts';

/** What a `sync_records` job is about (tasks/sync_records.ts validates its payload into this). */
export interface SyncRecordsPayload {
  model: string;
  settleMs: number;
}

/** The second look's delay after the last notification, in settle delays (etl.webhook_recheck_factor() in SQL). */
export const RECHECK_FACTOR = 10;
/** A second look waits for its model's notifications to pause (a bulk write still posting has not committed), at most this many recheck periods. */
const SECOND_LOOK_CAP = 10;

const pendingSchema = z.object({ odoo_id: z.number(), last_received_at: z.string(), looks: z.number() });

export interface SyncRecordsResult {
  /** Ids taken from the pending set (read, then deleted from it). */
  taken: number;
  /** Ids Odoo returned for at least one entity. */
  found: number;
  /** Load counts over every entity. */
  counts: LoadCounts;
  /** Pending ids of the model left for a next job (not due yet, waiting for their second look, or over the batch). */
  left: number;
}

export async function syncRecords(ctx: SyncContext, payload: SyncRecordsPayload): Promise<SyncRecordsResult> {
  const { model, settleMs } = payload;
  const limit = ctx.settings.BATCH_SIZE;
  const settle = sql.fragment`make_interval(secs => ${settleMs / 1000})`;
  const pending = await ctx.pool.any(sql.type(pendingSchema)`
    with model as (
      select coalesce(max(last_received_at), '-infinity') as last_notice from etl.webhook_freshness where model = ${model}
    )
    select p.odoo_id, p.last_received_at::text as last_received_at, p.looks
      from etl.webhook_pending p, model m
     where p.model = ${model}
       and case when p.looks = 0
                then p.next_read_at <= now()
                     and (m.last_notice <= now() - ${settle} or p.first_received_at <= now() - ${settle} * ${RECHECK_FACTOR})
                else (m.last_notice <= now() - ${settle} and (p.next_read_at <= now() or m.last_notice > p.looked_at))
                     or p.first_received_at <= now() - ${settle} * ${RECHECK_FACTOR * SECOND_LOOK_CAP} end
     order by p.next_read_at, p.odoo_id
     limit ${limit}`);
  const none: LoadCounts = { inserted: 0, updated: 0, unchanged: 0 };
  if (pending.length === 0) return { taken: 0, found: 0, counts: none, left: await requeueLeft(ctx.pool, model, settleMs, false) };

  const ids = pending.map((p) => p.odoo_id);
  const loads = await readRows(ctx, model, ids);
  const found = new Set(loads.flatMap((l) => l.foundIds));

  const result = await ctx.pool.transaction(async (tx) => {
    const counts = { ...none };
    for (const load of loads) {
      const c = await upsertRows(tx, load.table, load.rows);
      counts.inserted += c.inserted;
      counts.updated += c.updated;
      counts.unchanged += c.unchanged;
      load.counts = c;
    }
    // First looks wait for their second; second looks are done. A row notified again meanwhile (its
    // last_received_at moved, its looks back to 0) is left alone: its next first look is scheduled.
    await tx.query(sql.unsafe`
      with taken as (
        select * from jsonb_to_recordset(${sql.jsonb(pending as never)}) as t(odoo_id integer, last_received_at timestamptz, looks integer)
      ), done as (
        delete from etl.webhook_pending p using taken t
         where p.model = ${model} and p.odoo_id = t.odoo_id and p.last_received_at = t.last_received_at and p.looks >= 1 and t.looks >= 1
      ), first_looks as (
        update etl.webhook_pending p set looks = 1, looked_at = now(), next_read_at = p.last_received_at + ${settle} * ${RECHECK_FACTOR}
          from taken t
         where p.model = ${model} and p.odoo_id = t.odoo_id and p.last_received_at = t.last_received_at and p.looks = 0 and t.looks = 0
        returning p.first_received_at
      )
      insert into etl.webhook_freshness as f (model, last_applied_at, last_lag, applied)
      select ${model}, now(), now() - min(first_received_at), count(*) from first_looks having count(*) > 0
      on conflict (model) do update
        set last_applied_at = excluded.last_applied_at, last_lag = excluded.last_lag, applied = f.applied + excluded.applied`);
    const left = await requeueLeft(tx, model, settleMs, pending.length === limit);
    return { taken: pending.length, found: found.size, counts, left };
  });
  for (const load of loads) {
    if (load.counts) ctx.observer?.batchCommitted({ entity: load.table, source: load.source, read: load.rows.length, deleted: 0, ...load.counts });
  }
  ctx.logger.info({ model, ...result }, `webhook: ${model}: ${result.found} of ${result.taken} notified records applied`);
  return result;
}

interface EntityLoad {
  table: string;
  source: string;
  rows: Array<Record<string, unknown>>;
  foundIds: number[];
  counts?: LoadCounts;
}

/** The rows of every entity fed by `model` for these ids, read as a run reads them (same plan, decoder, company contexts). */
async function readRows(ctx: SyncContext, model: string, ids: number[]): Promise<EntityLoad[]> {
  const sources = sourcesOfModel(model);
  if (sources.length === 0) return [];
  const session = await ctx.session();
  const series = seriesOf(session.serie);
  const fieldsGet = await ctx.fieldsGet(model);
  // A model the server lacks (an optional module): nothing to read; the run reports it.
  if (!fieldsGet) return [];
  const loads: EntityLoad[] = [];
  for (const { entity, source } of sources) {
    const planned = await planWithCompanies(ctx, session, source, planSource(entity, source, series, fieldsGet, ctx.settings.EXTRA_FIELDS?.[entity.table] ?? []));
    if (planned.status !== 'ok') continue;
    const plan = planned.plan;
    const domain = [['id', 'in', ids], ...((source.domain ?? []) as Domain)] as Domain;
    const records = await ctx.odoo.searchRead(model, { domain, fields: plan.fields, context: session.context });
    const decode = makeRecordDecoder(model, fieldsGet, plan.fields);
    const { byCompany } = await readForCompanies(ctx, session, source, plan, records);
    const rows = byCompany
      ? byCompany.flatMap(({ company, records: own }) => own.map((record) => toRow(entity, source, plan, decode(record), company)))
      : records.map((record) => toRow(entity, source, plan, decode(record)));
    loads.push({ table: entity.table, source: source.source ?? '', rows, foundIds: records.map((r) => r.id) });
  }
  return loads;
}

/**
 * When pending ids of the model remain, enqueues the model's next job: at once when this one stopped at its
 * batch limit, else when the first of them is due, but no sooner than half a settle delay from now (ids due
 * but held back while a burst goes on are looked at again then, not in a busy loop).
 */
async function requeueLeft(connection: CommonQueryMethods, model: string, settleMs: number, full: boolean): Promise<number> {
  const left = await connection.one(sql.type(z.object({ n: z.number(), due: z.string().nullable() }))`
    select count(*)::int as n, min(next_read_at)::text as due from etl.webhook_pending where model = ${model}`);
  if (left.n > 0) {
    const soonest = full ? sql.fragment`now()` : sql.fragment`now() + make_interval(secs => ${settleMs / 2000})`;
    await connection.query(sql.unsafe`select etl.webhook_enqueue(${model}, greatest(${soonest}, ${left.due}::timestamptz), ${settleMs})`);
  }
  return left.n;
}
