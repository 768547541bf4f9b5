/**
 * Parallel id-range parts of one table load at the same time and may reference the same missing parents:
 * etl.upsert infers those parents (and records missing_data) in key order, so two concurrent loads wait
 * for each other instead of deadlocking, whatever order their batches list the references in.
 * A new row is written by a plain INSERT (no ON CONFLICT): when a concurrent load inserts the same key after
 * the merge's snapshot, the merge is retried inside the caller's transaction (etl.merge_staged), which goes on
 * and commits with everything it did before the load (the step's cursor claim).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

const PARENTS = 4000;
const T1 = '2026-11-25T10:00:00Z';

let db: TestDatabase;
const clients: pg.Client[] = [];
beforeAll(async () => {
  db = await freshDatabase();
  for (let i = 0; i < 3; i++) {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    clients.push(client);
  }
});
afterAll(async () => {
  for (const client of clients) await client.end();
  await db?.drop();
});

/** A batch of branches (one id range) referencing missing customers (null: none); `parents` gives the order. */
function batch(firstId: number, parents: Array<number | null>) {
  return parents.map((partner, i) => ({ odoo_id: firstId + i, name: `branch ${firstId + i}`, partner_id: partner, write_date: T1 }));
}

describe('etl.upsert under concurrent parts', () => {
  it('two transactions inferring the same missing parents in opposite orders both commit (no deadlock)', async () => {
    const [gate, a, b] = clients as [pg.Client, pg.Client, pg.Client];
    const shared = Array.from({ length: PARENTS }, (_, i) => 1_000_000 + i);
    // The second batch lists the shared parents in the opposite order, among three times as many parents of
    // its own (a set of another size: a hash de-duplication visits the shared keys in another order); the
    // first is padded with rows without a reference, so both statements take about as long.
    const own = Array.from({ length: 3 * PARENTS }, (_, i) => 2_000_000 + i);
    const mixed = [...shared].reverse().flatMap((parent, i) => [parent, ...own.slice(3 * i, 3 * i + 3)]);
    const padded = shared.flatMap((parent) => [parent, null, null, null]);

    // Both loads start together: they queue behind a lock the gate holds on the parent table, and run
    // at once when it is released.
    await gate.query('begin');
    await gate.query('lock table public.dim_customers in share mode');
    const load = async (client: pg.Client, rows: unknown[]) => {
      await client.query('begin');
      const { rows: counts } = await client.query('select * from etl.upsert($1::regclass, $2::jsonb)', ['dim_branches', JSON.stringify(rows)]);
      await client.query('commit');
      return counts[0] as { inserted: number };
    };
    const loads = Promise.allSettled([load(a, batch(1, padded)), load(b, batch(100_001, mixed))]);
    for (;;) {
      const { rows } = await gate.query<{ waiting: number }>(
        `select count(*)::int as waiting from pg_locks l join pg_class c on c.oid = l.relation
          where c.relname = 'dim_customers' and not l.granted`,
      );
      if (rows[0]!.waiting === 2) break;
      await new Promise((resolve) => setImmediate(resolve));
    }
    await gate.query('commit');

    const results = await loads;
    const [first, second] = results;
    for (const result of results) {
      if (result.status === 'rejected') {
        await Promise.all([a.query('rollback'), b.query('rollback')]);
        throw result.reason;
      }
    }
    expect(first).toMatchObject({ value: { inserted: 4 * PARENTS } });
    expect(second).toMatchObject({ value: { inserted: 4 * PARENTS } });
    const { rows } = await gate.query<{ inferred: number; missing: number }>(`
      select (select count(*)::int from dim_customers where inferred) as inferred,
             (select count(*)::int from missing_data where table_name = 'dim_branches' and resolved_at is null) as missing`);
    expect(rows[0]).toEqual({ inferred: 4 * PARENTS, missing: 5 * PARENTS });
  });

  /** Waits until `pid`'s backend waits for a lock (no sleep: polls pg_stat_activity). */
  async function lockWaiting(gate: pg.Client, pid: number): Promise<void> {
    for (;;) {
      const { rows } = await gate.query<{ waiting: boolean }>(
        "select coalesce(bool_or(wait_event_type = 'Lock'), false) as waiting from pg_stat_activity where pid = $1", [pid]);
      if (rows[0]!.waiting) return;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  // The same key, new to both, loaded by two transactions at once: the second waits on the first's insert,
  // then (the first committed) retries its merge with a new snapshot and finds the row stored.
  for (const [name, secondWriteDate, expected, storedName] of [
    ['a newer read updates the row the other load inserted', '2026-11-25T11:00:00Z', { inserted: 0, updated: 1, unchanged: 0 }, 'second'],
    ['an older read leaves the newer row the other load inserted', '2026-11-25T09:00:00Z', { inserted: 0, updated: 0, unchanged: 1 }, 'first'],
  ] as const) {
    it(`a key both loads insert at once: ${name}, and the waiting transaction commits the rest of its work`, async () => {
      const [gate, a, b] = clients as [pg.Client, pg.Client, pg.Client];
      await gate.query('truncate dim_categories, missing_data cascade');
      await gate.query('create table if not exists cursor_claim (n int)');
      const upsert = (client: pg.Client, rows: unknown[]) =>
        client.query('select * from etl.upsert($1::regclass, $2::jsonb)', ['dim_categories', JSON.stringify(rows)]).then((r) => r.rows[0]);
      const bPid = (await b.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      try {
        await a.query('begin');
        expect(await upsert(a, [{ odoo_id: 7, name: 'first', write_date: T1 }])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
        await b.query('begin');
        // What the step's transaction does before the load (its cursor claim): kept through the retry.
        await b.query('insert into cursor_claim values (1)');
        const second = upsert(b, [{ odoo_id: 7, name: 'second', write_date: secondWriteDate }, { odoo_id: 8, name: 'other', write_date: T1 }]);
        await lockWaiting(gate, bPid);
        await a.query('commit');
        expect(await second).toEqual({ ...expected, inserted: expected.inserted + 1 });
        await b.query('commit');
      } catch (error) {
        await Promise.all([a.query('rollback'), b.query('rollback')]);
        throw error;
      }
      const { rows } = await gate.query('select odoo_id, name from dim_categories order by 1');
      expect(rows).toEqual([{ odoo_id: 7, name: storedName }, { odoo_id: 8, name: 'other' }]);
      expect((await gate.query('select count(*)::int as n from cursor_claim')).rows).toEqual([{ n: 1 }]);
      await gate.query('drop table cursor_claim');
    });
  }

  it('an update waiting on a concurrent newer write of the row re-checks write_date and leaves the newer row', async () => {
    const [gate, a, b] = clients as [pg.Client, pg.Client, pg.Client];
    await gate.query('truncate dim_categories, missing_data cascade');
    const upsert = (client: pg.Client, rows: unknown[]) =>
      client.query('select * from etl.upsert($1::regclass, $2::jsonb)', ['dim_categories', JSON.stringify(rows)]).then((r) => r.rows[0]);
    expect(await upsert(gate, [{ odoo_id: 7, name: 'stored', write_date: '2026-11-25T09:00:00Z' }])).toEqual({ inserted: 1, updated: 0, unchanged: 0 });
    const bPid = (await b.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    try {
      await a.query('begin');
      expect(await upsert(a, [{ odoo_id: 7, name: 'newest', write_date: '2026-11-25T12:00:00Z' }])).toEqual({ inserted: 0, updated: 1, unchanged: 0 });
      await b.query('begin');
      // Newer than the row b's snapshot sees, older than the one a is committing: b's UPDATE waits for a's row lock.
      const older = upsert(b, [{ odoo_id: 7, name: 'older', write_date: '2026-11-25T11:00:00Z' }]);
      await lockWaiting(gate, bPid);
      await a.query('commit');
      // Not written: counted unchanged (unchanged includes rows older than the stored one).
      expect(await older).toEqual({ inserted: 0, updated: 0, unchanged: 1 });
      await b.query('commit');
    } catch (error) {
      await Promise.all([a.query('rollback'), b.query('rollback')]);
      throw error;
    }
    const { rows } = await gate.query("select name, to_char(write_date at time zone 'UTC', 'HH24:MI') as at from dim_categories");
    expect(rows).toEqual([{ name: 'newest', at: '12:00' }]);
  });
});
