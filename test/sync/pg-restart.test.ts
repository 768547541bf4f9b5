/**
 * The target PostgreSQL restarts (fast shutdown: every connection is cut) while `odoo-etl sync --full`
 * runs. This file has its own embedded cluster, since the shared test server must not restart under
 * the other files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/db/embedded.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { createDatabasePool, type DatabasePool } from '../../src/db/pool.ts';
import { createOdooClient, type OdooClient } from '../../src/odoo/index.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { compareWithSimulator, type SyncHarness } from '../support/sync-harness.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');
const DATABASE = 'odoo_etl_restart';

describe('PostgreSQL restart mid-sync', () => {
  let home: string;
  let server: EmbeddedServer;
  let pool: DatabasePool;
  let sim: Simulator;
  let odoo: OdooClient;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    // A folder the `postgres` OS user can enter (mkdtemp makes 0700 folders).
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-etl-restart-'));
    fs.chmodSync(home, 0o755);
    server = await startEmbeddedPostgres({ home, fast: true, database: DATABASE });
    await migrateDatabase(server.url);
    pool = await createDatabasePool(server.url, { maximumPoolSize: 2 });
    sim = await startSimulator({ version: '17.0', scale: 2, seed: 23, latencyMs: 2 });
    odoo = createOdooClient({ url: sim.url, db: sim.db, username: sim.admin.login, password: sim.admin.password, transport: 'auto' });
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    odoo?.close();
    await pool?.end();
    await sim?.close();
    await server?.stop();
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('`sync --full` and a `worker` beside it survive a fast restart of the database after N committed batches; the run ends identical to a clean sync', async () => {
    const env = {
      ...process.env,
      DATABASE_URL: server.url,
      ODOO_URL: sim.url,
      ODOO_DB: sim.db,
      ODOO_USERNAME: sim.admin.login,
      ODOO_PASSWORD: sim.admin.password,
      BATCH_SIZE: '40',
      WORKER_CONCURRENCY: '4',
      LOG_LEVEL: 'error',
    };
    // A long-running worker helps with the run, as in production; `sync` processes it too.
    const worker = spawn(process.execPath, [bin, 'worker', '--no-schedule'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(worker);
    let workerOutput = '';
    worker.stderr.on('data', (chunk: Buffer) => (workerOutput += chunk.toString()));
    const workerExited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    const child = spawn(process.execPath, [bin, 'sync', '--full', '--quiet'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

    // Restart once enough batches are committed that the run is well under way, and before it ends.
    const batches = async () =>
      pool.oneFirst(sql.type(z.object({ n: z.number() }))`select coalesce(sum(batches), 0)::int as n from etl.run_entity`);
    let restartedAt = -1;
    let childExit: number | null | undefined;
    void exited.then((code) => (childExit = code));
    for (;;) {
      const committed = await batches();
      if (committed >= 40) {
        restartedAt = committed;
        break;
      }
      if (childExit !== undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(restartedAt, `the sync ended before the restart point:\n${output}`).toBeGreaterThanOrEqual(40);
    const port = server.port;
    await server.stop();
    server = await startEmbeddedPostgres({ home, port, fast: true, database: DATABASE });

    const code = await exited;
    expect(code, output.slice(-4000)).toBe(0);
    // The worker is still up after the restart, and stops cleanly when told to.
    expect(worker.exitCode, workerOutput.slice(-4000)).toBeNull();
    worker.kill('SIGTERM');
    expect(await workerExited, workerOutput.slice(-4000)).toBe(0);
    const runs = await pool.any(sql.type(z.object({ id: z.number(), status: z.string() }))`select id, status from etl.run order by id`);
    expect(runs).toEqual([{ id: 1, status: 'succeeded' }]);
    expect(await batches(), 'the run went on after the restart').toBeGreaterThan(restartedAt);
    const harness = { sim, odoo, db: { pool } } as unknown as SyncHarness;
    expect(await compareWithSimulator(harness)).toEqual([]);
  }, 240_000);
});
