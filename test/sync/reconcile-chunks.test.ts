/**
 * The delete reconcile on a source with hundreds of thousands of ids: the id set goes to PostgreSQL
 * chunk by chunk (a temporary table), never into one array, so memory stays bounded and no
 * `push(...chunk)` / huge query parameter can fail; the marking keeps its rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { reconcileIdChunks } from '../../src/sync/reconcile.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

const IDS = 300_000;
/** Larger than what `array.push(...chunk)` takes in V8 (about 120k arguments). */
const CHUNK = 150_000;

let db: TestDatabase;
beforeAll(async () => {
  db = await freshDatabase();
});
afterAll(async () => {
  await db?.drop();
});

describe('reconcile with a large id set', () => {
  it(`marks ${IDS} ids read in ${CHUNK}-id chunks: gone ids deleted, returned ids revived, rows synced after the read kept`, async () => {
    const { pool } = db;
    // The table holds ids 1..IDS, loaded before the id set was read; 3 of them are soft-deleted already.
    await pool.query(sql.unsafe`
      insert into public.dim_categories (odoo_id, name, synced_at)
      select i, 'category ' || i, timestamptz '2026-01-01' from generate_series(1, ${IDS}) i`);
    await pool.query(sql.unsafe`update public.dim_categories set deleted_at = timestamptz '2026-02-01' where odoo_id in (5, 6, 7)`);
    // A row loaded after the read: not in the id set, but not judged by it.
    await pool.query(sql.unsafe`insert into public.dim_categories (odoo_id, name, synced_at) values (${IDS + 1}, 'new', timestamptz '2026-07-01')`);

    // Odoo's set: every id but the multiples of 1000; chunks out of order, overlapping (duplicates).
    const gone = (id: number) => id % 1000 === 0;
    const chunk = (from: number, to: number) => {
      const ids: number[] = [];
      for (let id = from; id <= to; id++) if (!gone(id)) ids.push(id);
      return ids;
    };
    let chunksRead = 0;
    async function* idChunks() {
      for (const [from, to] of [[CHUNK + 1, IDS], [1, CHUNK], [CHUNK - 100, CHUNK + 100]] as const) {
        chunksRead++;
        yield chunk(from, to);
      }
    }

    const result = await reconcileIdChunks(pool, {
      table: 'dim_categories',
      source: null,
      idChunks: idChunks(),
      syncedBefore: '2026-06-01T00:00:00Z',
    });
    expect(chunksRead).toBe(3);
    expect(result).toEqual({ odooIds: IDS - IDS / 1000, deleted: IDS / 1000, restored: 3 });

    const state = await pool.one(sql.type(z.object({ deleted: z.number(), wrongly: z.number(), live_new: z.boolean() }))`
      select count(*) filter (where deleted_at is not null)::int as deleted,
             count(*) filter (where (deleted_at is not null) <> (odoo_id % 1000 = 0 and odoo_id <= ${IDS}))::int as wrongly,
             bool_or(odoo_id = ${IDS + 1} and deleted_at is null) as live_new
        from public.dim_categories`);
    expect(state).toEqual({ deleted: IDS / 1000, wrongly: 0, live_new: true });

    // The staging table is gone with the call: a second reconcile on the same pool starts clean.
    const again = await reconcileIdChunks(pool, { table: 'dim_categories', source: null, idChunks: idChunks(), syncedBefore: '2026-06-01T00:00:00Z' });
    expect(again).toEqual({ odooIds: IDS - IDS / 1000, deleted: 0, restored: 0 });
  });

  it('a multi-source table reconciled without naming the source is refused, naming the table', async () => {
    const { pool } = db;
    await expect(
      reconcileIdChunks(pool, { table: 'all_sales', source: null, idChunks: (async function* () {})(), syncedBefore: '2026-06-01T00:00:00Z' }),
    ).rejects.toThrow(/all_sales needs a source/);
  });
});
