/**
 * History (issue 23) on a real PostgreSQL, without Odoo: the versions the load functions write (concurrent
 * writers of one key, a rolled-back load), the as-of function and `odoo-etl history` with hand-written
 * expected values, HISTORY applied by migrate and at run start (and its log line), HISTORY_RETENTION's
 * prune, and the settings' checks.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { sql, type DatabasePool } from 'slonik';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { createDatabasePool } from '../../src/db/pool.ts';
import { resolveHistoryTables } from '../../src/history/setting.ts';
import { pruneHistory } from '../../src/ops/retention.ts';
import { startRun } from '../../src/sync/run.ts';
import { emptyDatabase, freshDatabase, type TestDatabase } from '../support/database.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');

const versionSchema = z.object({
  odoo_id: z.number(),
  name: z.string().nullable(),
  valid_from: z.string(),
  valid_to: z.string().nullable(),
  change: z.string(),
  source: z.string(),
  deleted: z.boolean(),
});

/** A customer's versions, times as ISO UTC with microseconds. */
async function versions(pool: DatabasePool, id: number) {
  return pool.any(sql.type(versionSchema)`
    select odoo_id, name, change, valid_from_source as source, dbt_is_deleted as deleted,
           to_char(dbt_valid_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as valid_from,
           to_char(dbt_valid_to at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as valid_to
      from dim_customers_history where odoo_id = ${id} order by dbt_valid_from`);
}

async function load(pool: Pick<DatabasePool, 'query'>, rows: Array<Record<string, unknown>>): Promise<void> {
  await pool.query(sql.unsafe`select * from etl.upsert_json('dim_customers', ${JSON.stringify(rows)}::json)`);
}

function capture(): { logger: pino.Logger; lines: () => Array<Record<string, unknown>> } {
  const out: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      out.push(String(chunk));
      done();
    },
  });
  const logger = pino({ level: 'info' }, stream);
  return { logger, lines: () => out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('history in the database', () => {
  let db: TestDatabase | undefined;
  afterEach(async () => {
    await db?.drop();
    db = undefined;
  });

  it('two transactions loading one key: the second waits on the row lock, then closes the version the first opened — one open version, contiguous intervals', async () => {
    db = await freshDatabase();
    const { pool } = db;
    await load(pool, [{ odoo_id: 700, name: 'v1', write_date: '2026-03-01T00:00:00Z' }]);

    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLoaded!: () => void;
    const firstHasLoaded = new Promise<void>((resolve) => (firstLoaded = resolve));
    const first = pool.transaction(async (tx) => {
      await load(tx, [{ odoo_id: 700, name: 'v2', write_date: '2026-03-02T00:00:00Z' }]);
      firstLoaded();
      await firstMayCommit;
    });
    await firstHasLoaded;
    const second = pool.transaction(async (tx) => {
      await load(tx, [{ odoo_id: 700, name: 'v3', write_date: '2026-03-03T00:00:00Z' }]);
    });
    // The second is blocked on the first's row lock (a condition, not a sleep).
    for (;;) {
      const waiting = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      if (waiting === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    releaseFirst();
    await Promise.all([first, second]);

    expect(await versions(pool, 700)).toEqual([
      { odoo_id: 700, name: 'v1', valid_from: '2026-03-01T00:00:00.000000', valid_to: '2026-03-02T00:00:00.000000', change: 'insert', source: 'write_date', deleted: false },
      { odoo_id: 700, name: 'v2', valid_from: '2026-03-02T00:00:00.000000', valid_to: '2026-03-03T00:00:00.000000', change: 'update', source: 'write_date', deleted: false },
      { odoo_id: 700, name: 'v3', valid_from: '2026-03-03T00:00:00.000000', valid_to: null, change: 'update', source: 'write_date', deleted: false },
    ]);
  });

  it('the same race with the later write_date committed first: the late one is refused as older (no version), intervals stay contiguous', async () => {
    db = await freshDatabase();
    const { pool } = db;
    await load(pool, [{ odoo_id: 701, name: 'v1', write_date: '2026-03-01T00:00:00Z' }]);
    let releaseFirst!: () => void;
    const firstMayCommit = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstLoaded!: () => void;
    const firstHasLoaded = new Promise<void>((resolve) => (firstLoaded = resolve));
    const first = pool.transaction(async (tx) => {
      await load(tx, [{ odoo_id: 701, name: 'newer', write_date: '2026-03-05T00:00:00Z' }]);
      firstLoaded();
      await firstMayCommit;
    });
    await firstHasLoaded;
    const second = pool.transaction(async (tx) => load(tx, [{ odoo_id: 701, name: 'older', write_date: '2026-03-02T00:00:00Z' }]));
    for (;;) {
      const waiting = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
      if (waiting === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    releaseFirst();
    await Promise.all([first, second]);
    expect(await versions(pool, 701)).toEqual([
      { odoo_id: 701, name: 'v1', valid_from: '2026-03-01T00:00:00.000000', valid_to: '2026-03-05T00:00:00.000000', change: 'insert', source: 'write_date', deleted: false },
      { odoo_id: 701, name: 'newer', valid_from: '2026-03-05T00:00:00.000000', valid_to: null, change: 'update', source: 'write_date', deleted: false },
    ]);
  });

  it('a load whose transaction rolls back (a crash) writes no version; unchanged rows and synced_at-only updates write none either', async () => {
    db = await freshDatabase();
    const { pool } = db;
    await load(pool, [{ odoo_id: 702, name: 'kept', write_date: '2026-04-01T00:00:00Z' }]);
    await expect(
      pool.transaction(async (tx) => {
        await load(tx, [{ odoo_id: 702, name: 'lost', write_date: '2026-04-02T00:00:00Z' }, { odoo_id: 703, name: 'lost too', write_date: '2026-04-02T00:00:00Z' }]);
        throw new Error('the process died before the commit');
      }),
    ).rejects.toThrow('died');
    await load(pool, [{ odoo_id: 702, name: 'kept', write_date: '2026-04-01T00:00:00Z' }]);
    await pool.query(sql.unsafe`update dim_customers set synced_at = now() where odoo_id = 702`);
    expect(await versions(pool, 702)).toEqual([
      { odoo_id: 702, name: 'kept', valid_from: '2026-04-01T00:00:00.000000', valid_to: null, change: 'insert', source: 'write_date', deleted: false },
    ]);
    expect(await versions(pool, 703)).toEqual([]);
  });

  it('a change whose write_date did not move starts at the time it was seen, clamped after the previous version; a delete and a restore are versions', async () => {
    db = await freshDatabase();
    const { pool } = db;
    // A write_date in the future of the next change's observation: the observed version is clamped after it.
    await load(pool, [{ odoo_id: 704, name: 'a', write_date: '2999-01-01T00:00:00Z' }]);
    await pool.query(sql.unsafe`update dim_customers set name = 'b' where odoo_id = 704`);
    await pool.query(sql.unsafe`select * from etl.mark_deleted_except('dim_customers', '[]'::jsonb)`);
    await pool.query(sql.unsafe`select * from etl.mark_deleted_except('dim_customers', '[{"odoo_id": 704}]'::jsonb)`);
    expect(await versions(pool, 704)).toEqual([
      { odoo_id: 704, name: 'a', valid_from: '2999-01-01T00:00:00.000000', valid_to: '2999-01-01T00:00:00.000001', change: 'insert', source: 'write_date', deleted: false },
      { odoo_id: 704, name: 'b', valid_from: '2999-01-01T00:00:00.000001', valid_to: '2999-01-01T00:00:00.000002', change: 'update', source: 'observed', deleted: false },
      { odoo_id: 704, name: 'b', valid_from: '2999-01-01T00:00:00.000002', valid_to: '2999-01-01T00:00:00.000003', change: 'delete', source: 'observed', deleted: true },
      { odoo_id: 704, name: 'b', valid_from: '2999-01-01T00:00:00.000003', valid_to: null, change: 'restore', source: 'observed', deleted: false },
    ]);
    // Not clamped: an observed change starts at its transaction's time.
    await load(pool, [{ odoo_id: 705, name: 'x', write_date: '2026-01-01T00:00:00Z' }]);
    const at = await pool.oneFirst(sql.type(z.object({ t: z.string() }))`
      with u as (update dim_customers set email = 'x@example.com' where odoo_id = 705 returning 1)
      select to_char(now() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as t from u`);
    expect((await versions(pool, 705)).map((v) => [v.valid_from, v.source])).toEqual([['2026-01-01T00:00:00.000000', 'write_date'], [at, 'observed']]);
  });

  it('the as-of function and `odoo-etl history` give the hand-written states and versions', async () => {
    db = await freshDatabase();
    const { pool } = db;
    await load(pool, [
      { odoo_id: 801, name: 'Alpha', email: 'a@example.com', write_date: '2026-01-01T00:00:00Z' },
      { odoo_id: 802, name: 'Beta', write_date: '2026-01-10T00:00:00Z' },
    ]);
    await load(pool, [{ odoo_id: 801, name: 'Alpha Corp', email: 'a@example.com', write_date: '2026-02-01T00:00:00Z' }]);
    await load(pool, [{ odoo_id: 802, name: 'Beta', customer_rank: 3, write_date: '2026-03-01T00:00:00Z' }]);

    const asOf = (at: string) =>
      pool.any(sql.type(z.object({ odoo_id: z.number(), name: z.string().nullable(), customer_rank: z.number().nullable() }))`
        select odoo_id, name, customer_rank from public.dim_customers_as_of(${at}::timestamptz) order by odoo_id`);
    expect(await asOf('2025-12-31T00:00:00Z')).toEqual([]);
    expect(await asOf('2026-01-05T00:00:00Z')).toEqual([{ odoo_id: 801, name: 'Alpha', customer_rank: null }]);
    expect(await asOf('2026-02-01T00:00:00Z')).toEqual([
      { odoo_id: 801, name: 'Alpha Corp', customer_rank: null },
      { odoo_id: 802, name: 'Beta', customer_rank: null },
    ]);
    expect(await asOf('2026-03-15T00:00:00Z')).toEqual([
      { odoo_id: 801, name: 'Alpha Corp', customer_rank: null },
      { odoo_id: 802, name: 'Beta', customer_rank: 3 },
    ]);

    const env = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'error' };
    const byKey = await run(bin, ['history', 'dim_customers', '--key', '801'], { env });
    expect(byKey.stdout.split('\n').filter(Boolean)).toEqual([
      'dim_customers odoo_id=801: 2 version(s)',
      '2026-01-01T00:00:00.000000Z → 2026-02-01T00:00:00.000000Z  insert (write_date)  name=Alpha, email=a@example.com, write_date=2026-01-01T00:00:00+00:00',
      '2026-02-01T00:00:00.000000Z → now  update (write_date)  name: Alpha → Alpha Corp, write_date: 2026-01-01T00:00:00+00:00 → 2026-02-01T00:00:00+00:00',
    ]);
    const at = await run(bin, ['history', 'dim_customers', '--at', '2026-02-15'], { env });
    expect(at.stdout.split('\n').filter(Boolean)).toEqual([
      'dim_customers at 2026-02-15T00:00:00.000Z: 2 version(s)',
      'odoo_id=801  2026-02-01T00:00:00.000000Z → now  update (write_date)  name=Alpha Corp, email=a@example.com, write_date=2026-02-01T00:00:00+00:00',
      'odoo_id=802  2026-01-10T00:00:00.000000Z → 2026-03-01T00:00:00.000000Z  insert (write_date)  name=Beta, write_date=2026-01-10T00:00:00+00:00',
    ]);
    const json = JSON.parse((await run(bin, ['history', 'dim_customers', '--key', '802', '--json'], { env })).stdout) as { versions: Array<{ validFrom: string; validTo: string | null; change: string; row: { customer_rank: number | null } }> };
    expect(json.versions.map((v) => [v.validFrom, v.validTo, v.change, v.row.customer_rank])).toEqual([
      ['2026-01-10T00:00:00.000000Z', '2026-03-01T00:00:00.000000Z', 'insert', null],
      ['2026-03-01T00:00:00.000000Z', null, 'update', 3],
    ]);

    // oclif wraps the message at the terminal width: joined back into one line.
    const failure = (args: string[]) =>
      run(bin, args, { env }).then(
        () => undefined,
        (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr.replace(/\s*\n\s*›\s*/g, ' ') }),
      );
    const noHistory = await failure(['history', 'dim_users', '--key', '1']);
    expect(noHistory?.code).toBe(2);
    expect(noHistory?.stderr).toMatch(/no history is kept for dim_users: add it to HISTORY/);
    const badKey = await failure(['history', 'dim_customers', '--key', 'abc']);
    expect(badKey?.code).toBe(2);
    expect(badKey?.stderr).toMatch(/--key "abc" does not fit dim_customers's key \(odoo_id\)/);
    const badComposite = await failure(['history', 'dim_product_costs', '--key', '5']);
    expect(badComposite?.stderr).toMatch(/--key "5" does not fit dim_product_costs's key \(product_id, company_id\)/);
  });

  it('HISTORY is applied by migrate (seeding existing rows, inferred ones left out) and at run start when it differs, with the log line', async () => {
    const empty = await emptyDatabase();
    let pool: DatabasePool | undefined;
    try {
      const first = capture();
      const migrated = await migrateDatabase(empty.url, first.logger, { history: ['dim_users'] });
      expect(migrated.history).toEqual({ enabled: ['dim_users'], disabled: [] });
      expect(first.lines().map((l) => l.msg)).toContain('history now kept for dim_users');

      pool = await createDatabasePool(empty.url, { maximumPoolSize: 2 });
      await pool.query(sql.unsafe`insert into dim_customers (odoo_id, name, write_date, synced_at) values (1, 'Real', '2026-05-01T00:00:00Z', now())`);
      await pool.query(sql.unsafe`insert into dim_customers (odoo_id, inferred, synced_at) values (2, true, now())`);
      await pool.query(sql.unsafe`insert into dim_customers (odoo_id, name, synced_at, deleted_at) values (3, 'Gone', now(), now())`);

      const second = capture();
      const again = await migrateDatabase(empty.url, second.logger, { history: ['dim_customers'] });
      expect(again.history).toEqual({ enabled: ['dim_customers'], disabled: ['dim_users'] });
      expect(second.lines().map((l) => l.msg)).toContain('history now kept for dim_customers; no longer for dim_users (its history table is kept)');
      const triggers = await pool.anyFirst(sql.type(z.object({ t: z.string() }))`
        select c.relname || '.' || tg.tgname as t from pg_trigger tg join pg_class c on c.oid = tg.tgrelid
         where tg.tgname like 'odoo_etl_history_%' order by 1`);
      expect(triggers).toEqual(['dim_customers.odoo_etl_history_delete', 'dim_customers.odoo_etl_history_insert', 'dim_customers.odoo_etl_history_update']);
      expect(await pool.oneFirst(sql.type(z.object({ r: z.string().nullable() }))`select to_regclass('public.dim_users_history')::text as r`)).toBe('dim_users_history');
      expect(await versions(pool, 1)).toEqual([
        { odoo_id: 1, name: 'Real', valid_from: '2026-05-01T00:00:00.000000', valid_to: null, change: 'insert', source: 'write_date', deleted: false },
      ]);
      expect(await versions(pool, 2)).toEqual([]);
      expect(await versions(pool, 3)).toEqual([]);

      // At run start: the same set is one read and no log line; a different one is applied and logged.
      const third = capture();
      await startRun(pool, { entities: ['dim_users'], history: ['dim_customers'], logger: third.logger });
      expect(third.lines().filter((l) => String(l.msg).startsWith('history'))).toEqual([]);
      await startRun(pool, { entities: ['dim_users'], history: ['dim_customers', 'fact_stock'], logger: third.logger });
      expect(third.lines().map((l) => l.msg)).toContain('history now kept for fact_stock');
      expect(await pool.anyFirst(sql.type(z.object({ t: z.string() }))`select table_name as t from etl.history_table where enabled order by 1`)).toEqual(['dim_customers', 'fact_stock']);
    } finally {
      await pool?.end();
      await empty.drop();
    }
  });

  it('HISTORY_RETENTION prunes only closed versions that ended before the cutoff; runs are pruned as before', async () => {
    db = await freshDatabase();
    const { pool } = db;
    await load(pool, [{ odoo_id: 901, name: 'old', write_date: '2020-01-01T00:00:00Z' }, { odoo_id: 902, name: 'kept open', write_date: '2020-01-01T00:00:00Z' }]);
    await load(pool, [{ odoo_id: 901, name: 'older change', write_date: '2020-06-01T00:00:00Z' }]);
    await load(pool, [{ odoo_id: 901, name: 'recent', write_date: new Date(Date.now() - 10 * 86_400_000).toISOString() }]);
    const DAY = 86_400_000;
    const pruned = await pruneHistory(pool, 90 * DAY, 365 * DAY);
    expect(pruned.historyVersions).toEqual({ dim_customers: 1, dim_product_costs: 0, dim_products: 0, dim_products_product: 0, fact_stock: 0 });
    expect((await versions(pool, 901)).map((v) => v.name)).toEqual(['older change', 'recent']);
    expect((await versions(pool, 902)).map((v) => v.name)).toEqual(['kept open']);
    // Without HISTORY_RETENTION nothing of the history goes.
    expect((await pruneHistory(pool, 90 * DAY)).historyVersions).toBeUndefined();
  });
});

describe('the HISTORY settings', () => {
  it('defaults to the five tables and no retention; takes all, none, a list; an unknown table is a config error naming it', () => {
    const env = (e: Record<string, string>) => loadConfig({ env: e, envFile: '/nonexistent/.env' });
    expect(resolveHistoryTables(env({}).HISTORY)).toEqual(['dim_customers', 'dim_product_costs', 'dim_products', 'dim_products_product', 'fact_stock']);
    expect(env({}).HISTORY_RETENTION).toBeUndefined();
    expect(env({ HISTORY_RETENTION: '400d' }).HISTORY_RETENTION).toBe(400 * 86_400_000);
    expect(resolveHistoryTables(env({ HISTORY: 'none' }).HISTORY)).toEqual([]);
    expect(resolveHistoryTables(env({ HISTORY: 'all' }).HISTORY)).toHaveLength(34); // 33 + fact_stock_moves (stock-moves branch)
    expect(resolveHistoryTables(env({ HISTORY: 'fact_stock, dim_users' }).HISTORY)).toEqual(['dim_users', 'fact_stock']);
    expect(() => resolveHistoryTables(env({ HISTORY: 'fact_stock,dim_prodcts' }).HISTORY)).toThrow(/^HISTORY names an unknown table dim_prodcts; valid tables: all_sales, /);
    expect(() => resolveHistoryTables(env({ HISTORY: 'fact_stock,dim_prodcts' }).HISTORY)).toThrow(ConfigError);
    expect(() => env({ HISTORY: 'fact stock' })).toThrow(/HISTORY must be a comma list of table names, `all` or `none` \("fact stock" is not a table name\)/);
    expect(() => env({ HISTORY_RETENTION: 'forever' })).toThrow(/HISTORY_RETENTION "forever" is not a duration/);
  });
});
