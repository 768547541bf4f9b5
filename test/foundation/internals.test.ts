/**
 * The adapters over graphile-worker's and graphile-migrate's internals (src/db/graphile-*-internals.ts)
 * depend on things those packages do not promise to keep. This fails loudly when an upgrade changes them:
 * the private tables and columns (with their types) the queries read, the functions they call, the deep
 * import, and the queries themselves running against a migrated database.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { run } from 'graphile-worker';
import { completeHeldJob, holdsJob, knownCrontabs, lockHolderEvents, staleLockHolders, stepJobs, WORKER_FUNCTIONS, WORKER_INTERNALS } from '../../src/db/graphile-worker-internals.ts';
import { appliedMigrations, committedMigrations, MIGRATE_DEEP_IMPORT, MIGRATE_MIGRATION_IMPORT } from '../../src/db/graphile-migrate-internals.ts';
import { MIGRATIONS_FOLDER, toGraphileLogger } from '../../src/db/migrate.ts';
import { silentLogger } from '../../src/log.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

describe('adapters over graphile-worker and graphile-migrate internals', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('graphile-worker has the private tables and columns the adapter reads, with the expected types', async () => {
    const columns = await db.pool.any(sql.type(z.object({ table_name: z.string(), column_name: z.string(), data_type: z.string() }))`
      select table_name::text, column_name::text, data_type::text from information_schema.columns
       where table_schema = 'graphile_worker' and table_name = any(${sql.array(Object.keys(WORKER_INTERNALS), 'text')})`);
    for (const [table, expected] of Object.entries(WORKER_INTERNALS)) {
      const actual = Object.fromEntries(columns.filter((c) => c.table_name === table).map((c) => [c.column_name, c.data_type]));
      for (const [column, type] of Object.entries(expected)) {
        expect(actual[column], `graphile_worker.${table}.${column}`).toBe(type);
      }
    }
  });

  it('graphile-worker has the functions called with the job ids found there', async () => {
    for (const signature of WORKER_FUNCTIONS) {
      const found = await db.pool.oneFirst(sql.type(z.object({ ok: z.boolean() }))`
        select to_regprocedure(${`graphile_worker.${signature}`}) is not null as ok`);
      expect(found, signature).toBe(true);
    }
  });

  it('the adapter queries run against the migrated schema and read a queued step job', async () => {
    await db.pool.query(sql.unsafe`
      select graphile_worker.add_job('sync_entity', json_build_object('runId', 7, 'entity', 'dim_jobs', 'part', null), max_attempts := 6)`);
    const jobs = await stepJobs(db.pool, { runIds: [7] });
    expect(jobs).toEqual([expect.objectContaining({ task: 'sync_entity', run_id: 7, entity: 'dim_jobs', part: null, attempts: 0, max_attempts: 6, locked_by: null })]);
    expect(await staleLockHolders(db.pool, ['sync_entity'], 60_000)).toEqual([]);
    expect(await knownCrontabs(db.pool)).toEqual([]);
  });

  it('a running job is locked with the id lockHolderEvents reports (what the heartbeat vouches for)', async () => {
    const holders: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const runner = await run({
      connectionString: db.url,
      concurrency: 2,
      noHandleSignals: true,
      pollInterval: 100,
      logger: toGraphileLogger(silentLogger),
      taskList: {
        hold: async () => {
          started();
          await held;
        },
      },
      events: lockHolderEvents((id) => holders.push(id)),
    });
    try {
      await db.pool.query(sql.unsafe`select graphile_worker.add_job('hold', json_build_object('runId', 8, 'entity', 'x'))`);
      await running;
      const lockedBy = await db.pool.oneFirst(sql.type(z.object({ locked_by: z.string().nullable() }))`
        select locked_by from graphile_worker.jobs where task_identifier = 'hold'`);
      expect(holders).toHaveLength(1);
      expect(lockedBy).toBe(holders[0]);
    } finally {
      release();
      await runner.stop();
    }
  });

  it('completeHeldJob completes a job and frees its queue only for the lock that holds it (holder and time taken)', async () => {
    const job = await db.pool.one(sql.type(z.object({ id: z.string(), job_queue_id: z.number() }))`
      select id::text, job_queue_id from graphile_worker.add_job('sync_entity', json_build_object('runId', 9, 'entity', 'dim_teams'),
        queue_name := 'odoo-etl:dim_teams', job_key := 'odoo-etl:dim_teams')`);
    // Locked as graphile-worker's get_job locks it (the job and its queue); its client reads locked_at to the millisecond.
    await db.pool.query(sql.unsafe`
      update graphile_worker._private_jobs set locked_by = 'pool-b', locked_at = '2026-12-02 10:00:00.123456+00', attempts = 2 where id = ${job.id}::bigint`);
    await db.pool.query(sql.unsafe`update graphile_worker._private_job_queues set locked_by = 'pool-b', locked_at = now() where id = ${job.job_queue_id}`);
    const queueHolder = () => db.pool.oneFirst(sql.type(z.object({ locked_by: z.string().nullable() }))`
      select locked_by from graphile_worker._private_job_queues where id = ${job.job_queue_id}`);
    const holder = { id: job.id, locked_by: 'pool-b', locked_at: new Date('2026-12-02T10:00:00.123Z') };
    // Another pool, or the same pool's earlier lock of the job (freed, then taken again), neither holds nor completes it.
    for (const stale of [{ locked_by: 'pool-a' }, { locked_at: new Date('2026-12-02T09:59:00.123Z') }]) {
      expect(await holdsJob(db.pool, { ...holder, ...stale })).toBe(false);
      expect(await completeHeldJob(db.pool, { ...holder, ...stale })).toBe(false);
    }
    expect(await queueHolder()).toBe('pool-b');
    // A continuation queued under the running job's key (etl.continue_step does) sets its attempts to the
    // max and clears its key: it is still held.
    await db.pool.query(sql.unsafe`
      select graphile_worker.add_job('sync_entity', json_build_object('runId', 9, 'entity', 'dim_teams', 'part', 'p2'),
        queue_name := 'odoo-etl:dim_teams', job_key := 'odoo-etl:dim_teams')`);
    expect(await holdsJob(db.pool, holder)).toBe(true);
    expect(await completeHeldJob(db.pool, holder)).toBe(true);
    expect(await queueHolder()).toBeNull();
    // What is left is the continuation, waiting.
    expect(await stepJobs(db.pool, { runIds: [9] })).toEqual([expect.objectContaining({ part: 'p2', locked_by: null })]);
  });

  it(`graphile-migrate's deep import ${MIGRATE_DEEP_IMPORT} resolves and exports clearAllPools`, async () => {
    const module = (await import(MIGRATE_DEEP_IMPORT)) as Record<string, unknown>;
    expect(typeof module.clearAllPools).toBe('function');
  });

  it(`graphile-migrate's ${MIGRATE_MIGRATION_IMPORT} reads the committed migrations and what is pending after the last applied one`, async () => {
    const module = (await import(MIGRATE_MIGRATION_IMPORT)) as Record<string, unknown>;
    expect([typeof module.getAllMigrations, typeof module.getMigrationsAfter]).toEqual(['function', 'function']);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const applied = await appliedMigrations(client).finally(() => client.end());
    if (!applied) throw new Error('a migrated database has graphile_migrate.migrations');
    // graphile_migrate.migrations names each committed file by its number.
    const files = readdirSync(path.join(MIGRATIONS_FOLDER, 'committed')).filter((f) => f.endsWith('.sql')).sort();
    expect(applied.map((m) => m.filename)).toEqual(files.map((f) => `${f.slice(0, 6)}.sql`));
    expect(applied.slice(1).map((m) => m.previousHash)).toEqual(applied.slice(0, -1).map((m) => m.hash));
    const { committed, pending } = await committedMigrations(MIGRATIONS_FOLDER, applied.at(-1) ?? null);
    expect(committed).toEqual(applied.map((m) => ({ filename: m.filename, hash: m.hash })));
    expect(pending).toEqual([]);
    expect((await committedMigrations(MIGRATIONS_FOLDER, applied[0]!)).pending).toEqual(applied.slice(1).map((m) => m.filename));
    expect((await committedMigrations(MIGRATIONS_FOLDER, null)).pending).toEqual(applied.map((m) => m.filename));
  });
});
