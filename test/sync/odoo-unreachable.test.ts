/**
 * Odoo unreachable for longer than every retry: the step fails with the reason, the worker stays up, and
 * the next run, once Odoo is back, catches up incrementally (from the watermark, not a full re-read).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { getRunReport, type RunReport } from '../../src/sync/run-report.ts';
import { startRun } from '../../src/sync/run.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const ENTITY = 'dim_customers';

describe('Odoo unreachable', () => {
  let harness: SyncHarness | undefined;
  let worker: WorkerHandle | undefined;
  afterEach(async () => {
    await worker?.stop();
    await harness?.close();
    worker = harness = undefined;
  });

  /**
   * Waits for the run to end. Retries of a failed attempt wait graphile-worker's backoff (seconds to
   * minutes): each waiting job is moved to now, so the attempts run one after the other.
   */
  async function finish(runId: number): Promise<RunReport> {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const report = await getRunReport(harness!.db.pool, runId);
      if (report.run.status !== 'running') return report;
      if (Date.now() > deadline) throw new Error(`run ${runId} still running: ${JSON.stringify(report.steps)}`);
      const waiting = await harness!.db.pool.anyFirst(sql.type(z.object({ id: z.string() }))`
        select id::text as id from graphile_worker.jobs where locked_at is null and run_at > now()`);
      if (waiting.length > 0) await worker!.utils.rescheduleJobs([...waiting], { runAt: new Date() });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('fails the step clearly after the retries, keeps the worker up, and the next run catches up without a full re-read', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 29 } });
    const { sim } = harness;
    expect((await harness.sync({ full: true, entities: [ENTITY] })).run.status).toBe('succeeded');

    worker = await startWorker({ connectionString: harness.db.url, context: harness.ctx, concurrency: 2, pollIntervalMs: 100 });
    let crashed: unknown;
    worker.promise.catch((error: unknown) => {
      crashed = error;
    });

    // Changes to catch up later, then Odoo goes away: every call has its connection reset.
    sim.advanceClock(3_600_000);
    const partner = sim.records('res.partner').find((p) => p.active)!;
    sim.write('res.partner', [partner.id], { name: 'Renamed While Odoo Was Down' });
    const newcomer = sim.create('res.partner', { name: 'Created While Odoo Was Down', customer_rank: 1 });
    sim.injectFault({ kind: 'reset' });

    const failedRun = await startRun(harness.db.pool, { entities: [ENTITY], trigger: 'cron' });
    const failed = await finish(failedRun.runId);
    const step = failed.steps.find((s) => s.entity === ENTITY)!;
    expect(failed.run.status).toBe('failed');
    expect(step.status).toBe('failed');
    expect(step.attempts, 'a transient failure is retried to the last attempt').toBe(6);
    expect(step.error).toMatch(/ECONNRESET|socket hang up|connection/i);
    expect(failed.run.error).toMatch(new RegExp(`^${ENTITY}: `));

    // Odoo is back: the next scheduled run is taken by the same worker and reads only what changed.
    sim.clearFaults();
    const total = sim.records('res.partner').length;
    const nextRun = await startRun(harness.db.pool, { entities: [ENTITY], trigger: 'cron' });
    expect(nextRun.started).toBe(true);
    const caughtUp = await finish(nextRun.runId);
    expect(caughtUp.run.status, caughtUp.run.error ?? '').toBe('succeeded');
    const next = caughtUp.steps.find((s) => s.entity === ENTITY)!;
    expect(next.mode).toBe('incremental');
    expect(next.read).toBeGreaterThanOrEqual(2);
    expect(next.read).toBeLessThan(total / 4);
    expect(crashed).toBeUndefined();

    expect(await compareWithSimulator(harness, [ENTITY])).toEqual([]);
    const names = await harness.db.pool.anyFirst(sql.type(z.object({ name: z.string().nullable() }))`
      select name from dim_customers where odoo_id = any(${sql.array([partner.id, newcomer], 'int4')}) order by odoo_id`);
    expect(names).toEqual(expect.arrayContaining(['Renamed While Odoo Was Down', 'Created While Odoo Was Down']));
  }, 180_000);
});
