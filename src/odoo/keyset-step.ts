// Keyset walks over an Odoo model, one batch at a time from a cursor that can be stored: what a job that
// reads one batch, commits it with its cursor and enqueues the next job needs. Never `offset` (offset
// paging re-reads everything before it).
//
// Incremental: `(write_date, id)` order. The textbook domain
//   write_date > w OR (write_date = w AND id > i),  order "write_date asc, id asc"
// is exact only if write_date has whole seconds. Real Odoo stamps write_date with the transaction's
// start time *with microseconds* but reads it back truncated to seconds, so `write_date = w` matches
// nothing and `> w` re-reads the same second: the textbook cursor can skip records or never advance.
// So the walk reads whole seconds: a batch ends at the last complete second, and a second that a full
// batch cuts is then read on its own, by id (`w <= write_date < w+1s AND id > i`, order `id asc`;
// `inSecond`). With whole-second write_dates this is the textbook domain, written with a half-open second.
import type { OdooClient } from './client.ts';
import { addOdooSeconds, odooSecond } from './datetime.ts';
import type { Domain, OdooContext, RawRecord } from './types.ts';

/** Position of a `(write_date, id)` walk: every record of a second before `writeDate`, and of that second with id <= `id`, was read. */
export interface WriteDateStepCursor {
  /** Odoo's UTC `YYYY-MM-DD HH:MM:SS`. */
  writeDate: string;
  id: number;
  /** The second `writeDate` is being read by id, because a batch was too small for it. */
  inSecond: boolean;
}

export interface StepOptions {
  domain?: Domain;
  fields: string[];
  batchSize: number;
  context?: OdooContext;
}

export interface StepResult<C> {
  records: RawRecord[];
  cursor: C;
  /** Nothing is left after `cursor` (as of this read). */
  done: boolean;
}

export function secondOf(record: RawRecord, model: string): string {
  const second = odooSecond(record.write_date);
  if (second === undefined) throw new TypeError(`${model} record ${record.id}: write_date ${JSON.stringify(record.write_date)} is not a datetime`);
  return second;
}

/** Kept under this name for the modules that import it from here (src/sync/watermark.ts, keyset.ts). */
export const addSeconds = addOdooSeconds;

function maxId(records: RawRecord[]): number {
  let max = 0;
  for (const r of records) if (r.id > max) max = r.id;
  return max;
}

function unique(fields: string[], ...required: string[]): string[] {
  return [...new Set([...fields, ...required])];
}

/** The cursor that starts a walk at `since` (inclusive, to the second); undefined reads from the oldest record. */
export function writeDateStart(since?: string): WriteDateStepCursor | undefined {
  if (since === undefined) return undefined;
  return { writeDate: addOdooSeconds(since, -1), id: Number.MAX_SAFE_INTEGER, inSecond: false };
}

/** The next batch of records changed after `cursor` (or every record with a write_date when it is undefined). */
export async function nextByWriteDate(
  client: OdooClient,
  model: string,
  cursor: WriteDateStepCursor | undefined,
  options: StepOptions,
): Promise<StepResult<WriteDateStepCursor | undefined>> {
  const { batchSize, context } = options;
  if (!(batchSize > 0)) throw new RangeError('batchSize must be positive');
  const fields = unique(options.fields, 'id', 'write_date');
  const user = options.domain ?? [];

  if (cursor?.inSecond) {
    const w = cursor.writeDate;
    const records = await client.searchRead(model, {
      domain: [...user, ['write_date', '>=', w], ['write_date', '<', addOdooSeconds(w, 1)], ['id', '>', cursor.id]] as Domain,
      fields,
      order: 'id asc',
      limit: batchSize,
      context,
    });
    const id = records.length > 0 ? records[records.length - 1]!.id : cursor.id;
    // The second is finished when a read comes back short; the walk goes on after it.
    return { records, cursor: { writeDate: w, id, inSecond: records.length === batchSize }, done: false };
  }

  const lower: Domain = cursor ? [['write_date', '>=', addOdooSeconds(cursor.writeDate, 1)]] : [['write_date', '!=', false]];
  const records = await client.searchRead(model, {
    domain: [...user, ...lower] as Domain,
    fields,
    order: 'write_date asc, id asc',
    limit: batchSize,
    context,
  });
  if (records.length === 0) return { records, cursor, done: true };
  const lastSecond = secondOf(records[records.length - 1]!, model);
  if (records.length < batchSize) {
    const tail = records.filter((r) => secondOf(r, model) === lastSecond);
    return { records, cursor: { writeDate: lastSecond, id: maxId(tail), inSecond: false }, done: true };
  }
  // A full batch may have cut its last second: keep the complete seconds, read the last one by id next.
  const head = records.filter((r) => secondOf(r, model) !== lastSecond);
  return { records: head, cursor: { writeDate: lastSecond, id: 0, inSecond: true }, done: false };
}

/** The next batch of records with an id above `afterId`, in id order (full syncs and snapshots). */
export async function nextById(
  client: OdooClient,
  model: string,
  afterId: number,
  options: StepOptions & { beforeId?: number },
): Promise<StepResult<number>> {
  const domain: Domain = [...(options.domain ?? []), ['id', '>', afterId]];
  if (options.beforeId !== undefined) domain.push(['id', '<=', options.beforeId]);
  const records = await client.searchRead(model, {
    domain,
    fields: unique(options.fields, 'id'),
    order: 'id asc',
    limit: options.batchSize,
    context: options.context,
  });
  const last = records.length > 0 ? records[records.length - 1]!.id : afterId;
  // A range whose last id was just read is done: no call that could only answer nothing.
  const rangeEnd = options.beforeId !== undefined && last >= options.beforeId;
  return { records, cursor: last, done: records.length < options.batchSize || rangeEnd };
}
