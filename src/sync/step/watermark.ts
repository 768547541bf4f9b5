/**
 * Where an incremental read starts, and how far a finished read may move that point (the watermark,
 * `etl.watermark.resume_at`; `high_write_date` beside it is only the newest write_date loaded, for lag).
 *
 * Odoo stamps `write_date` with its transaction's start time, and the row becomes visible only when that
 * transaction commits: a long transaction can commit rows older than what a read already passed. So a
 * read whose first query ran when Odoo's clock said T has seen every row written before T − LOOKBACK
 * (given no Odoo transaction outlives LOOKBACK), but not necessarily the rows after. The watermark a
 * finished read stores is therefore T − LOOKBACK, and the next read starts AT the watermark (keyset on
 * `(write_date, id)` from there), not LOOKBACK before it:
 *   - rows newer than T − LOOKBACK are read again next time (the idempotent upsert makes that harmless);
 *   - once LOOKBACK has passed with no writes, a run reads nothing, however recent the last burst was.
 * (Subtracting LOOKBACK from the newest write_date loaded instead re-reads the last burst of writes, a whole
 * bulk import, on every run until something newer is written.)
 *
 * T is Odoo's clock, never this host's (they can be minutes apart): a lower bound from the `Date` header
 * of Odoo's answers (src/odoo/server-clock.ts) at the host instant the read's first query was sent, so it
 * errs on the safe side by the round trip at most. Incremental reads take it from their own first batch
 * (no extra call); full passes from their planning calls. A server that sends no Date header falls back to
 * the newest write_date seen (loaded, or asked at planning), which is at most Odoo's clock then.
 *
 * Each part of a step keeps its position in its own row (`etl.watermark` keyed by entity and part key),
 * moved only by a commit that holds the version it read (compare-and-set, `claimCursor`): a job freed from
 * a worker taken for dead cannot move the cursor twice.
 */
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { addSeconds, writeDateStart, type WriteDateStepCursor } from '../../odoo/keyset-step.ts';
import { odooDatetimeToIso, toOdooDatetime } from '../../odoo/datetime.ts';
import type { ServerClock } from '../../odoo/server-clock.ts';

/**
 * The watermark a read that began at host instant `sentAt` may store when it finishes: Odoo's clock then
 * minus LOOKBACK, in Odoo's `YYYY-MM-DD HH:MM:SS` (UTC, to the second). Without a clock reading, the newest
 * write_date given stands in for it; undefined when there is neither.
 */
export function watermarkForReadAt(clock: ServerClock, sentAt: number, lookbackMs: number, newestWriteDate?: string | null): string | undefined {
  const odooNow = clock.lowerBoundAt(sentAt);
  if (odooNow) return toOdooDatetime(new Date(odooNow.getTime() - lookbackMs));
  if (newestWriteDate) return addSeconds(newestWriteDate.slice(0, 19), -Math.ceil(lookbackMs / 1000));
  return undefined;
}

/**
 * The cursor an incremental read starts from: every record written at or after the watermark's second.
 * A source whose watermark predates `resume_at` (only `high_write_date`, the newest write_date loaded)
 * starts LOOKBACK before that, as reads did before.
 */
export function incrementalStart(
  stored: { resume_at: string | null; high_write_date: string | null },
  lookbackMs: number,
): WriteDateStepCursor | undefined {
  if (stored.resume_at) return writeDateStart(toOdooDatetime(new Date(stored.resume_at)));
  if (stored.high_write_date) return writeDateStart(toOdooDatetime(new Date(Date.parse(stored.high_write_date) - lookbackMs)));
  return undefined;
}

/**
 * What an unfinished incremental read keeps in `etl.watermark.cursor` between its jobs (incremental.ts): its
 * position, and the watermark it stores when it finishes (null: no clock reading, the newest write_date
 * loaded decides).
 */
export interface IncrementalCursor {
  walk: WriteDateStepCursor | null;
  nextWatermark: string | null;
}

const cursorRowSchema = z.object({
  high_write_date: z.string().nullable(),
  resume_at: z.string().nullable(),
  cursor_run_id: z.number().nullable(),
  cursor: z.unknown().nullable(),
  version: z.number(),
});
/** A part's cursor row (etl.watermark) as a job read it: its position, its watermark, and the `version` the job's commits compare-and-set. */
export type CursorRow = z.infer<typeof cursorRowSchema>;

export async function readCursorRow(pool: DatabasePool, entity: string, source: string): Promise<CursorRow> {
  const row = await pool.maybeOne(sql.type(cursorRowSchema)`
    select high_write_date, resume_at, cursor_run_id, cursor, version
      from etl.watermark where entity = ${entity} and source = ${source}`);
  return row ?? { high_write_date: null, resume_at: null, cursor_run_id: null, cursor: null, version: 0 };
}

/** Another job moved the cursor since this one read it: the batch is dropped (that job committed it). */
export class LostRace extends Error {}

/** Locks the part's cursor row and checks nobody moved it since this step read it (else LostRace). */
export async function claimCursor(tx: DatabaseTransactionConnection, table: string, source: string, version: number): Promise<void> {
  await tx.query(sql.unsafe`insert into etl.watermark (entity, source) values (${table}, ${source}) on conflict do nothing`);
  const current = await tx.oneFirst(sql.type(z.object({ version: z.number() }))`
    select version from etl.watermark where entity = ${table} and source = ${source} for update`);
  if (current !== version) throw new LostRace(`${table}/${source}: watermark moved from version ${version} to ${current}`);
}

/** What a committed batch stores in its part's cursor row. */
export interface CursorMove {
  table: string;
  part: string;
  runId: number;
  cursor: unknown;
  incremental: boolean;
  /** The part is read to its end. */
  done: boolean;
  /** The newest write_date among the batch's rows. */
  maxWriteDate: string | null;
  /** LOOKBACK, for the watermark of a server that sends no Date header. */
  lookbackMs: number;
}

export async function storeCursor(tx: DatabaseTransactionConnection, m: CursorMove): Promise<void> {
  // The watermark an incremental read fixed with its first batch, as ISO-8601 (null: no clock reading).
  const fixed = (m.cursor as IncrementalCursor | null)?.nextWatermark;
  await tx.query(sql.unsafe`
    update etl.watermark
       set cursor = ${sql.jsonb((m.cursor ?? null) as never)},
           cursor_run_id = ${m.runId},
           version = version + 1,
           updated_at = now(),
           -- The newest write_date loaded, by every kind of read (a full pass of a small source asks Odoo for
           -- no newest write_date beforehand: source-sizes.ts).
           high_write_date = greatest(high_write_date, ${m.maxWriteDate}::timestamptz),
           -- A finished incremental read moves the watermark to Odoo's clock at its first batch − LOOKBACK, or
           -- without a clock reading to the newest write_date loaded − LOOKBACK.
           resume_at = case when ${m.incremental && m.done} then greatest(resume_at, coalesce(
                              ${fixed ? odooDatetimeToIso(fixed) : null}::timestamptz,
                              greatest(high_write_date, ${m.maxWriteDate}::timestamptz) - make_interval(secs => ${m.lookbackMs / 1000})))
                            else resume_at end
     where entity = ${m.table} and source = ${m.part}`);
}

/**
 * A finished full pass of a source: the next incremental run starts where Odoo stood when the pass began
 * (the plan's nextWatermark), the field set it wrote is recorded, and the cursor rows of its id ranges go.
 */
export async function finishFullPass(
  tx: DatabaseTransactionConnection,
  f: { table: string; source: string; runId: number; fullHigh?: string | null; nextWatermark?: string | null; fieldSet: string[] | null; rangeKeys: string[]; lookbackMs: number },
): Promise<void> {
  await tx.query(sql.unsafe`insert into etl.watermark (entity, source) values (${f.table}, ${f.source}) on conflict do nothing`);
  await tx.query(sql.unsafe`
    update etl.watermark
       set high_write_date = greatest(high_write_date, ${f.fullHigh ? odooDatetimeToIso(f.fullHigh) : null}::timestamptz),
           -- Without a clock reading (no Date header), the newest write_date loaded or asked − LOOKBACK.
           resume_at = greatest(resume_at, coalesce(${f.nextWatermark ? odooDatetimeToIso(f.nextWatermark) : null}::timestamptz,
                                 greatest(high_write_date, ${f.fullHigh ? odooDatetimeToIso(f.fullHigh) : null}::timestamptz) - make_interval(secs => ${f.lookbackMs / 1000}))),
           full_done_at = now(), cursor_run_id = ${f.runId}, version = version + 1, updated_at = now(),
           field_set = ${f.fieldSet ? sql.array(f.fieldSet, 'text') : null}
     where entity = ${f.table} and source = ${f.source}`);
  if (f.rangeKeys.length > 0) {
    await tx.query(sql.unsafe`delete from etl.watermark where entity = ${f.table} and source = any(${sql.array(f.rangeKeys, 'text')})`);
  }
}
