/**
 * No run can hang (issue 9 §2): steps whose jobs can no longer run are settled by the worker housekeeping,
 * runs past RUN_TIMEOUT end, `runs cancel` ends a run without half-committed batches, and `sync` attaches
 * to a run a killed `sync` left behind. Real PostgreSQL, the simulator over HTTP, real processes killed
 * with SIGKILL; every wait is on state observed in the database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { cancelRun } from '../../src/ops/runs.ts';
import { getStatus } from '../../src/ops/status.ts';
import { stepJobs } from '../../src/db/graphile-worker-internals.ts';
import { findRunToAttach } from '../../src/sync/attach.ts';
import { settleRuns } from '../../src/worker/housekeeping.ts';
import { getRunReport, type RunReport } from '../../src/sync/run-report.ts';
import { startRun } from '../../src/sync/run.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { runCli } from '../ops/cli.ts';
import { cliEnv, compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');
const HOUR = 3_600_000;

/** Polls the database until `probe` returns a value (not undefined); fails naming `what` after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function waitForRunEnd(harness: SyncHarness, runId: number, timeoutMs = 90_000): Promise<RunReport> {
  return waitFor(`run ${runId} to end`, async () => {
    const report = await getRunReport(harness.db.pool, runId);
    return report.run.status === 'running' ? undefined : report;
  }, timeoutMs);
}

/** Lets the queued jobs of `runId` be on their last attempt (graphile-worker counts an attempt when it takes the job). */
async function lastAttemptNext(harness: SyncHarness, runId: number): Promise<void> {
  const updated = await harness.db.pool.query(sql.unsafe`
    update graphile_worker._private_jobs set attempts = max_attempts - 1
     where json_typeof(payload) = 'object' and (payload->>'runId')::bigint = ${runId}`);
  expect(updated.rowCount).toBeGreaterThan(0);
}

describe('run lifecycle', () => {
  let harness: SyncHarness | undefined;
  const workers: WorkerHandle[] = [];
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    children.length = 0;
    for (const worker of workers) await worker.stop();
    workers.length = 0;
    await harness?.close();
    harness = undefined;
  });

  const inProcessWorker = async (h: SyncHarness, staleAfterMs = 1500) => {
    const worker = await startWorker({ connectionString: h.db.url, context: h.ctx, concurrency: 2, staleAfterMs, pollIntervalMs: 200 });
    workers.push(worker);
    return worker;
  };

  it('a worker killed (SIGKILL) during a job\'s last attempt: housekeeping fails the step with the reason, the run ends failed naming it, the next run completes', { timeout: 180_000 }, async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 41 } });
    const h = harness;
    const run = await startRun(h.db.pool, { entities: ['dim_categories'], trigger: 'api' });
    await lastAttemptNext(h, run.runId);
    // Odoo answers nothing for long: the job is still in its first call when the worker is killed.
    h.sim.setLatency(120_000);
    const child = spawn(process.execPath, [bin, 'worker', '--no-schedule'], {
      env: cliEnv(h, { ODOO_TIMEOUT: '300s' }),
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    children.push(child);
    await waitFor('the worker to take the job on its last attempt', async () => {
      const jobs = await stepJobs(h.db.pool, { runIds: [run.runId], entity: 'dim_categories' });
      return jobs.find((j) => j.locked_by !== null && j.attempts === j.max_attempts);
    }, 120_000);
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    h.sim.setLatency(0);

    // Another worker frees the dead worker's job (out of attempts now) and its housekeeping settles the step.
    await inProcessWorker(h);
    const report = await waitForRunEnd(h, run.runId);
    expect(report.run.status).toBe('failed');
    expect(report.run.error).toMatch(/^dim_categories: settled by worker housekeeping: its job ran out of attempts \(6 of 6\)/);
    const step = report.steps.find((s) => s.entity === 'dim_categories')!;
    expect(step.status).toBe('failed');
    expect(step.error).toContain('the last attempt ended without an outcome (its worker stopped)');
    expect(report.steps.find((s) => s.entity === 'heal_missing')?.status).toBe('succeeded');
    // The dead job left the queue with the step settled.
    expect(await stepJobs(h.db.pool, { runIds: [run.runId] })).toEqual([]);

    const next = await h.sync({ entities: ['dim_categories'] });
    expect(next.run.status).toBe('succeeded');
    expect(await compareWithSimulator(h, ['dim_categories'])).toEqual([]);
  });

  it('a failure whose recording transaction fails (a database fault) is settled by housekeeping once the job is out of attempts; the next run completes', { timeout: 120_000 }, async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 42 } });
    const h = harness;
    // A real fault in the failure-recording transaction: the first time a step turns failed, the update raises.
    await h.db.pool.query(sql.unsafe`create sequence public.test_recording_faults`);
    await h.db.pool.query(sql.unsafe`
      create function public.test_fail_recording() returns trigger language plpgsql as $$
      begin
        if nextval('public.test_recording_faults') = 1 then
          raise exception 'injected fault: cannot record the failure';
        end if;
        return new;
      end $$`);
    await h.db.pool.query(sql.unsafe`
      create trigger test_fail_recording before update on etl.run_entity for each row
        when (new.status = 'failed' and old.status is distinct from 'failed')
        execute function public.test_fail_recording()`);
    h.sim.injectFault({ kind: 'accessDenied', model: 'product.category' });

    const run = await startRun(h.db.pool, { entities: ['dim_categories'], trigger: 'api' });
    await lastAttemptNext(h, run.runId);
    await inProcessWorker(h);
    const report = await waitForRunEnd(h, run.runId);
    expect(report.run.status).toBe('failed');
    const step = report.steps.find((s) => s.entity === 'dim_categories')!;
    expect(step.status).toBe('failed');
    // The job failed with the step's own error (not the recording's), and housekeeping's reason carries it.
    expect(step.error).toMatch(/^settled by worker housekeeping: its job ran out of attempts \(6 of 6\), last error: .*product\.category/);
    expect(report.run.error).toMatch(/^dim_categories: settled by worker housekeeping/);
    expect(await h.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select nextval('public.test_recording_faults') as n`)).toBe(3);

    h.sim.clearFaults();
    const next = await h.sync({ entities: ['dim_categories'] });
    expect(next.run.status).toBe('succeeded');
  });

  it('a run past RUN_TIMEOUT ends failed with its unfinished steps and its queued jobs removed, once however many housekeepers run', async () => {
    harness = await startHarness();
    const h = harness;
    const { pool } = h.db;
    const old = await startRun(pool, { entities: ['dim_categories', 'dim_products'], trigger: 'api' });
    await pool.query(sql.unsafe`update etl.run set created_at = now() - interval '7 hours' where id = ${old.runId}`);
    const young = await startRun(pool, { entities: ['dim_jobs'], trigger: 'api' });
    expect((await stepJobs(pool, { runIds: [old.runId] })).length).toBeGreaterThan(0);

    const results = await Promise.all([settleRuns(pool, { runTimeoutMs: 6 * HOUR }), settleRuns(pool, { runTimeoutMs: 6 * HOUR })]);
    expect(results.flatMap((r) => r.timedOut)).toEqual([old.runId]);

    const report = await getRunReport(pool, old.runId);
    expect(report.run.status).toBe('failed');
    expect(report.run.error).toBe('the run exceeded RUN_TIMEOUT (6h 0m)');
    expect(report.steps.map((s) => [s.entity, s.status, s.error])).toEqual(
      expect.arrayContaining([
        ['dim_categories', 'failed', 'the run exceeded RUN_TIMEOUT (6h 0m)'],
        ['dim_products', 'failed', 'the run exceeded RUN_TIMEOUT (6h 0m)'],
        ['heal_missing', 'failed', 'the run exceeded RUN_TIMEOUT (6h 0m)'],
      ]),
    );
    expect(await stepJobs(pool, { runIds: [old.runId] })).toEqual([]);
    expect((await getRunReport(pool, young.runId)).run.status).toBe('running');
    // Idempotent: nothing more to do.
    expect(await settleRuns(pool, { runTimeoutMs: 6 * HOUR })).toEqual({ timedOut: [], orphaned: [], closed: [] });
    // The tables are free again: a new run of them starts.
    expect((await startRun(pool, { entities: ['dim_categories'], trigger: 'api' })).started).toBe(true);
  });

  it('RUN_TIMEOUT and RETENTION take the duration syntax of the other settings, default 6h and 90 days', () => {
    const defaults = loadConfig({ env: {}, envFile: '/nonexistent/.env' });
    expect(defaults.RUN_TIMEOUT).toBe(6 * HOUR);
    expect(defaults.RETENTION).toBe(90 * 24 * HOUR);
    const set = loadConfig({ env: { RUN_TIMEOUT: '90m', RETENTION: '30d' }, envFile: '/nonexistent/.env' });
    expect(set.RUN_TIMEOUT).toBe(90 * 60_000);
    expect(set.RETENTION).toBe(30 * 24 * HOUR);
    expect(() => loadConfig({ env: { RUN_TIMEOUT: 'soon' }, envFile: '/nonexistent/.env' })).toThrow(/RUN_TIMEOUT "soon" is not a duration/);
  });

  it('runs lists recent runs; runs cancel ends a running run at once, running jobs stop at their next batch, nothing after is committed', { timeout: 420_000 }, async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 43, latencyMs: 150 }, settings: { BATCH_SIZE: 5 } });
    const h = harness;
    const { pool } = h.db;
    const done = await h.sync({ entities: ['dim_categories'] });
    expect(done.run.status).toBe('succeeded');

    const run = await startRun(pool, { entities: ['dim_customers', 'fact_sales_lines', 'dim_products'], full: true, trigger: 'api' });
    await inProcessWorker(h, 60_000);
    const batches = () =>
      pool.oneFirst(sql.type(z.object({ n: z.number() }))`select coalesce(sum(batches), 0)::int as n from etl.run_entity where run_id = ${run.runId}`);
    await waitFor('a few batches to commit', async () => ((await batches()) >= 2 ? true : undefined));

    const env = cliEnv(h);
    const cancel = await runCli(['runs', 'cancel', String(run.runId)], env, { timeoutMs: 120_000 });
    expect(cancel.code, cancel.stderr).toBe(0);
    const atCancel = await batches();
    const said = /run (\d+) cancelled: (\d+) waiting job\(s\) removed(?:, (\d+) running job\(s\) stop at their next batch boundary)?/.exec(cancel.stdout);
    expect(said, cancel.stdout).not.toBeNull();
    expect(Number(said![1])).toBe(run.runId);
    const running = Number(said![3] ?? 0);

    const report = await getRunReport(pool, run.runId);
    expect(report.run.status).toBe('cancelled');
    expect(report.run.error).toMatch(/^cancelled by \S+@\S+$/);
    // Every job of the run leaves: removed, or stopped at its next batch (which it does not commit).
    await waitFor('the jobs of the cancelled run to stop', async () => ((await stepJobs(pool, { runIds: [run.runId] })).length === 0 ? true : undefined));
    await waitFor('no step left open', async () => {
      await settleRuns(pool, { runTimeoutMs: 6 * HOUR });
      const steps = (await getRunReport(pool, run.runId)).steps;
      return steps.every((s) => ['succeeded', 'cancelled'].includes(s.status)) ? steps : undefined;
    });
    // At most the batches already committing when the cancel came (one per running job) landed after it.
    expect((await batches()) - atCancel).toBeLessThanOrEqual(running);
    expect((await getRunReport(pool, run.runId)).steps.some((s) => s.status === 'cancelled')).toBe(true);

    const listed = await runCli(['runs', '--json', '--limit', '5'], env, { timeoutMs: 120_000 });
    expect(listed.code, listed.stderr).toBe(0);
    const runs = z
      .array(z.object({ id: z.number(), trigger: z.string(), state: z.string(), durationSeconds: z.number(), steps: z.object({ ok: z.number(), failed: z.number(), total: z.number() }), error: z.string().nullable() }))
      .parse(JSON.parse(listed.stdout));
    expect(runs.map((r) => [r.id, r.state])).toEqual([
      [run.runId, 'cancelled'],
      [done.run.id, 'succeeded'],
    ]);
    expect(runs[1]!.steps).toMatchObject({ ok: 2, failed: 0, total: 2 });
    expect(runs[0]!.error).toMatch(/^cancelled by /);

    const again = await runCli(['runs', 'cancel', String(run.runId)], env, { timeoutMs: 120_000 });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`run ${run.runId} is not running (it is cancelled)`);

    // The tables are free: the next run of them starts and completes.
    h.sim.setLatency(0);
    const next = await h.sync({ entities: ['dim_customers', 'fact_sales_lines'] });
    expect(next.run.status).toBe('succeeded');
  });

  it('a run cancelled before any job ran: run and steps end cancelled, its jobs leave the queue; status shows the run, and no table as failed', async () => {
    harness = await startHarness();
    const { pool } = harness.db;
    const run = await startRun(pool, { entities: ['dim_categories', 'dim_products'], trigger: 'api' });
    const result = await cancelRun(pool, run.runId, { by: 'ops@example' });
    expect(result).toMatchObject({ runId: run.runId, cancelled: true, state: 'cancelled', reason: 'cancelled by ops@example', runningJobs: 0 });
    expect(result.removedJobs).toBeGreaterThan(0);
    expect(await stepJobs(pool, { runIds: [run.runId] })).toEqual([]);
    const report = await getRunReport(pool, run.runId);
    expect(report.run).toMatchObject({ status: 'cancelled', error: 'cancelled by ops@example' });
    expect(new Set(report.steps.map((s) => s.status))).toEqual(new Set(['cancelled']));

    const status = await getStatus(pool, { settings: loadConfig({ env: {}, envFile: '/nonexistent/.env' }), database: 'test' });
    expect(status.lastRun).toMatchObject({ id: run.runId, status: 'cancelled', error: 'cancelled by ops@example' });
    const categories = status.entities.find((e) => e.entity === 'dim_categories')!;
    expect(categories.state).toBe('never');
    expect(categories.lastRun).toBeNull();
    expect(status.problems.join('\n')).not.toMatch(/failed/);
    expect((await cancelRun(pool, run.runId)).cancelled).toBe(false);
  });

  it('a running run is attachable for the tables it covers (a full one for --full), not for others', async () => {
    harness = await startHarness();
    const { pool } = harness.db;
    const run = await startRun(pool, { entities: ['dim_categories', 'dim_products'], trigger: 'cli' });
    const find = (entities: string[], full = false) => findRunToAttach(pool, { entities, full, staleAfterMs: 60_000 });
    expect((await find(['dim_products']))?.runId).toBe(run.runId);
    expect((await find(['dim_products', 'dim_categories']))?.activity).toBe('interrupted');
    expect(await find(['dim_products', 'dim_customers'])).toBeUndefined();
    expect(await find(['dim_products'], true)).toBeUndefined();
  });

  it('sync after a sync killed mid-run attaches to the interrupted run, says so, frees the dead process\'s jobs and finishes it', { timeout: 360_000 }, async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 44, latencyMs: 40 } });
    const h = harness;
    const { pool } = h.db;
    const entities = ['--entity', 'dim_customers', '--entity', 'dim_categories', '--entity', 'dim_products'];
    const env = cliEnv(h, { BATCH_SIZE: '5' });
    const first = spawn(process.execPath, [bin, 'sync', '--full', '--quiet', ...entities], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(first);
    const runId = await waitFor('the first sync to commit batches while holding jobs', async () => {
      const row = await pool.maybeOne(sql.type(z.object({ run_id: z.number(), batches: z.number() }))`
        select run_id, sum(batches)::int as batches from etl.run_entity group by run_id order by run_id limit 1`);
      if (!row || row.batches < 2) return undefined;
      const held = (await stepJobs(pool, { runIds: [row.run_id] })).filter((j) => j.locked_by !== null);
      return held.length > 0 ? row.run_id : undefined;
    }, 120_000);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect((await getRunReport(pool, runId)).run.status).toBe('running');
    // The dead process still holds jobs: the next sync frees them (its WORKER_STALE_AFTER is short) and goes on.
    expect((await stepJobs(pool, { runIds: [runId] })).some((j) => j.locked_by !== null)).toBe(true);
    // "Interrupted" means its holder has been silent for WORKER_STALE_AFTER (2 s below): a sync started within
    // 2 s of the kill rightly still sees the last heartbeat as alive, so wait until it is older than that.
    await waitFor('the killed process\'s heartbeat to be older than 2 s', async () => {
      const fresh = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        select count(*)::int as n from etl.worker_heartbeat where last_seen > now() - interval '2.5 seconds'`);
      return fresh === 0 ? true : undefined;
    }, 30_000);

    const second = await runCli(['sync', '--full', ...entities], { ...env, WORKER_STALE_AFTER: '2s' }, { timeoutMs: 180_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(
      new RegExp(`^attached to run ${runId}, started \\S+ \\S+ \\(.+ ago\\) by cli, interrupted \\(last progress .+ ago; its jobs are held by a process that stopped: \\d+@\\S+ last seen .+ ago\\)`, 'm'),
    );
    expect(second.stdout).toMatch(new RegExp(`run ${runId} succeeded`));
    // No second run: the interrupted one was finished.
    expect(await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.run`)).toBe(1);
    expect(await compareWithSimulator(h, ['dim_customers', 'dim_categories', 'dim_products'])).toEqual([]);
  });
});
