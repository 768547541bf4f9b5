import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { getRunReport, type RunReport } from '../../src/sync/run-report.ts';
import { startRun } from '../../src/sync/run.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { cliEnv, compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');

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
    select entity, cursor_run_id, full_done_at from etl.watermark where entity not in ('fact_stock', 'dim_promotion_types')`);
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

  it('a worker killed with SIGKILL at random moments of a full sync, then restarted, ends with the same tables as a clean sync', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 2, seed: 21, latencyMs: 3 } });
    const { db } = harness;
    const env = cliEnv(harness, { BATCH_SIZE: '40', WORKER_CONCURRENCY: '4', WORKER_STALE_AFTER: '2s' });
    const worker = () => {
      const child = spawn(process.execPath, [bin, 'worker', '--no-schedule'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      children.push(child);
      return child;
    };
    const run = await startRun(db.pool, { full: true });

    // Kill points spread over the run (deterministic per test run, so a failure can be replayed).
    const killAfterMs = [1500, 900, 2200, 1300];
    let killedMidRun = 0;
    for (const delay of killAfterMs) {
      const child = worker();
      await new Promise((resolve) => setTimeout(resolve, delay));
      const before = await getRunReport(db.pool, run.runId);
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      if (before.run.status === 'running') killedMidRun++;
    }
    expect(killedMidRun, 'the kills must land while the run is in progress').toBeGreaterThanOrEqual(3);

    const finisher = worker();
    const report = await waitForRun(harness, run.runId, 120_000);
    finisher.kill('SIGTERM');
    expect(report.run.status, report.run.error ?? '').toBe('succeeded');
    expect(await compareWithSimulator(harness)).toEqual([]);
    await expectConsistentWatermarks(harness, run.runId);
  });
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
