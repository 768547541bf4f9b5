/**
 * What an operator reads (issue 18 §6): a database that cannot be reached is named (never its password)
 * with what to check; `runs cancel` of jobs held by a process that stopped says why a new run of those
 * tables waits, and how long; processes show with the OS's hostname; the secret scrubber masks a secret
 * where it stands as a value, never inside a word, and never the login.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { secretValues, loadConfig } from '../../src/config.ts';
import { scrubText } from '../../src/log.ts';
import { cancelRun, describeCancel } from '../../src/ops/runs.ts';
import { startRun } from '../../src/sync/run.ts';
import { processLabel } from '../../src/worker/heartbeat.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { databaseUrl } from '../support/postgres-server.ts';
import { runCli } from './cli.ts';
import { cliEnv, startHarness } from '../support/sync-harness.ts';

/** oclif wraps long error lines (` ›   ` on each); the text as one line. */
const unwrapped = (stderr: string) => stderr.replace(/\s*\n ›\s*/g, ' ');

describe('database unreachable', () => {
  it('names the database and says what to check, without the password', async () => {
    const refused = await runCli(['runs'], { DATABASE_URL: 'postgresql://etl:pw-Secret-1@127.0.0.1:1/warehouse' });
    expect(refused.code).toBe(1);
    expect(unwrapped(refused.stderr)).toMatch(/database etl@127\.0\.0\.1:1\/warehouse: cannot connect: connect ECONNREFUSED 127\.0\.0\.1:1/);
    expect(unwrapped(refused.stderr)).toMatch(/nothing listens at that host and port: check that PostgreSQL runs there, and the host and port in DATABASE_URL/);
    expect(refused.stderr).not.toMatch(/Secret/);

    // A real server that has no such database.
    const missing = new URL(databaseUrl(inject('pgAdminUrl'), 'odoo_etl_no_such_db'));
    const url = missing.toString();
    const absent = await runCli(['status'], { DATABASE_URL: url });
    expect(absent.code).toBe(1);
    expect(unwrapped(absent.stderr)).toContain(`database ${decodeURIComponent(missing.username)}@${missing.hostname}:${missing.port || 5432}/odoo_etl_no_such_db: cannot connect`);
    expect(unwrapped(absent.stderr)).toMatch(/no such database on that server: create it \(`createdb`\) or fix the database name in DATABASE_URL/);
    if (missing.password) expect(absent.stderr).not.toContain(decodeURIComponent(missing.password));
  });
});

describe('runs cancel of a run whose job a stopped process holds', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('says the job commits nothing more, that its queue stays locked until it is freed, and in how long', async () => {
    // A `sync` of this machine killed 20 s ago while it held the step's job (its pid is gone), and one of
    // another machine silent for 45 s (it missed its heartbeat: killed, or paused).
    const dead = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => dead.once('exit', resolve));
    const cases = [
      { entity: 'dim_categories', worker: 'worker-here', process: `${dead.pid}@${os.hostname().slice(0, 40)}`, silent: 20 },
      { entity: 'dim_jobs', worker: 'worker-there', process: '4242@etl-1', silent: 45 },
    ];
    for (const c of cases) {
      const run = await startRun(db.pool, { entities: [c.entity], trigger: 'cli' });
      await db.pool.query(sql.unsafe`
        update graphile_worker._private_jobs set locked_by = ${c.worker}, locked_at = now() - make_interval(secs => ${c.silent}), attempts = 1
         where (payload->>'runId')::bigint = ${run.runId}`);
      await db.pool.query(sql.unsafe`
        insert into etl.worker_heartbeat (worker_id, process, last_seen) values (${c.worker}, ${c.process}, now() - make_interval(secs => ${c.silent}))`);
      const result = await cancelRun(db.pool, run.runId, { by: 'ops@desk', staleAfterMs: 60_000 });
      expect(result).toMatchObject({ cancelled: true, removedJobs: 0, runningJobs: 1 });
      expect(result.heldByStopped).toHaveLength(1);
      const [holder] = result.heldByStopped;
      expect(holder).toMatchObject({ process: c.process, jobs: 1, entities: [c.entity] });
      // Silent `silent` s when cancelled (a little more on a slow machine): freed WORKER_STALE_AFTER after that.
      expect(holder!.lastSeenAgoMs).toBeGreaterThanOrEqual(c.silent * 1000);
      expect(holder!.freedInMs).toBeLessThanOrEqual((60 - c.silent) * 1000);
      expect(holder!.freedInMs).toBeGreaterThan((60 - c.silent - 10) * 1000);
      const shown = describeCancel({ ...result, heldByStopped: [{ ...holder!, lastSeenAgoMs: c.silent * 1000, freedInMs: (60 - c.silent) * 1000 }] }, 60_000);
      expect(shown).toEqual([
        `run ${run.runId} cancelled: 0 waiting job(s) removed`,
        `${c.entity}: its running job is held by ${c.process}, which stopped (last seen ${c.silent}s ago): nothing more is committed, ` +
          'but its queue stays locked until a worker or the next `sync` frees it, WORKER_STALE_AFTER (1m 0s) after its last sign of life: ' +
          `in about ${60 - c.silent}s; a new run of this table waits until then`,
      ]);
    }
  });

  it('a job held by a live process still stops at its next batch boundary', async () => {
    const run = await startRun(db.pool, { entities: ['dim_branches'], trigger: 'cli' });
    await db.pool.query(sql.unsafe`
      update graphile_worker._private_jobs set locked_by = 'worker-live', locked_at = now(), attempts = 1
       where (payload->>'runId')::bigint = ${run.runId}`);
    await db.pool.query(sql.unsafe`insert into etl.worker_heartbeat (worker_id, process, last_seen) values ('worker-live', '77@etl-2', now())`);
    const result = await cancelRun(db.pool, run.runId, { by: 'ops@desk', staleAfterMs: 60_000 });
    expect(result.heldByStopped).toEqual([]);
    expect(describeCancel(result, 60_000)).toEqual([
      `run ${run.runId} cancelled: 0 waiting job(s) removed, 1 running job(s) stop at their next batch boundary (nothing more is committed)`,
    ]);
  });
});

describe('names and secrets', () => {
  it('a process is pid@<the OS hostname>, whatever $HOSTNAME says (systemd does not export it)', () => {
    const saved = process.env.HOSTNAME;
    try {
      delete process.env.HOSTNAME;
      expect(processLabel()).toBe(`${process.pid}@${os.hostname()}`);
      process.env.HOSTNAME = 'not-this-one';
      expect(processLabel()).toBe(`${process.pid}@${os.hostname()}`);
    } finally {
      if (saved === undefined) delete process.env.HOSTNAME;
      else process.env.HOSTNAME = saved;
    }
  });

  it('the scrubber masks a secret standing as a value, not inside a word', () => {
    expect(scrubText('user administrator logged in with admin', ['admin'])).toBe('user administrator logged in with ***');
    expect(scrubText('password="admin", key=admin&x=1, admin.', ['admin'])).toBe('password="***", key=***&x=1, ***.');
    expect(scrubText('badmin admins admin_x', ['admin'])).toBe('badmin admins admin_x');
    expect(scrubText('key 0123abcdef, url postgresql://etl:pw@db/w', ['0123abcdef'])).toBe('key ***, url postgresql://etl:***@db/w');
    expect(scrubText('token key-Secret-789.', ['key-Secret-789'])).toBe('token ***.');
  });

  it('never masks the login: a password equal to the user name is not a secret to hide', () => {
    const settings = loadConfig({
      env: { ODOO_USERNAME: 'admin', ODOO_PASSWORD: 'admin', ODOO_API_KEY: 'k-1234567', DATABASE_URL: 'postgresql://etl:etl@db/w' },
      envFile: '/nonexistent/.env',
    });
    expect(secretValues(settings)).toEqual(['k-1234567']);
    expect(scrubText('Odoo (database odoo, user admin): Access Denied', secretValues(settings))).toBe('Odoo (database odoo, user admin): Access Denied');
    const other = loadConfig({ env: { ODOO_USERNAME: 'etl@example.com', ODOO_PASSWORD: 'hunter22', DATABASE_URL: 'postgresql://etl:s3cret@db/w' }, envFile: '/nonexistent/.env' });
    expect(secretValues(other)).toEqual(['hunter22', 's3cret']);
  });
});

describe('sync and a queue a stopped process locks', () => {
  it('says which table waits, for whom and how long, then frees it and finishes', { timeout: 180_000 }, async () => {
    const harness = await startHarness();
    try {
      const { pool } = harness.db;
      // What a `sync` killed 40 s ago leaves (its run cancelled since): the table's queue locked, its heartbeat silent.
      await pool.query(sql.unsafe`
        insert into graphile_worker._private_job_queues (queue_name, locked_by, locked_at)
        values ('odoo-etl:dim_categories', 'worker-dead', now() - interval '40 seconds')`);
      await pool.query(sql.unsafe`insert into etl.worker_heartbeat (worker_id, process, last_seen) values ('worker-dead', '4242@etl-1', now() - interval '40 seconds')`);
      const result = await runCli(['sync', '--entity', 'dim_categories'], cliEnv(harness, { WORKER_STALE_AFTER: '45s' }), { timeoutMs: 150_000 });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(
        /^dim_categories waits: its queue is held by 4242@etl-1, which stopped \(last seen \d+s ago\); this sync frees it WORKER_STALE_AFTER \(45s\) after its last sign of life: in about \d+s$/m,
      );
      expect(result.stdout).toMatch(/run \d+ succeeded/);
      expect(await pool.anyFirst(sql.type(z.object({ locked_by: z.string() }))`
        select locked_by from graphile_worker._private_job_queues where locked_by is not null`)).toEqual([]);
    } finally {
      await harness.close();
    }
  });
});

