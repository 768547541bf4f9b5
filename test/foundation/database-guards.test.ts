/**
 * Server-side guards: every connection of slonik's pool and of graphile-worker's pool carries
 * statement_timeout and idle_in_transaction_session_timeout, from DB_STATEMENT_TIMEOUT and
 * DB_IDLE_IN_TRANSACTION_TIMEOUT.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { createDatabasePool, guardsFromSettings, type DatabasePool } from '../../src/db/pool.ts';
import { silentLogger } from '../../src/log.ts';
import { createOdooClient } from '../../src/odoo/index.ts';
import { createSyncContext } from '../../src/sync/context.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

const settingSchema = z.object({ statement_timeout: z.string(), idle_in_transaction_session_timeout: z.string() });
const showGuards = sql.type(settingSchema)`
  select current_setting('statement_timeout') as statement_timeout,
         current_setting('idle_in_transaction_session_timeout') as idle_in_transaction_session_timeout`;

describe('database guards', () => {
  let db: TestDatabase | undefined;
  let pool: DatabasePool | undefined;
  let worker: WorkerHandle | undefined;
  afterEach(async () => {
    await worker?.stop();
    await pool?.end();
    await db?.drop();
    worker = pool = db = undefined;
  });

  it('DB_STATEMENT_TIMEOUT and DB_IDLE_IN_TRANSACTION_TIMEOUT default to 15 minutes and 1 minute, accept units, and 0 turns them off', () => {
    const defaults = guardsFromSettings(loadConfig({ env: {}, envFile: '/nonexistent/.env' }));
    expect(defaults).toEqual({ statementTimeoutMs: 15 * 60_000, idleInTransactionTimeoutMs: 60_000 });
    const set = guardsFromSettings(loadConfig({ env: { DB_STATEMENT_TIMEOUT: '2h', DB_IDLE_IN_TRANSACTION_TIMEOUT: '0' }, envFile: '/nonexistent/.env' }));
    expect(set).toEqual({ statementTimeoutMs: 2 * 3_600_000, idleInTransactionTimeoutMs: 0 });
  });

  it("every connection of slonik's pool and of graphile-worker's pool carries the configured timeouts", async () => {
    db = await freshDatabase();
    const guards = { statementTimeoutMs: 123_000, idleInTransactionTimeoutMs: 45_000 };
    pool = await createDatabasePool(db.url, { maximumPoolSize: 3, guards });
    // Several connections at once, so that more than one is opened.
    const fromSlonik = await Promise.all([1, 2, 3].map(() => pool!.transaction((tx) => tx.one(showGuards))));
    for (const row of fromSlonik) expect(row).toEqual({ statement_timeout: '123s', idle_in_transaction_session_timeout: '45s' });

    const odoo = createOdooClient({ url: 'http://127.0.0.1:9', db: 'unused', username: 'unused', password: 'unused' });
    const context = createSyncContext({
      pool,
      odoo,
      settings: { BATCH_SIZE: 100, LOOKBACK: 0, EXTRA_FIELDS: undefined, FULL_SYNC_CONCURRENCY: 1 },
      logger: silentLogger,
    });
    worker = await startWorker({ connectionString: db.url, context, concurrency: 1, guards });
    const fromWorker = await worker.utils.withPgClient((client) =>
      client.query<z.infer<typeof settingSchema>>(
        `select current_setting('statement_timeout') as statement_timeout,
                current_setting('idle_in_transaction_session_timeout') as idle_in_transaction_session_timeout`,
      ),
    );
    expect(fromWorker.rows).toEqual([{ statement_timeout: '123s', idle_in_transaction_session_timeout: '45s' }]);
    odoo.close();
  });

  it('a statement longer than the statement timeout is ended by the server', async () => {
    db = await freshDatabase();
    pool = await createDatabasePool(db.url, { maximumPoolSize: 1, guards: { statementTimeoutMs: 50, idleInTransactionTimeoutMs: 0 } });
    await expect(pool.query(sql.unsafe`select pg_sleep(30)`)).rejects.toThrow(/statement_timeout/);
    expect(await pool.one(showGuards)).toEqual({ statement_timeout: '50ms', idle_in_transaction_session_timeout: '0' });
  });
});
