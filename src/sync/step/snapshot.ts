/**
 * Snapshot sources (fact_stock's stock.quant, dim_product_costs): quants change and vanish without
 * write_date moving, so a snapshot reads every record by id, and its last batch commits the truth of
 * Odoo's id set now: every key not in it is marked deleted (etl.mark_deleted_except, in commit.ts).
 * The one place that decides what a snapshot part reads and what its last commit keeps.
 *
 * fact_stock reads only what changed instead (src/sync/stock-check.ts): a job that starts the part plans
 * the read (the quants written since the watermark plus the locations whose aggregates disagree, or the
 * full snapshot), and the plan rides in the part's cursor `{ at, stock }` to the part's later jobs. (A
 * cursor stored before the stock check, a bare id, was rewritten to a full plan by migration 000007.)
 */
import type { Entity, SourceSpec } from '../../entities/types.ts';
import type { Domain } from '../../odoo/index.ts';
import { nextById } from '../../odoo/keyset-step.ts';
import type { OdooSession, SyncContext } from '../context.ts';
import { finishStockRead, hasStockCheck, planStockRead, stockDeltaKeys, stockDomain, type StockPlan } from '../stock-check.ts';
import type { PartFinish, PartJob, PartReader } from './part-reader.ts';
import { readRecordBatch, recordDecoder } from './record-batch.ts';

/** A plain snapshot's cursor: the last id read (null: none yet). */
export type PlainSnapshotCursor = number | null;
/** A stock snapshot's cursor: the id position, and the plan of this run's read (stock-check.ts). */
export interface StockSnapshotCursor {
  at: number | null;
  stock: StockPlan;
}
export type SnapshotCursor = PlainSnapshotCursor | StockSnapshotCursor;

export async function openSnapshotRead(job: PartJob): Promise<PartReader<number | null, SnapshotCursor>> {
  const decode = await recordDecoder(job);
  const { ctx, session, entity, source, part, startRow, fresh } = job;
  const model = job.plan.model;
  const base = (source.domain ?? []) as Domain;
  // A job that reads the whole snapshot itself, from the first id to the end of the source's whole domain,
  // has seen Odoo's id set: its keys are the ids its batches answered, with no second call (a record that
  // vanishes after its batch was read stays until the next snapshot, as one changed after it keeps its old
  // values). A job that continues a part another job began has not: it asks for the id set.
  const first = fresh ? (part.range?.[0] ?? 0) : undefined;
  const seen: number[] | undefined = first === 0 && part.range === undefined ? [] : undefined;
  const whole = async (): Promise<PartFinish> => seen
    ? { keys: keysOf(entity, source, seen, session.companyIds), calls: 0 }
    : snapshotKeys(ctx, session, entity, source, model, base);
  const stock = !hasStockCheck(entity) ? undefined
    : fresh ? await planStockRead(ctx, session, job.runId, entity, model, base, startRow.resume_at)
    : (startRow.cursor as StockSnapshotCursor).stock;
  // A snapshot decides what it reads (fact_stock: only what changed) and what its last batch keeps.
  const read = (domain: Domain) => async (position: number | null) => {
    const batch = await readRecordBatch(job, decode, (batchSize) => nextById(ctx.odoo, model, Number(position ?? 0), {
      domain, fields: job.plan.fields, context: session.context, batchSize, beforeId: part.range?.[1],
    }));
    if (domain === base) seen?.push(...batch.ids!);
    return batch;
  };
  if (!stock) {
    return {
      start: first ?? (startRow.cursor as PlainSnapshotCursor), openCalls: 0, next: read(base), cursor: (at) => at ?? null, finish: whole,
    };
  }
  if (stock.reason && fresh) job.log.info({ reason: stock.reason }, `${entity.table}: full snapshot`);
  const next = read(stockDomain(stock, base));
  return {
    start: first ?? (startRow.cursor as StockSnapshotCursor).at,
    openCalls: fresh ? stock.calls : 0,
    // Nothing to read: the part finishes with an empty batch and no read call.
    next: stock.empty ? (position) => readRecordBatch(job, decode, { empty: position }) : next,
    cursor: (at) => ({ at: at ?? null, stock }),
    finish: async () => {
      // A delta marks deleted only in its re-read locations; both kinds store where the next run's read starts.
      const delta = await stockDeltaKeys(ctx, session, model, base, stock);
      const full = stock.kind === 'full' ? await whole() : { calls: 0 };
      return { ...full, calls: delta.calls + full.calls, afterLoad: (tx) => finishStockRead(tx, entity, part.key, stock, delta.ids) };
    },
  };
}

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
  return { keys: keysOf(entity, source, ids, session.companyIds), calls: 1 };
}

function keysOf(entity: Entity, source: SourceSpec, ids: number[], companies: number[]): Array<Record<string, unknown>> {
  return source.perCompany ? perCompanyKeys(entity, source, ids, companies) : ids.map((id) => ({ odoo_id: id }));
}

/** A per-company snapshot's keys: every id for every company of the user. */
function perCompanyKeys(entity: Entity, source: SourceSpec, ids: number[], companies: number[]): Array<Record<string, unknown>> {
  const companyColumn = source.columns.find((c) => 'readCompany' in c)!.column;
  const idColumn = entity.key.find((k) => k !== companyColumn)!;
  return companies.flatMap((company) => ids.map((id) => ({ [idColumn]: id, [companyColumn]: company })));
}
