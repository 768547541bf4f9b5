/**
 * The commit of one batch: in ONE transaction, the rows are loaded (src/sync/load.ts: COPY, then etl.merge_staged), the part's cursor and
 * the step's counters move, and either the continuation job is enqueued (etl.continue_step) or, when the
 * part's last batch finishes the entity, the step is settled (etl.finish_step, which queues the entities
 * it unblocks). A crash anywhere loses nothing and duplicates nothing: the job is retried, reads from the
 * cursor of the last commit, and the upsert is idempotent. The cursor's version is compared and set
 * (watermark.ts), so a stale job cannot commit a batch twice.
 */
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import type { Entity } from '../../entities/types.ts';
import type { SyncContext } from '../context.ts';
import { upsertRows, type LoadCounts } from '../load.ts';
import type { StepCounters } from '../step-counters.ts';
import type { EntityPlan, Part } from './plan.ts';
import type { Mode } from './source-mode.ts';
import { addBatch, continueStep, observeSettled, settleStep, stepIsOpen, StepClosed, type SettledStep } from './life.ts';
import { claimCursor, finishFullPass, LostRace, storeCursor, type CursorRow } from './watermark.ts';

export interface StepCommit {
  runId: number;
  entity: Entity;
  plan: EntityPlan;
  part: Part;
  mode: Mode;
  /** The part's cursor row as this step read it (its version is the compare-and-set). */
  cursorRow: CursorRow;
  rows: Array<Record<string, unknown>>;
  read: number;
  calls: number;
  /** The part is read to its end. */
  done: boolean;
  cursor: unknown;
  /** Snapshot sources: every key Odoo has now; the others are marked deleted (snapshot.ts). */
  snapshotKeys?: Array<Record<string, unknown>>;
  /** Work of the transaction after the load (stock check, snapshot.ts); returns rows marked deleted. */
  afterLoad?: (tx: DatabaseTransactionConnection) => Promise<number>;
  /** False when the job goes on with the next batch itself: enqueue no continuation for an unfinished part. */
  continueAfter?: boolean;
  /** LOOKBACK, for the watermark of a server that sends no Date header (watermark.ts). */
  lookbackMs?: number;
}

export interface Committed {
  counts: LoadCounts & { deleted: number };
  /** The entity's totals when this commit finished it. */
  finished?: StepCounters & { seconds: number };
  /** The settlement this commit made, if it settled the step. */
  settled?: SettledStep | null;
}

/** Commits one batch; false when another job had already moved the cursor (this batch is dropped). */
export async function commitStep(pool: DatabasePool, c: StepCommit): Promise<Committed | false> {
  const table = c.entity.table;
  const maxWriteDate = c.rows.reduce<string | null>((max, row) => {
    const value = typeof row.write_date === 'string' ? row.write_date : null;
    return value && (!max || value > max) ? value : max;
  }, null);
  try {
    return await pool.transaction(async (tx): Promise<Committed> => {
      await claimCursor(tx, table, c.part.key, c.cursorRow.version);
      const counts = await upsertRows(tx, table, c.rows);
      let deleted = 0;
      if (c.snapshotKeys) {
        deleted = await tx.oneFirst(sql.type(z.object({ deleted: z.number() }))`
          select deleted from etl.mark_deleted_except(format('public.%I', ${table}::text)::regclass, ${sql.jsonb(c.snapshotKeys as never)})`);
      }
      if (c.afterLoad) deleted += await c.afterLoad(tx);
      await storeCursor(tx, {
        table, part: c.part.key, runId: c.runId, cursor: c.cursor, incremental: c.mode === 'incremental', done: c.done,
        maxWriteDate, lookbackMs: c.lookbackMs ?? 0,
      });
      const totals = await addBatch(tx, {
        runId: c.runId, table, part: c.part.key, partDone: c.done,
        counters: { read: c.read, inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged, deleted, batches: 1, calls: c.calls },
      });
      if (!totals) {
        // The run ended meanwhile (cancelled, RUN_TIMEOUT, settled by housekeeping): roll this batch back whole.
        if (!(await stepIsOpen(tx, c.runId, table))) throw new StepClosed(`run ${c.runId} ended (${table} is no longer running)`);
        // A stale job of a part another job already finished (its cursor row may be gone): drop the batch.
        throw new LostRace(`${table}/${c.part.key} was already read to its end`);
      }
      const committed: Committed = { counts: { ...counts, deleted } };
      if (!c.done) {
        if (c.continueAfter !== false) await continueStep(tx, c.runId, table, c.part.key);
        return committed;
      }
      const done = totals.sources_done;
      // The row lock of the update above orders the parts' last commits: exactly one sees its source, then the entity, complete.
      const sourceParts = c.plan.parts.filter((p) => p.source === c.part.source);
      // A full pass, or an incremental entity's snapshot pass (snapshotWhenFull), moves the watermark.
      const pass = c.mode === 'full' || (c.mode === 'snapshot' && c.entity.sync === 'incremental');
      if (pass && sourceParts.every((p) => done.includes(p.key))) {
        const source = c.plan.sources.find((s) => s.source === c.part.source);
        await finishFullPass(tx, {
          table, source: c.part.source, runId: c.runId, fullHigh: source?.fullHigh, nextWatermark: source?.nextWatermark,
          fieldSet: source?.plan.fieldSet ?? null, rangeKeys: sourceParts.filter((p) => p.key !== p.source).map((p) => p.key),
          lookbackMs: c.lookbackMs ?? 0,
        });
      }
      if (c.plan.parts.every((p) => done.includes(p.key))) {
        committed.settled = await settleStep(tx, c.runId, table, 'succeeded');
        const { sources_done: _, ...finished } = totals;
        committed.finished = finished;
      }
      return committed;
    });
  } catch (error) {
    if (error instanceof LostRace) return false; // another job already committed this batch; it also queued the next
    throw error;
  }
}

/** Tells the observer (metrics) what a commit did, once it is committed. */
export function observeCommitted(ctx: SyncContext, entity: string, source: string, read: number, committed: Committed | false): void {
  if (!committed || !ctx.observer) return;
  ctx.observer.batchCommitted({ entity, source, read, ...committed.counts });
  observeSettled(ctx, committed.settled);
}
