/**
 * Snapshot sources (fact_stock's stock.quant, dim_product_costs): quants change and vanish without
 * write_date moving, so a snapshot reads every record by id, and its last batch commits the truth of
 * Odoo's id set now: every key not in it is marked deleted (etl.mark_deleted_except, in commit.ts).
 * The one place that decides what a snapshot part reads and what its last commit keeps.
 *
 * fact_stock reads only what changed instead (src/sync/stock-check.ts): a job that starts the part plans
 * the read (the quants written since the watermark plus the locations whose aggregates disagree, or the
 * full snapshot), and the plan rides in the part's cursor `{ at, stock }` to the part's later jobs.
 */
import type { DatabaseTransactionConnection } from 'slonik';
import type { Entity, SourceSpec } from '../../entities/types.ts';
import type { Domain } from '../../odoo/index.ts';
import type { OdooSession, SyncContext } from '../context.ts';
import { finishStockRead, hasStockCheck, planStockRead, readStockCursor, stockCursor, stockDeltaKeys, stockDomain } from '../stock-check.ts';
import type { Part } from './plan.ts';
import type { CursorRow } from './watermark.ts';

/** What the last batch of a snapshot part commits besides its rows. */
export interface SnapshotFinish {
  /** Every key Odoo has now; the table's other keys are marked deleted. */
  keys?: Array<Record<string, unknown>>;
  /** Work of the commit's transaction after the load; returns rows marked deleted (commit.ts). */
  afterLoad?: (tx: DatabaseTransactionConnection) => Promise<number>;
  calls: number;
}

/** How one job reads a snapshot part. */
export interface SnapshotRead {
  domain: Domain;
  /** The id position the job's first read starts after. */
  start: unknown;
  /** Nothing to read: the part finishes with an empty batch and no read call. */
  empty: boolean;
  /** Calls made planning the read, counted with the job's first batch. */
  planCalls: number;
  /** The cursor a batch that stopped at `at` stores. */
  cursor(at: unknown): unknown;
  /** On the part's last batch: what its commit keeps. */
  finish(): Promise<SnapshotFinish>;
}

export interface SnapshotPart {
  runId: number;
  entity: Entity;
  source: SourceSpec;
  model: string;
  part: Part;
  cursorRow: CursorRow;
  /** The job starts the part this run (its cursor is from an earlier run). */
  fresh: boolean;
}

export async function openSnapshotRead(ctx: SyncContext, session: OdooSession, s: SnapshotPart, log: SyncContext['logger']): Promise<SnapshotRead> {
  const base = (s.source.domain ?? []) as Domain;
  const whole = (): Promise<SnapshotFinish> => snapshotKeys(ctx, session, s.entity, s.source, s.model, base);
  // A cursor stored before the stock check (a bare id position) resumes as a plain snapshot.
  const stock = !hasStockCheck(s.entity) ? undefined
    : s.fresh ? await planStockRead(ctx, session, s.runId, s.entity, s.model, base, s.cursorRow.resume_at)
    : readStockCursor(s.cursorRow.cursor).plan;
  if (!stock) {
    return {
      domain: base, start: s.fresh ? (s.part.range?.[0] ?? 0) : s.cursorRow.cursor, empty: false, planCalls: 0,
      cursor: (at) => at ?? null, finish: whole,
    };
  }
  if (stock.reason && s.fresh) log.info({ reason: stock.reason }, `${s.entity.table}: full snapshot`);
  return {
    domain: stockDomain(stock, base),
    start: s.fresh ? (s.part.range?.[0] ?? 0) : readStockCursor(s.cursorRow.cursor).at,
    empty: stock.empty === true,
    planCalls: s.fresh ? stock.calls : 0,
    cursor: (at) => stockCursor(at, stock),
    finish: async () => {
      // A delta marks deleted only in its re-read locations; both kinds store where the next run's read starts.
      const delta = await stockDeltaKeys(ctx, session, s.model, base, stock);
      const full = stock.kind === 'full' ? await whole() : { calls: 0 };
      return { ...full, calls: delta.calls + full.calls, afterLoad: (tx) => finishStockRead(tx, s.entity, s.part.key, stock, delta.ids) };
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
  const keys = source.perCompany ? perCompanyKeys(entity, source, ids, session.companyIds) : ids.map((id) => ({ odoo_id: id }));
  return { keys, calls: 1 };
}

/** A per-company snapshot's keys: every id for every company of the user. */
function perCompanyKeys(entity: Entity, source: SourceSpec, ids: number[], companies: number[]): Array<Record<string, unknown>> {
  const companyColumn = source.columns.find((c) => 'readCompany' in c)!.column;
  const idColumn = entity.key.find((k) => k !== companyColumn)!;
  return companies.flatMap((company) => ids.map((id) => ({ [idColumn]: id, [companyColumn]: company })));
}
