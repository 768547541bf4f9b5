/**
 * Parallel id-range parts of one table load at the same time and may reference the same missing parents:
 * etl.upsert infers those parents (and records missing_data) in key order, so two concurrent loads wait
 * for each other instead of deadlocking, whatever order their batches list the references in.
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
});
