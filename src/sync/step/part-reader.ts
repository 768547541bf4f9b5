/**
 * How a part is read, one object per mode behind one interface: where a job starts, the next batch, the
 * cursor a batch stores, and what the part's last batch commits besides its rows. read.ts drives any of
 * them (batches, prefetch, hand-over, commits) without knowing the mode. A new mode is one new file that
 * exports an `OpenPartReader`, and its line in read.ts's READERS (typed by MODES: a mode without a reader
 * does not compile).
 */
import type { DatabaseTransactionConnection } from 'slonik';
import type { SourcePlan } from '../../entities/plan.ts';
import type { Entity, SourceSpec } from '../../entities/types.ts';
import type { OdooSession, SyncContext } from '../context.ts';
import type { AdaptiveBatchSize } from './batch-size.ts';
import type { Part } from './plan.ts';
import type { CursorRow } from './watermark.ts';

export type Row = Record<string, unknown>;

/** What a job knows when it opens its part's read. */
export interface PartJob {
  ctx: SyncContext;
  session: OdooSession;
  runId: number;
  entity: Entity;
  source: SourceSpec;
  plan: SourcePlan;
  part: Part;
  /** The part's cursor row as this job found it. */
  startRow: CursorRow;
  /** The job starts the part this run (the stored cursor, if any, is an earlier run's). */
  fresh: boolean;
  /** Batch sizes that follow Odoo's answer times (batch-size.ts). */
  size: AdaptiveBatchSize;
  log: SyncContext['logger'];
}

/** One batch of a part, read after `position`. */
export interface PartBatch<P> {
  rows: Row[];
  /** Records read from Odoo (what the step's `read` counter adds). */
  read: number;
  /** Where the next batch starts. */
  position: P;
  /** The part is read to its end. */
  done: boolean;
  calls: number;
  /** The ids of the records read (modes that read records by id). */
  ids?: number[];
  /** How long Odoo took to answer the batch's read. */
  ms?: number;
}

/** What the last batch of a part commits besides its rows (snapshots and derived entities). */
export interface PartFinish {
  /** Every key Odoo has now; the table's other keys are marked deleted. */
  keys?: Array<Record<string, unknown>>;
  /** Work of the commit's transaction after the load; returns rows marked deleted (commit.ts). */
  afterLoad?: (tx: DatabaseTransactionConnection) => Promise<number>;
  calls: number;
}

export interface PartReader<P, C> {
  /** Where this job's first read starts. */
  readonly start: P;
  /** Calls made opening the read, counted with the job's first batch. */
  readonly openCalls: number;
  next(position: P): Promise<PartBatch<P>>;
  /** What a batch that ended at `position` stores as the part's cursor (etl.watermark.cursor). */
  cursor(position: P): C;
  /** On the part's last batch: what its commit keeps besides the rows. */
  finish?(): Promise<PartFinish>;
}

export type OpenPartReader = (job: PartJob) => Promise<PartReader<unknown, unknown>>;
