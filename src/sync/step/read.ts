/**
 * Reading one part of an entity: batch after batch from the part's stored cursor, each committed on its own
 * (commit.ts). How a batch is read, and what cursor it stores, is the part's mode's (part-reader.ts: one
 * file a mode); this drives any of them. The next batch is read while the previous one loads (prefetch),
 * and each batch is as large as the server's recent answer times allow (batch-size.ts).
 */
import { SETTING_DEFAULTS } from '../../config.ts';
import type { Entity } from '../../entities/types.ts';
import type { SyncContext } from '../context.ts';
import { AdaptiveBatchSize } from './batch-size.ts';
import { commitStep, observeCommitted } from './commit.ts';
import { openDerivedRead } from './derived.ts';
import { openFullRead } from './full.ts';
import { openIncrementalRead } from './incremental.ts';
import type { OpenPartReader, PartBatch, PartFinish } from './part-reader.ts';
import type { EntityPlan, Part } from './plan.ts';
import { openSnapshotRead } from './snapshot.ts';
import type { Mode } from './source-mode.ts';
import { readCursorRow } from './watermark.ts';

/** Each mode's reader (part-reader.ts), one file a mode. */
const READERS: Record<Mode, OpenPartReader> = {
  full: openFullRead as OpenPartReader,
  incremental: openIncrementalRead as OpenPartReader,
  snapshot: openSnapshotRead as OpenPartReader,
  derived: openDerivedRead as OpenPartReader,
};

/** When a job stops taking batches and hands the part over to a continuation job (the task's policy). */
export interface HandOver {
  /** After this long (from the job's first read), the batch being committed is the job's last. */
  budgetMs: number;
  /** Hand over after the first committed batch (a retried job: see tasks/sync_entity.ts). */
  afterFirstBatch: boolean;
  /** Once aborted (the worker is stopping: SIGINT, SIGTERM), the batch in hand is the job's last. */
  stop?: AbortSignal;
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
  const source = entity.sources.find((s) => (s.source ?? '') === current.source)!;
  const session = await ctx.session();
  // The part's cursor row as this job found it; `expectedRow` below is the row as this job's last commit left it.
  const startRow = await readCursorRow(ctx.pool, entity.table, part.key);
  const size = new AdaptiveBatchSize(ctx.settings.BATCH_SIZE, ctx.settings.BATCH_TARGET ?? SETTING_DEFAULTS.BATCH_TARGET);
  const reader = await READERS[current.mode]({
    ctx, session, runId, entity, source, plan: current.plan, part, startRow, fresh: startRow.cursor_run_id !== runId, size, log,
  });
  const base = { runId, entity, plan, part, mode: current.mode };

  // A job loads batch after batch until its hand-over, reading the next batch while the previous one loads.
  // Every batch still commits on its own with its cursor (compare-and-set); only the job's last batch
  // enqueues the continuation. A crash mid-job leaves this job to be retried, and the retry reads from the
  // last committed cursor: nothing is lost or loaded twice.
  const started = Date.now();
  let expectedRow = startRow; // what the next commit's compare-and-set expects
  let pending = reader.next(reader.start);
  for (;;) {
    const batch = await pending;
    const last = batch.done || handOver.afterFirstBatch || handOver.stop?.aborted === true || Date.now() - started >= handOver.budgetMs;
    let prefetched: Promise<PartBatch<unknown>> | undefined;
    if (!last) {
      prefetched = reader.next(batch.position);
      prefetched.catch(() => {}); // awaited (and thrown) in the next turn; not an unhandled rejection meanwhile
    }
    let calls = batch.calls + (expectedRow === startRow ? reader.openCalls : 0);
    let finish: PartFinish | undefined;
    if (batch.done && reader.finish) {
      finish = await reader.finish();
      calls += finish.calls;
    }
    const loading = Date.now();
    const cursor = reader.cursor(batch.position);
    const committed = await commitStep(ctx.pool, {
      ...base, cursorRow: expectedRow, rows: batch.rows, read: batch.read, calls, done: batch.done, cursor,
      snapshotKeys: finish?.keys, afterLoad: finish?.afterLoad, continueAfter: last, lookbackMs: ctx.settings.LOOKBACK,
    });
    observeCommitted(ctx, entity.table, part.source, batch.read, committed);
    if (committed) {
      log.debug({ part: part.key, mode: current.mode, read: batch.rows.length, ...committed.counts, readMs: batch.ms, loadMs: Date.now() - loading, done: batch.done }, 'batch loaded');
      if (committed.finished) log.info({ mode: current.mode, ...committed.finished }, `${entity.table} synced`);
    }
    if (!committed || last || !prefetched) return;
    // What the commit just stored: the next batch's compare-and-set expects it.
    expectedRow = { ...expectedRow, version: expectedRow.version + 1, cursor_run_id: runId, cursor };
    pending = prefetched;
  }
}
