/**
 * Loading a batch into a mirrored table, inside the caller's transaction: the rows are COPYed into the
 * session's staging table of the table (etl.stage), then one set-based statement merges them
 * (etl.merge_staged → the table's compiled statement; sql/functions/upsert.sql). COPY's text format is
 * parsed by PostgreSQL's own input functions, with no json document of the batch to build and take apart
 * (a quarter less PostgreSQL CPU for unchanged rows; README, Performance); the COPY runs on the pg client of the transaction's connection (src/db/raw-client.ts), so the batch, its cursor
 * and its next job still commit together or not at all. The sync engine, webhook loads and heal all load
 * through here.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sql, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { backendColumns, backendSchema, clientOfBackend } from '../db/raw-client.ts';
import { copyLine, type StagedColumn } from './copy-text.ts';

export const loadCountsSchema = z.object({ inserted: z.number(), updated: z.number(), unchanged: z.number() });
export type LoadCounts = z.infer<typeof loadCountsSchema>;

const stagingSchema = backendSchema.extend({
  column_names: z.array(z.string()),
  kinds: z.array(z.enum(['json', 'array', 'plain'])),
  copy: z.string(),
});

interface Staging {
  client: pg.Client;
  columns: StagedColumn[];
  /** The COPY statement into the staging table, written by PostgreSQL (etl.stage quotes every name). */
  copy: string;
}

/**
 * The staging table of `table` in this transaction's session, created if missing or out of date
 * (etl.stage), and the pg client of the session. Asked on every batch, not cached: a staging table created
 * by a transaction that then rolled back is gone, and one round trip is little next to a batch.
 */
async function staging(tx: DatabaseTransactionConnection, table: string): Promise<Staging> {
  const s = await tx.one(sql.type(stagingSchema)`
    select ${backendColumns}, s.column_names, s.kinds, s.copy from etl.stage(format('public.%I', ${table}::text)::regclass) s`);
  return { client: clientOfBackend(s), columns: s.column_names.map((name, i) => ({ name, kind: s.kinds[i]! })), copy: s.copy };
}

// COPY data goes out in chunks of about this many characters.
const CHUNK = 64 * 1024;

function* copyText(columns: StagedColumn[], rows: Array<Record<string, unknown>>): Generator<string> {
  let chunk = '';
  for (const row of rows) {
    chunk += copyLine(columns, row);
    if (chunk.length > CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export async function upsertRows(tx: DatabaseTransactionConnection, table: string, rows: Array<Record<string, unknown>>): Promise<LoadCounts> {
  if (rows.length === 0) return { inserted: 0, updated: 0, unchanged: 0 };
  const { client, columns, copy } = await staging(tx, table);
  await pipeline(Readable.from(copyText(columns, rows)), client.query(copyFrom(copy)));
  return tx.one(sql.type(loadCountsSchema)`
    select * from etl.merge_staged(format('public.%I', ${table}::text)::regclass)`);
}
