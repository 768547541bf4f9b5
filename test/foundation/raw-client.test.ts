/**
 * The adapter over slonik's pg driver (src/db/raw-client.ts) relies on what slonik does not promise: that its
 * driver creates each connection as `new pg.Client(...)`, looking `Client` up on the shared `pg` module when it
 * connects. This fails loudly when a slonik (or pg) upgrade changes that: the load's COPY (src/sync/load.ts)
 * must find the pg client of the very transaction it runs in, or a batch and its cursor no longer commit
 * together.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { backendColumns, backendSchema, clientOfBackend } from '../../src/db/raw-client.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

describe('the pg client under a slonik transaction (raw-client adapter)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('finds the client of the transaction: same backend, same transaction, its writes rolled back with it', async () => {
    await db.pool.query(sql.unsafe`create table raw_client_probe (n int)`);
    const rolledBack = new Error('roll back');
    await expect(
      db.pool.transaction(async (tx) => {
        await tx.query(sql.unsafe`set local application_name = 'raw-client-probe'`);
        const backend = await tx.one(sql.type(backendSchema)`select ${backendColumns}`);
        const client = clientOfBackend(backend);
        const seen = await client.query<{ pid: number; app: string; xid: string | null }>(
          "select pg_backend_pid() as pid, current_setting('application_name') as app, txid_current_if_assigned()::text as xid");
        expect(seen.rows[0]!.pid).toBe(backend.pid);
        // A transaction-local setting is seen only inside the same transaction.
        expect(seen.rows[0]!.app).toBe('raw-client-probe');
        await client.query('insert into raw_client_probe values (1)');
        const xid = await tx.oneFirst(sql.type(z.object({ xid: z.string().nullable() }))`select txid_current_if_assigned()::text as xid`);
        expect(xid).not.toBeNull();
        throw rolledBack;
      }),
    ).rejects.toBe(rolledBack);
    // The raw client's insert was part of the slonik transaction: gone with its rollback.
    expect(await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from raw_client_probe`)).toBe(0);
  });

  it('finds a distinct client for each of two transactions open at once', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const pids: number[] = [];
    const open = (name: string) =>
      db.pool.transaction(async (tx) => {
        const backend = await tx.one(sql.type(backendSchema)`select ${backendColumns}`);
        const client = clientOfBackend(backend);
        expect((await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid).toBe(backend.pid);
        pids.push(backend.pid);
        if (pids.length === 2) release();
        await held;
        return name;
      });
    expect(await Promise.all([open('a'), open('b')])).toEqual(['a', 'b']);
    expect(new Set(pids).size).toBe(2);
  });
});
