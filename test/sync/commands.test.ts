import { execFile, spawn } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { entityNames } from '../../src/entities/index.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { cliEnv, compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');

describe('odoo-etl sync, worker and reconcile commands', () => {
  let harness: SyncHarness | undefined;
  const workers: WorkerHandle[] = [];
  afterEach(async () => {
    for (const worker of workers) await worker.stop();
    workers.length = 0;
    await harness?.close();
    harness = undefined;
  });

  it('sync fills the tables, prints a summary per entity and exits 0; --entity limits the run', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 31 } });
    const { stdout } = await run(bin, ['sync', '--full', '--json'], { env: cliEnv(harness) });
    const result = JSON.parse(stdout) as { runId: number; report: { run: { status: string }; steps: Array<{ entity: string; status: string }> } };
    expect(result.report.run.status).toBe('succeeded');
    expect(result.report.steps.map((s) => s.entity).sort()).toEqual([...entityNames(), 'heal_missing'].sort());
    expect(await compareWithSimulator(harness)).toEqual([]);

    const text = await run(bin, ['sync', '--entity', 'fact_stock'], { env: cliEnv(harness) });
    expect(text.stdout).toMatch(/^fact_stock\s+succeeded\s+snapshot/m);
    expect(text.stdout).not.toMatch(/^dim_products\s/m);
    expect(text.stdout).toMatch(/succeeded$/m);
  });

  it('sync exits 1 and names the entity and the reason when an entity fails', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 31 } });
    // The restricted demo user may not read purchase orders (the recorded access error).
    const env = cliEnv(harness, { ODOO_USERNAME: harness.sim.demo.login, ODOO_PASSWORD: harness.sim.demo.password });
    const failure = await run(bin, ['sync', '--entity', 'dim_purchases', '--entity', 'dim_categories'], { env }).then(
      () => undefined,
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout).toMatch(/^dim_purchases\s+failed/m);
    expect(failure?.stdout).toMatch(/^dim_categories\s+succeeded/m);
    expect(failure?.stdout).toMatch(/purchase\.order/);
    expect(`${failure?.stdout}${failure?.stderr}`).not.toContain(harness.sim.demo.password);
  });

  it('sync stops at once with exit code 1 when Odoo refuses the login, queues nothing and prints no secret', async () => {
    harness = await startHarness();
    const env = cliEnv(harness, { ODOO_PASSWORD: 'not-the-Password-42' });
    harness.sim.resetCounts();
    const failure = await run(bin, ['sync'], { env }).catch((error: { code: number; stderr: string; stdout: string }) => error);
    expect((failure as { code: number }).code).toBe(1);
    // At once: the refused login was not retried, and no model was read.
    const calls = harness.sim.callCounts();
    expect(calls['common:authenticate']).toBe(1);
    expect(Object.keys(calls).filter((call) => !call.startsWith('common:'))).toEqual([]);
    const output = `${(failure as { stderr: string }).stderr}${(failure as { stdout: string }).stdout}`.replace(/\n ›\s+/g, ' ');
    expect(output).toMatch(new RegExp(`Odoo at ${harness.sim.url.replaceAll('.', '\\.')} \\(database odoo, user admin\\): .*(denied|credentials|password)`, 'i'));
    expect(output).toMatch(/Nothing was queued/);
    expect(output).not.toContain('not-the-Password-42');
    const runs = await harness.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.run`);
    expect(runs).toBe(0);
  });

  it('sync rejects an unknown entity with exit code 2 and the list of valid ones', async () => {
    harness = await startHarness();
    const failure = await run(bin, ['sync', '--entity', 'fact_stocks'], { env: cliEnv(harness) }).catch((error: { code: number; stderr: string }) => error);
    expect((failure as { code: number }).code).toBe(2);
    // oclif wraps long messages with " ›   " continuation lines.
    const message = (failure as { stderr: string }).stderr.replace(/\n ›\s+/g, ' ');
    expect(message).toMatch(/unknown entity fact_stocks; valid entities: .*\bfact_stock\b/);
  });

  it('sync --no-wait only queues the run; a worker processes it and stops gracefully on SIGTERM', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 32 } });
    const env = cliEnv(harness);
    const queued = await run(bin, ['sync', '--no-wait', '--entity', 'dim_categories', '--json'], { env: { ...env, ODOO_PASSWORD: '' } });
    const { runId } = JSON.parse(queued.stdout) as { runId: number };
    const status = () =>
      harness!.db.pool.oneFirst(sql.type(z.object({ status: z.string() }))`select status from etl.run where id = ${runId}`);
    expect(await status()).toBe('running');

    const worker = spawn(process.execPath, [bin, 'worker', '--no-schedule'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => worker.once('exit', (code) => resolve(code)));
    for (let i = 0; i < 200 && (await status()) === 'running'; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await status()).toBe('succeeded');
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('reconcile marks a record deleted in Odoo', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 33 } });
    await harness.sync({ entities: ['dim_categories'] });
    const victim = harness.sim.records('product.category').at(-1)!.id;
    harness.sim.unlink('product.category', [victim]);
    const { stdout } = await run(bin, ['reconcile', '--entity', 'dim_categories', '--json'], { env: cliEnv(harness) });
    const { results } = JSON.parse(stdout) as { results: Array<{ entity: string; deleted: number }> };
    expect(results).toEqual([expect.objectContaining({ entity: 'dim_categories', deleted: 1 })]);
  });

  it('the schedule lives in the database: a tick missed while no worker ran is backfilled once, however many workers start', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 34 } });
    const { pool } = harness.db;
    // A daily schedule whose tick fell three minutes ago, while "no worker was running" since ten minutes ago.
    const tick = new Date(Date.now() - 3 * 60_000);
    const schedule = { sync: `${tick.getUTCMinutes()} ${tick.getUTCHours()} * * *`, reconcile: '0 0 1 1 *' };
    await pool.query(sql.unsafe`
      insert into graphile_worker._private_known_crontabs (identifier, known_since, last_execution)
      values ('odoo-etl:sync', now() - interval '1 day', now() - interval '10 minutes'),
             ('odoo-etl:reconcile', now() - interval '1 day', now())`);
    for (let i = 0; i < 3; i++) {
      workers.push(await startWorker({ connectionString: harness.db.url, context: harness.ctx, concurrency: 2, schedule, pollIntervalMs: 200 }));
    }
    const cronRuns = () =>
      pool.any(sql.type(z.object({ id: z.number(), status: z.string() }))`select id, status from etl.run where trigger = 'cron' order by id`);
    for (let i = 0; i < 300; i++) {
      const runs = await cronRuns();
      if (runs.length > 0 && runs.every((r) => r.status !== 'running')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // graphile-worker enqueues a tick only in the statement that moves last_execution past it, so once it
    // has, no worker can enqueue that tick again: what the queue and etl.run hold now is final.
    const claimed = await pool.oneFirst(sql.type(z.object({ claimed: z.boolean() }))`
      select last_execution >= date_trunc('minute', ${tick.toISOString()}::timestamptz) as claimed
        from graphile_worker._private_known_crontabs where identifier = 'odoo-etl:sync'`);
    expect(claimed).toBe(true);
    const queued = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from graphile_worker.jobs where key = 'odoo-etl:cron:sync'`);
    expect(queued).toBe(0);
    const runs = await cronRuns();
    expect(runs).toEqual([{ id: runs[0]!.id, status: 'succeeded' }]);
  });
});
