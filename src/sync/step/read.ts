/**
 * Reading one part of an entity: batch after batch from the part's stored cursor, each committed on its own
 * (commit.ts). The next batch is read while the previous one loads (prefetch), and each batch is as large as
 * the server's recent answer times allow (batch-size.ts). Incremental parts walk `(write_date, id)` from the
 * watermark (watermark.ts), full and snapshot parts walk ids (within their range).
 */
import { toRow } from '../../entities/plan.ts';
import type { Entity } from '../../entities/types.ts';
import { MissingModelError } from '../../entities/plan.ts';
import { makeRecordDecoder, type Domain, type RawRecord } from '../../odoo/index.ts';
import { nextById, nextByWriteDate, type WriteDateStepCursor } from '../../odoo/keyset-step.ts';
import { ServerClock } from '../../odoo/server-clock.ts';
import type { SyncContext } from '../context.ts';
import { AdaptiveBatchSize } from './batch-size.ts';
import { commitStep, observeCommitted } from './commit.ts';
import { readForCompanies } from './companies.ts';
import { loadDerived } from './derived.ts';
import type { EntityPlan, Part } from './plan.ts';
import { openSnapshotRead, type SnapshotFinish } from './snapshot.ts';
import { incrementalStart, nextWatermark, readIncrementalCursor, readWatermark, type IncrementalCursor } from './watermark.ts';

/** When a job stops taking batches and hands the part over to a continuation job (the task's policy). */
export interface HandOver {
  /** After this long (from the job's first read), the batch being committed is the job's last. */
  budgetMs: number;
  /** Hand over after the first committed batch (a retried job: see tasks/sync_entity.ts). */
  afterFirstBatch: boolean;
  /** Once aborted (the worker is stopping: SIGINT, SIGTERM), the batch in hand is the job's last. */
  stop?: AbortSignal;
}

interface Batch {
  records: RawRecord[];
  /** Per-company sources: the batch's records as each company reads them. */
  byCompany?: Array<{ company: number; records: RawRecord[] }>;
  cursor: unknown;
  done: boolean;
  calls: number;
  /** How long Odoo took to answer. */
  ms?: number;
}

export async function readPart(
  ctx: SyncContext,
  runId: number,
  entity: Entity,
  plan: EntityPlan,
  part: Part,
  log: SyncContext['logger'],
  handOver: HandOver,
): Promise<void> {
  const current = plan.sources.find((s) => s.source === part.source)!;
  const sourceSpec = entity.sources.find((s) => (s.source ?? '') === current.source)!;
  const session = await ctx.session();
  const watermark = await readWatermark(ctx.pool, entity.table, part.key);
  const fresh = watermark.cursor_run_id !== runId;
  const base = { runId, entity, plan, part, mode: current.mode };

  if (current.mode === 'derived') return loadDerived(ctx, { ...base, watermark }, sourceSpec, current.plan.model, log);

  const fieldsGet = await ctx.fieldsGet(current.plan.model);
  if (!fieldsGet) throw new MissingModelError(entity.table, current.plan.model, plan.series as never);
  const decode = makeRecordDecoder(current.plan.model, fieldsGet, current.plan.fields);
  const model = current.plan.model;
  // A snapshot decides what it reads (fact_stock: only what changed, stock-check.ts) and what its last batch keeps.
  const snapshot = current.mode === 'snapshot'
    ? await openSnapshotRead(ctx, session, { runId, entity, source: sourceSpec, model, part, watermark, fresh }, log)
    : undefined;
  const domain = snapshot?.domain ?? ((sourceSpec.domain ?? []) as Domain);
  const options = { domain, fields: current.plan.fields, batchSize: ctx.settings.BATCH_SIZE, context: session.context };

  const size = new AdaptiveBatchSize(ctx.settings.BATCH_SIZE, ctx.settings.BATCH_TARGET ?? 3000);

  // An incremental read fixes its watermark with its first batch (watermark.ts); later jobs find it in the cursor.
  const storedIncremental = current.mode === 'incremental' && !fresh ? readIncrementalCursor(watermark.cursor) : undefined;
  let incrementalWatermark: string | null | undefined = storedIncremental?.nextWatermark;

  /** One read after `position`, as large as the server's recent answer times allow. */
  const readBatch = async (position: unknown): Promise<Batch> => {
    const batchSize = size.current;
    const asked = Date.now();
    const sent = ServerClock.hostNow();
    const r = snapshot?.empty ? { records: [], cursor: position, done: true }
      : current.mode === 'incremental'
        ? await nextByWriteDate(ctx.odoo, model, (position as WriteDateStepCursor | null) ?? undefined, { ...options, batchSize })
        : await nextById(ctx.odoo, model, Number(position ?? 0), { ...options, batchSize, beforeId: part.range?.[1] });
    const ms = Date.now() - asked;
    size.observe(batchSize, ms);
    if (current.mode === 'incremental' && incrementalWatermark === undefined) {
      incrementalWatermark = nextWatermark(ctx.odoo.clock, sent, ctx.settings.LOOKBACK) ?? null;
    }
    const { byCompany, calls } = await readForCompanies(ctx, session, sourceSpec, current.plan, r.records);
    return { ...r, byCompany, calls: (snapshot?.empty ? 0 : 1) + calls, ms };
  };

  // A job loads batch after batch until its hand-over, reading the next batch while the previous one loads.
  // Every batch still commits on its own with its cursor (compare-and-set); only the job's last batch
  // enqueues the continuation. A crash mid-job leaves this job to be retried, and the retry reads from the
  // last committed cursor: nothing is lost or loaded twice.
  const started = Date.now();
  const initial = current.mode === 'incremental'
    ? fresh ? incrementalStart(watermark, ctx.settings.LOOKBACK) : storedIncremental!.walk
    : snapshot ? snapshot.start : fresh ? (part.range?.[0] ?? 0) : watermark.cursor;
  let held = watermark;
  let pending = readBatch(initial);
  for (;;) {
    const batch = await pending;
    const last = batch.done || handOver.afterFirstBatch || handOver.stop?.aborted === true || Date.now() - started >= handOver.budgetMs;
    let prefetched: Promise<Batch> | undefined;
    if (!last) {
      prefetched = readBatch(batch.cursor);
      prefetched.catch(() => {}); // awaited (and thrown) in the next turn; not an unhandled rejection meanwhile
    }
    const rows = batch.byCompany
      ? batch.byCompany.flatMap(({ company, records }) => records.map((record) => toRow(entity, sourceSpec, current.plan, decode(record), company)))
      : batch.records.map((record) => toRow(entity, sourceSpec, current.plan, decode(record)));
    let calls = batch.calls + (snapshot && held === watermark ? snapshot.planCalls : 0);
    let finish: SnapshotFinish | undefined;
    if (batch.done && snapshot) {
      finish = await snapshot.finish();
      calls += finish.calls;
    }
    const loading = Date.now();
    const cursor: unknown = current.mode === 'incremental'
      ? ({ walk: (batch.cursor as WriteDateStepCursor | undefined) ?? null, nextWatermark: incrementalWatermark ?? null } satisfies IncrementalCursor)
      : snapshot ? snapshot.cursor(batch.cursor) : batch.cursor ?? null;
    const committed = await commitStep(ctx.pool, {
      ...base, watermark: held, rows, read: batch.records.length, calls, done: batch.done, cursor,
      snapshotKeys: finish?.keys, afterLoad: finish?.afterLoad, continueAfter: last, lookbackMs: ctx.settings.LOOKBACK,
    });
    observeCommitted(ctx, entity.table, part.source, batch.records.length, committed);
    if (committed) {
      log.debug({ part: part.key, mode: current.mode, read: rows.length, ...committed.counts, readMs: batch.ms, loadMs: Date.now() - loading, done: batch.done }, 'batch loaded');
      if (committed.finished) log.info({ mode: current.mode, ...committed.finished }, `${entity.table} synced`);
    }
    if (!committed || last || !prefetched) return;
    // What the commit just stored: the next batch's compare-and-set expects it.
    held = { ...held, version: held.version + 1, cursor_run_id: runId, cursor };
    pending = prefetched;
  }
}
