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
 */
import { addSeconds, writeDateStart, type WriteDateStepCursor } from '../odoo/keyset-step.ts';
import { toOdooDatetime } from '../odoo/datetime.ts';
import type { ServerClock } from '../odoo/server-clock.ts';

/**
 * The watermark a read that began at host instant `sentAt` may store when it finishes: Odoo's clock then
 * minus LOOKBACK, in Odoo's `YYYY-MM-DD HH:MM:SS` (UTC, to the second). Without a clock reading, the newest
 * write_date given stands in for it; undefined when there is neither.
 */
export function nextWatermark(clock: ServerClock, sentAt: number, lookbackMs: number, newestWriteDate?: string | null): string | undefined {
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
 * What an unfinished incremental read keeps in `etl.watermark.cursor` between its jobs: its position, and
 * the watermark its first batch fixed (null: no clock reading, the newest write_date loaded decides).
 */
export interface IncrementalCursor {
  walk: WriteDateStepCursor | null;
  nextWatermark: string | null;
}

export function readIncrementalCursor(stored: unknown): IncrementalCursor {
  if (stored && typeof stored === 'object' && 'walk' in stored) return stored as IncrementalCursor;
  // A cursor stored before the watermark travelled with it: the bare position.
  return { walk: (stored as WriteDateStepCursor | null) ?? null, nextWatermark: null };
}
