/**
 * No lock outlives its holder (issue 18 §1). A worker paused (SIGSTOP) longer than WORKER_STALE_AFTER has
 * its job freed and taken over by another worker; when it resumes (SIGCONT) and its attempt ends, it must
 * not complete the job the other worker now holds (graphile-worker would delete it by id, and the new
 * holder's queue would stay locked for hours). And queue locks held by a dead worker are freed by the
 * heartbeat's housekeeping. Real processes and signals, real PostgreSQL, the simulator over HTTP; every
 * wait is on state observed in the database or on a log line, with a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { stepJobs } from '../../src/db/graphile-worker-internals.ts';
import { silentLogger } from '../../src/log.ts';
import { createOdooClient } from '../../src/odoo/index.ts';
import { createSyncContext } from '../../src/sync/context.ts';
import { getRunReport, type RunReport } from '../../src/sync/run-report.ts';
import { startRun } from '../../src/sync/run.ts';
import { cancelRun } from '../../src/ops/runs.ts';
import { Heartbeat } from '../../src/worker/heartbeat.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { cliEnv, compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';
import { makeWorkerUtils, type JobHelpers } from 'graphile-worker';
import { makeTaskList } from '../../tasks/index.ts';

const standbyWorker = path.resolve(import.meta.dirname, '../support/standby-worker.ts');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const lockedQueues = (harness: SyncHarness) =>
  harness.db.pool.any(sql.type(z.object({ queue_name: z.string(), locked_by: z.string() }))`
    select queue_name, locked_by from graphile_worker._private_job_queues where locked_by is not null`);

describe('a paused worker', () => {
  let harness: SyncHarness | undefined;
  const children: ChildProcess[] = [];
  const workers: WorkerHandle[] = [];
  const closers: Array<() => void> = [];
  afterEach(async () => {
    for (const child of children) {
      child.kill('SIGCONT');
      child.kill('SIGKILL');
    }
    children.length = 0;
    for (const worker of workers) await worker.stop();
    workers.length = 0;
    for (const close of closers.splice(0)) close();
    await harness?.close();
    harness = undefined;
  });

  it('resumed (SIGCONT) after its job was taken over, does not complete that job: no queue stays locked, the run succeeds', { timeout: 240_000 }, async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 18 } });
    const h = harness;
    const { pool } = h.db;
    // A first sync: the run below is incremental, one part, one batch (every category is younger than LOOKBACK).
    expect((await h.sync({ entities: ['dim_categories'] })).run.status).toBe('succeeded');

    // Each Odoo call now takes 1.5 s: the paused worker's read is answered while it is stopped, the new
    // holder's takes that long, so the resumed worker commits and ends its attempt while the job is the other's.
    h.sim.setLatency(1500);
    const run = await startRun(pool, { entities: ['dim_categories'] });
    const env = cliEnv(h, { WORKER_CONCURRENCY: '1', WORKER_STALE_AFTER: '1s', LOG_LEVEL: 'info' });
    const child = spawn(process.execPath, ['--import', 'tsx', standbyWorker], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    let log = '';
    child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout!.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`standby worker exited with ${code}: ${log}`)));
    });
    child.stdin!.write('go\n');

    // The child holds the step's job and has planned the step: it is reading the batch.
    const held = await waitFor('the child to hold the step job, planned', async () => {
      const job = (await stepJobs(pool, { runIds: [run.runId] })).find((j) => j.task === 'sync_entity' && j.locked_by !== null);
      if (!job) return undefined;
      const planned = await pool.oneFirst(sql.type(z.object({ planned: z.boolean() }))`
        select plan is not null as planned from etl.run_entity where run_id = ${run.runId} and entity = 'dim_categories'`);
      return planned ? job : undefined;
    }, 120_000);
    child.kill('SIGSTOP');

    // Another worker frees the silent child's job after WORKER_STALE_AFTER and takes it. A process of its own
    // (its own Odoo client: it logs in and asks fields_get before it reads, three calls to the child's one at most).
    const odoo = createOdooClient({
      url: h.sim.url, db: h.sim.db, username: h.sim.admin.login, password: h.sim.admin.password, transport: 'auto', timeoutMs: 30_000, logger: silentLogger,
    });
    closers.push(() => odoo.close());
    const context = createSyncContext({ pool, odoo, settings: h.settings, logger: silentLogger });
    const taker = await startWorker({ connectionString: h.db.url, context, concurrency: 1, staleAfterMs: 1000, pollIntervalMs: 100 });
    workers.push(taker);
    const takenBy = await waitFor('the job to be taken over', async () => {
      const job = (await stepJobs(pool, { runIds: [run.runId] })).find((j) => j.id === held.id);
      return job?.locked_by && job.locked_by !== held.locked_by ? job.locked_by : undefined;
    });
    child.kill('SIGCONT');

    const report: RunReport = await waitFor('the run to end', async () => {
      const r = await getRunReport(pool, run.runId);
      return r.run.status === 'running' ? undefined : r;
    }, 120_000);
    expect(report.run.status, report.run.error ?? '').toBe('succeeded');
    // The taker's completion freed the queue: nothing is left locked, and the job is gone.
    await waitFor('every queue to be free', async () => ((await lockedQueues(h)).length === 0 ? true : undefined), 30_000);
    // The resumed child committed the batch first (the taker's commit is refused by the cursor check), then
    // found the job no longer its own, and said so.
    await waitFor('the resumed child to drop the job', () => (log.includes(`job ${held.id} (sync_entity) is no longer held by this worker`) ? true : undefined), 30_000);
    expect(log).toMatch(/"msg":"dim_categories synced"/);
    expect(takenBy).not.toBe(held.locked_by);
    expect((await stepJobs(pool, { runIds: [run.runId] })).filter((j) => j.id === held.id)).toEqual([]);
    expect(await compareWithSimulator(h, ['dim_categories'])).toEqual([]);

    // The next run is not held up by anything left behind.
    h.sim.setLatency(0);
    const next = await startRun(pool, { entities: ['dim_categories'] });
    expect(next.started).toBe(true);
    const nextReport = await waitFor('the next run to end', async () => {
      const r = await getRunReport(pool, next.runId);
      return r.run.status === 'running' ? undefined : r;
    }, 60_000);
    expect(nextReport.run.status).toBe('succeeded');
    expect(await stepJobs(pool, { runIds: [run.runId, next.runId] })).toEqual([]);
  });

  it('the heartbeat frees a queue lock held by a worker that stopped, though it holds no job', async () => {
    harness = await startHarness();
    const { pool } = harness.db;
    const run = await startRun(pool, { entities: ['dim_categories'] });
    // What a worker that died after completing its job elsewhere leaves: the queue locked, no job locked.
    await pool.query(sql.unsafe`
      update graphile_worker._private_job_queues set locked_by = 'worker-gone', locked_at = now() - interval '10 minutes'
       where queue_name = 'odoo-etl:dim_categories'`);
    expect(await lockedQueues(harness)).toEqual([{ queue_name: 'odoo-etl:dim_categories', locked_by: 'worker-gone' }]);
    const utils = await makeWorkerUtils({ connectionString: harness.db.url });
    try {
      const heartbeat = new Heartbeat(pool, utils, ['sync_entity'], silentLogger, 60_000);
      expect(await heartbeat.freeJobsOfDeadWorkers()).toEqual(['worker-gone']);
    } finally {
      await utils.release();
    }
    expect(await lockedQueues(harness)).toEqual([]);
    // A queue lock of a live worker (fresh heartbeat) is left alone.
    await pool.query(sql.unsafe`
      update graphile_worker._private_job_queues set locked_by = 'worker-alive', locked_at = now() - interval '10 minutes'
       where queue_name = 'odoo-etl:dim_categories'`);
    await pool.query(sql.unsafe`insert into etl.worker_heartbeat (worker_id, process, last_seen) values ('worker-alive', '1@test', now())`);
    const utils2 = await makeWorkerUtils({ connectionString: harness.db.url });
    try {
      expect(await new Heartbeat(pool, utils2, ['sync_entity'], silentLogger, 60_000).freeJobsOfDeadWorkers()).toEqual([]);
    } finally {
      await utils2.release();
    }
    expect(await lockedQueues(harness)).toHaveLength(1);
    expect(run.started).toBe(true);
  });

  it('an attempt that fails after its job was taken over records nothing on the step; one that still holds it does', async () => {
    harness = await startHarness();
    const { pool } = harness.db;
    harness.sim.injectFault({ kind: 'accessDenied', model: 'product.category' }); // a permanent error: it would fail the step at once
    const task = makeTaskList(harness.ctx).sync_entity!;
    const step = (runId: number) => pool.one(sql.type(z.object({ status: z.string(), error: z.string().nullable() }))`
      select status, error from etl.run_entity where run_id = ${runId} and entity = 'dim_categories'`);
    const attempt = async (holder: string) => {
      const run = await startRun(pool, { entities: ['dim_categories'] });
      const [job] = await stepJobs(pool, { runIds: [run.runId] });
      // This attempt took the job as 'pool-a' at 10:00:00.250 (attempt 1); `holder` holds it now.
      const lockedAt = holder === 'pool-a' ? '2026-12-02 10:00:00.250+00' : '2026-12-02 10:01:00.500+00';
      await pool.query(sql.unsafe`
        update graphile_worker._private_jobs set locked_by = ${holder}, locked_at = ${lockedAt}::timestamptz, attempts = ${holder === 'pool-a' ? 1 : 2}
         where id = ${job!.id}`);
      const helpers = {
        job: {
          id: String(job!.id), job_queue_id: null, task_identifier: 'sync_entity', locked_by: 'pool-a', locked_at: new Date('2026-12-02T10:00:00.250Z'),
          attempts: 1, max_attempts: 25,
        },
        abortSignal: new AbortController().signal,
      } as unknown as JobHelpers;
      const threw = await Promise.resolve(task({ runId: run.runId, entity: 'dim_categories' }, helpers)).then(() => false, () => true);
      const outcome = { threw, ...(await step(run.runId)) };
      await cancelRun(pool, run.runId, { by: 'test' });
      return outcome;
    };
    // Taken over: the error goes back to graphile-worker (whose failure only touches its own jobs), the step is untouched.
    expect(await attempt('pool-b')).toEqual({ threw: true, status: 'queued', error: null });
    // Still held: the permanent error settles the step failed, and the job is done.
    const held = await attempt('pool-a');
    expect(held.status).toBe('failed');
    expect(held.error).toMatch(/product\.category|Access Denied/);
  });
});
