// Keyset iteration over an Odoo model, never `offset` (offset paging re-reads everything before it).
//
// Incremental: `(write_date, id)` order. The textbook domain
//   write_date > w OR (write_date = w AND id > i),  order "write_date asc, id asc"
// is exact only if write_date has whole seconds. Real Odoo stamps write_date with the transaction's
// start time *with microseconds* but reads it back truncated to seconds, so `write_date = w` matches
// nothing and `> w` re-reads the same second: the textbook cursor can skip records or never advance.
// So a cursor position means "every record whose write_date second is before w, and those in second w
// with id <= i, were yielded", and a second is read either completely inside one batch or, when it is
// split by the batch limit, on its own by id (`w <= write_date < w+1s AND id > i`, order `id asc`).
// With whole-second write_dates this is the textbook domain, written with a half-open second.
import type { OdooClient } from './client.ts';
import { addSeconds, secondOf } from './keyset-step.ts';
import type { Domain, OdooContext, RawRecord } from './types.ts';

const nextSecond = (second: string): string => addSeconds(second, 1);

export interface WriteDateCursor {
  /** Odoo's UTC `YYYY-MM-DD HH:MM:SS`. */
  writeDate: string;
  id: number;
}

export interface KeysetBatch<C> {
  records: RawRecord[];
  /** Where the next iteration resumes: after every record yielded so far. */
  cursor: C;
}

export interface KeysetOptions {
  /** The caller's domain, AND'ed with the cursor's. */
  domain?: Domain;
  fields: string[];
  batchSize: number;
  context?: OdooContext;
}

/** Domains are implicitly AND'ed at the top level when each is a sequence of complete terms. */
function and(...domains: Domain[]): Domain {
  return domains.flat() as Domain;
}

function withFields(fields: string[], ...required: string[]): string[] {
  return [...new Set([...fields, ...required])];
}

function maxId(records: RawRecord[]): number {
  let max = 0;
  for (const r of records) if (r.id > max) max = r.id;
  return max;
}

/** Records changed after `after` (all records with a write_date when absent), in batches of at most `batchSize`. */
export async function* iterateByWriteDate(
  client: OdooClient,
  model: string,
  options: KeysetOptions & { after?: WriteDateCursor },
): AsyncGenerator<KeysetBatch<WriteDateCursor>> {
  const { batchSize, context } = options;
  if (!(batchSize > 0)) throw new RangeError('batchSize must be positive');
  const userDomain = options.domain ?? [];
  const fields = withFields(options.fields, 'id', 'write_date');
  let cursor = options.after ? { ...options.after, writeDate: options.after.writeDate.slice(0, 19) } : undefined;
  /** Reading the cursor's second alone, by id, because a batch could not hold all of it. */
  let inSecond = false;

  for (;;) {
    if (inSecond && cursor) {
      const w = cursor.writeDate;
      const records = await client.searchRead(model, {
        domain: and(userDomain, [['write_date', '>=', w], ['write_date', '<', nextSecond(w)], ['id', '>', cursor.id]]),
        fields,
        order: 'id asc',
        limit: batchSize,
        context,
      });
      if (records.length > 0) {
        cursor = { writeDate: w, id: records[records.length - 1]!.id };
        yield { records, cursor };
      }
      if (records.length < batchSize) inSecond = false;
      continue;
    }

    // After (w, i): the rest of second w (id > i), then every later second.
    const lower: Domain = cursor
      ? ['|', ['write_date', '>=', nextSecond(cursor.writeDate)], '&', '&', ['write_date', '>=', cursor.writeDate], ['write_date', '<', nextSecond(cursor.writeDate)], ['id', '>', cursor.id]]
      : [['write_date', '!=', false]];
    const records = await client.searchRead(model, {
      domain: and(userDomain, lower),
      fields,
      order: 'write_date asc, id asc',
      limit: batchSize,
      context,
    });
    if (records.length === 0) return;
    const lastSecond = secondOf(records[records.length - 1]!, model);
    if (records.length < batchSize) {
      // Everything there is: the last second is complete too.
      const tail = records.filter((r) => secondOf(r, model) === lastSecond);
      cursor = { writeDate: lastSecond, id: maxId(tail) };
      yield { records, cursor };
      return;
    }
    // A full batch may have cut its last second: yield the complete seconds before it, then read that second by id.
    const head = records.filter((r) => secondOf(r, model) !== lastSecond);
    if (head.length > 0) {
      const headSecond = secondOf(head[head.length - 1]!, model);
      cursor = { writeDate: headSecond, id: maxId(head.filter((r) => secondOf(r, model) === headSecond)) };
      yield { records: head, cursor };
    }
    // The cursor's own second may be the one cut: resume it after the ids already yielded.
    cursor = { writeDate: lastSecond, id: head.length === 0 && cursor?.writeDate === lastSecond ? cursor.id : 0 };
    inSecond = true;
  }
}

export interface IdCursor {
  id: number;
}

/** Every record (matching `domain`) with an id above `afterId`, in id order. */
export async function* iterateById(
  client: OdooClient,
  model: string,
  options: KeysetOptions & { afterId?: number },
): AsyncGenerator<KeysetBatch<IdCursor>> {
  const { batchSize, context } = options;
  if (!(batchSize > 0)) throw new RangeError('batchSize must be positive');
  const fields = withFields(options.fields, 'id');
  let last = options.afterId ?? 0;
  for (;;) {
    const records = await client.searchRead(model, {
      domain: and(options.domain ?? [], [['id', '>', last]]),
      fields,
      order: 'id asc',
      limit: batchSize,
      context,
    });
    if (records.length === 0) return;
    last = records[records.length - 1]!.id;
    yield { records, cursor: { id: last } };
    if (records.length < batchSize) return;
  }
}
