/**
 * Loading a batch into a mirrored table: one call of the set-based load function (etl.upsert_json, which
 * runs the table's compiled statement; sql/functions/upsert.sql) with the rows as one json value, inside
 * the caller's transaction. The rows are plain
 * JSON values already (the decoder's output), so the native JSON.stringify serializes them; slonik's
 * sql.jsonb uses a safe, slower serializer that showed up in the full sync's profile.
 */
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export const loadCountsSchema = z.object({ inserted: z.number(), updated: z.number(), unchanged: z.number() });
export type LoadCounts = z.infer<typeof loadCountsSchema>;

export function upsertRows(connection: CommonQueryMethods, table: string, rows: Array<Record<string, unknown>>): Promise<LoadCounts> {
  return connection.one(sql.type(loadCountsSchema)`
    select * from etl.upsert_json(format('public.%I', ${table}::text)::regclass, ${JSON.stringify(rows)}::json)`);
}
