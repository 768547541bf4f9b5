import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { entities } from '../../src/entities/index.ts';
import { getRunReport, type RunReport } from '../../src/sync/run-report.ts';
import { startRun } from '../../src/sync/run.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { cliEnv, compareWithSimulator, startHarness, tableChecksums, type SyncHarness } from '../support/sync-harness.ts';

const standbyWorker = path.resolve(import.meta.dirname, '../support/standby-worker.ts');

/** Polls the database until `check` holds (what the test waits on is committed state, not time). */
async function until(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function waitForRun(harness: SyncHarness, runId: number, timeoutMs: number): Promise<RunReport> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const report = await getRunReport(harness.db.pool, runId);
    if (report.run.status !== 'running') return report;
    if (Date.now() > deadline) throw new Error(`run ${runId} still running after ${timeoutMs} ms: ${JSON.stringify(report.steps.filter((s) => s.status !== 'succeeded'))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function expectConsistentWatermarks(harness: SyncHarness, runId: number): Promise<void> {
  const marks = await harness.db.pool.any(sql.type(z.object({ entity: z.string(), cursor_run_id: z.number().nullable(), full_done_at: z.string().nullable() }))`
    select entity, cursor_run_id, full_done_at from etl.watermark
     where entity = any(${sql.array(entities.filter((e) => e.sync === 'incremental').map((e) => e.table), 'text')})`);
  expect(marks.length).toBeGreaterThan(15);
  for (const mark of marks) {
    expect(mark.cursor_run_id, mark.entity).toBe(runId);
    expect(mark.full_done_at, mark.entity).not.toBeNull();
  }
}

describe('crash safety', () => {
  let harness: SyncHarness | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    children.length = 0;
    await harness?.close();
    harness = undefined;
  });

  it('a worker killed with SIGKILL 20 times, each time after a few committed batches, ends identical to a clean sync', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 2, seed: 21 } });
    const { db } = harness;
    const env = cliEnv(harness, { BATCH_SIZE: '25', WORKER_CONCURRENCY: '4', WORKER_STALE_AFTER: '2s' });
    /** A worker process loaded and waiting; `start()` lets it run. */
    const standby = async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', standbyWorker], { env, stdio: ['pipe', 'pipe', 'ignore'] });
      children.push(child);
      await new Promise<void>((resolve, reject) => {
        child.stdout!.once('data', () => resolve());
        child.once('exit', (code) => reject(new Error(`standby worker exited with ${code}`)));
      });
      return { child, start: () => child.stdin!.write('go\n') };
    };
    const run = await startRun(db.pool, { full: true });
    if (!run.started) throw new Error(`run not started: ${run.reason}`);

    // Each worker lives until it has committed BATCHES_PER_LIFE batches (every commit adds one to its
    // entity's `batches` in the same transaction as the rows), then dies mid-run without warning.
    const KILLS = 20;
    const BATCHES_PER_LIFE = 3;
    const committed = () =>
      db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select coalesce(sum(batches), 0)::int as n from etl.run_entity where run_id = ${run.runId}`);
    let committedAtLastKill = 0;
    let next = standby();
    next.catch(() => undefined); // awaited below; a test that ends early must not leave it unhandled
    for (let kill = 0; kill < KILLS; kill++) {
      const { child, start } = await next;
      next = standby();
      next.catch(() => undefined);
      const target = (await committed()) + BATCHES_PER_LIFE;
      start();
      await until(async () => (await committed()) >= target, 120_000, `worker ${kill + 1} to commit ${BATCHES_PER_LIFE} batches`);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      const after = await getRunReport(db.pool, run.runId);
      expect(after.run.status, `kill ${kill + 1} must land while the run is in progress`).toBe('running');
      committedAtLastKill = await committed();
    }

    const finisher = await next;
    finisher.start();
    const report = await waitForRun(harness, run.runId, 120_000);
    finisher.child.kill('SIGTERM');
    expect(report.run.status, report.run.error ?? '').toBe('succeeded');
    // The last kill still left work to do: the finisher committed more batches after it.
    expect(committedAtLastKill).toBeLessThan(report.steps.reduce((n, s) => n + s.batches, 0));
    expect(await compareWithSimulator(harness)).toEqual([]);
    await expectConsistentWatermarks(harness, run.runId);

    // Identical, column for column, to an uninterrupted sync of the same Odoo into another database.
    const clean = await startHarness({ sim: { version: '17.0', scale: 2, seed: 21 }, settings: { BATCH_SIZE: 25 } });
    try {
      expect((await clean.sync({ full: true })).run.status).toBe('succeeded');
      expect(await tableChecksums(harness)).toEqual(await tableChecksums(clean));
    } finally {
      await clean.close();
    }
  }, 1_200_000);
});

describe('concurrency and faults', () => {
  let harness: SyncHarness | undefined;
  const workers: WorkerHandle[] = [];
  afterEach(async () => {
    for (const worker of workers) await worker.stop();
    workers.length = 0;
    await harness?.close();
    harness = undefined;
  });

  it('two workers give the same result as one, and never run the same reader (entity, source or id range) in both at once', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 2, seed: 13, latencyMs: 1 }, settings: { BATCH_SIZE: 60 } });
    const run = await startRun(harness.db.pool, { full: true });
    const intervals: Array<{ entity: string; worker: number; start: number; end: number }> = [];
    for (const worker of [0, 1]) {
      const handle = await startWorker({ connectionString: harness.db.url, context: harness.ctx, concurrency: 3 });
      const open = new Map<string, { entity: string; start: number }>();
      handle.runner.events.on('job:start', ({ job }) => {
        // Parts of one entity (its sources, the id ranges of a full pass) run in parallel by design; each one alone.
        const { entity = '?', part } = job.payload as { entity?: string; part?: string | null };
        // The entity's first job (no part in its payload) plans and starts the parts; a part's continuation is
        // enqueued by its last commit, so it cannot read alongside it.
        if (!part) return;
        open.set(job.id, { entity: `${entity}:${part}`, start: performance.now() });
      });
      handle.runner.events.on('job:complete', ({ job }) => {
        const started = open.get(job.id);
        if (started) intervals.push({ ...started, worker, end: performance.now() });
      });
      workers.push(handle);
    }
    const report = await waitForRun(harness, run.runId, 120_000);
    expect(report.run.status).toBe('succeeded');
    expect(await compareWithSimulator(harness)).toEqual([]);

    // Both workers took part, and no two jobs of one reader overlapped in time.
    expect(new Set(intervals.map((i) => i.worker)).size).toBe(2);
    const byEntity = new Map<string, typeof intervals>();
    for (const interval of intervals) byEntity.set(interval.entity, [...(byEntity.get(interval.entity) ?? []), interval]);
    for (const [entity, list] of byEntity) {
      const sorted = [...list].sort((a, b) => a.start - b.start);
      for (let i = 1; i < sorted.length; i++) expect(sorted[i]!.start, entity).toBeGreaterThanOrEqual(sorted[i - 1]!.end);
    }
  });

  it('an Odoo that fails transiently still yields a complete, identical sync', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 17 } });
    const { sim } = harness;
    sim.injectFault({ kind: 'http502', rate: 0.08 });
    sim.injectFault({ kind: 'http503', rate: 0.05 });
    sim.injectFault({ kind: 'reset', rate: 0.05 });
    sim.injectFault({ kind: 'serialization', rate: 0.05, method: 'search_read' });
    const report = await harness.sync({ full: true });
    expect(report.run.status).toBe('succeeded');
    sim.clearFaults();
    expect(await compareWithSimulator(harness)).toEqual([]);
    expect(harness.odoo.stats().retries).toBeGreaterThan(5);
  });

  it('a permanent failure fails that entity with the reason, skips what depends on it, and finishes the rest', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 19 } });
    harness.sim.injectFault({ kind: 'accessDenied', model: 'purchase.order' });
    const report = await harness.sync({ full: true });
    const steps = Object.fromEntries(report.steps.map((s) => [s.entity, s]));
    expect(report.run.status).toBe('failed');
    expect(steps.dim_purchases).toMatchObject({ status: 'failed' });
    expect(steps.dim_purchases!.error).toMatch(/purchase\.order/);
    expect(report.run.error).toMatch(/^dim_purchases: /);
    expect(steps.fact_purchases).toMatchObject({ status: 'skipped', error: 'not run: dim_purchases failed' });
    for (const entity of ['dim_products', 'fact_sales_lines', 'all_sales', 'fact_stock', 'heal_missing']) {
      expect(steps[entity]?.status, entity).toBe('succeeded');
    }
  });
});
