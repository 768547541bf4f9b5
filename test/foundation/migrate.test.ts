import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { createDatabasePool } from '../../src/db/pool.ts';
import { sql } from 'slonik';
import { emptyDatabase } from '../support/database.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');

describe('migrate', () => {
  let database: Awaited<ReturnType<typeof emptyDatabase>>;
  beforeAll(async () => {
    database = await emptyDatabase();
  });
  afterAll(async () => {
    await database.drop();
  });

  it('applies every committed migration to an empty database, then nothing the second time', async () => {
    const first = await migrateDatabase(database.url);
    expect(first.workerSchemaInstalled).toBe(true);
    expect(first.applied.length).toBeGreaterThan(0);
    expect(first.applied.length).toBe(first.total);

    const second = await migrateDatabase(database.url);
    expect(second.applied).toEqual([]);
    expect(second.total).toBe(first.total);
    expect(second.workerSchemaInstalled).toBe(false);

    const pool = await createDatabasePool(database.url);
    try {
      const jobs = await pool.oneFirst(sql.unsafe`select to_regclass('graphile_worker.jobs') is not null`);
      expect(jobs).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('applies the SQL functions of sql/functions on every migrate, also when no migration is pending', async () => {
    const pool = await createDatabasePool(database.url);
    try {
      // As an upgrade that changes only a function would find it: an older body in the database.
      await pool.query(sql.unsafe`drop function etl.upsert_json(regclass, json)`);
      await pool.query(sql.unsafe`create or replace function etl.start_run(p_steps jsonb, p_full boolean, p_trigger text)
        returns bigint language sql as 'select -1::bigint'`);
      const again = await migrateDatabase(database.url);
      expect(again.applied).toEqual([]);
      const functions = await pool.anyFirst(sql.unsafe`
        select p.proname from pg_proc p where p.pronamespace = 'etl'::regnamespace order by 1`);
      expect(functions).toEqual(expect.arrayContaining(['upsert_json', 'upsert_sql', 'reconcile_deleted_staged', 'finish_step', 'start_run']));
      const startRun = await pool.oneFirst(sql.unsafe`select prosrc from pg_proc where oid = 'etl.start_run(jsonb, boolean, text)'::regprocedure`);
      expect(startRun).toContain('pg_advisory_xact_lock');
    } finally {
      await pool.end();
    }
  });

  it('runs from the CLI against DATABASE_URL and says it applied nothing new', async () => {
    const { stdout } = await run(bin, ['migrate', '--json'], { env: { ...process.env, DATABASE_URL: database.url } });
    const result = JSON.parse(stdout) as { applied: string[]; total: number };
    expect(result.applied).toEqual([]);
    expect(result.total).toBeGreaterThan(0);
  });

  it('exits with code 2 and names the setting when DATABASE_URL is malformed', async () => {
    const failure = await run(bin, ['migrate'], { env: { ...process.env, DATABASE_URL: 'mysql://root:hunter2secret@db/x' } }).catch(
      (error: { code: number; stderr: string }) => error,
    );
    expect('code' in failure && failure.code).toBe(2);
    expect((failure as { stderr: string }).stderr).toMatch(/DATABASE_URL must be a URL starting with postgres:\/\//);
    expect((failure as { stderr: string }).stderr).not.toContain('hunter2secret');
  });
});

describe('migrate on the embedded default database', () => {
  it('creates the embedded cluster on the first run and reuses it on the next', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-etl-home-'));
    fs.chmodSync(home, 0o755);
    const env = { ...process.env, DATABASE_URL: '', ODOO_ETL_HOME: home, LOG_LEVEL: 'warn' };
    try {
      const first = JSON.parse((await run(bin, ['migrate', '--json'], { env })).stdout) as { applied: string[]; database: string };
      expect(first.database).toContain(`embedded PostgreSQL (${home}/postgres)`);
      expect(first.applied.length).toBeGreaterThan(0);
      expect(fs.existsSync(path.join(home, 'postgres', 'PG_VERSION'))).toBe(true);

      const second = JSON.parse((await run(bin, ['migrate', '--json'], { env })).stdout) as { applied: string[] };
      expect(second.applied).toEqual([]);
      // Stopped cleanly when the command ended: no server left running on the folder.
      expect(fs.existsSync(path.join(home, 'postgres', 'postmaster.pid'))).toBe(false);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
