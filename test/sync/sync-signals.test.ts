/**
 * `sync` stopped by SIGINT (Ctrl+C) or SIGTERM (issue 18 §2) stops the way `worker` does: the batch in hand
 * is committed and handed over, its jobs, queues and heartbeat are released, it says so and exits 130/143;
 * the next `sync` attaches to the run and resumes it at once, with nothing held by a dead process to wait
 * out. Real processes and signals; every wait is on state in the database or the process's exit, with a deadline.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { stepJobs } from '../../src/db/graphile-worker-internals.ts';
import { getRunReport } from '../../src/sync/run-report.ts';
import { runCli } from '../ops/cli.ts';
import { cliEnv, compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function exited(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the process did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

describe('sync and signals', () => {
  let harness: SyncHarness | undefined;
  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    children.length = 0;
    await harness?.close();
    harness = undefined;
  });

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal} mid-run: sync releases its jobs and heartbeat, says so, exits ${code}; the next sync resumes the run at once`, { timeout: 300_000 }, async () => {
      harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 45, latencyMs: 40 } });
      const h = harness;
      const { pool } = h.db;
      const entities = ['--entity', 'dim_customers', '--entity', 'dim_categories', '--entity', 'dim_products'];
      const env = cliEnv(h, { BATCH_SIZE: '5' });
      const first = spawn(process.execPath, [bin, 'sync', '--full', '--quiet', ...entities], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(first);
      let stderr = '';
      first.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const runId = await waitFor('the sync to commit batches while holding jobs', async () => {
        const row = await pool.maybeOne(sql.type(z.object({ run_id: z.number(), batches: z.number() }))`
          select run_id, sum(batches)::int as batches from etl.run_entity group by run_id order by run_id limit 1`);
        if (!row || row.batches < 2) return undefined;
        const held = (await stepJobs(pool, { runIds: [row.run_id] })).filter((j) => j.locked_by !== null);
        return held.length > 0 ? row.run_id : undefined;
      }, 120_000);
      first.kill(signal);
      expect(await exited(first, 90_000)).toEqual({ code, signal: null });
      expect(stderr).toMatch(new RegExp(`${signal}: stopping: the jobs in progress commit the batch in hand and hand over`));
      expect(stderr).toMatch(new RegExp(`run ${runId} stopped here on ${signal}: its jobs and this process's heartbeat are released`));

      // Nothing is left held: no job or queue locked, no heartbeat; the run is still open for the next sync.
      expect((await getRunReport(pool, runId)).run.status).toBe('running');
      expect((await stepJobs(pool, { runIds: [runId] })).filter((j) => j.locked_by !== null)).toEqual([]);
      expect(await pool.anyFirst(sql.type(z.object({ locked_by: z.string() }))`
        select locked_by from graphile_worker._private_job_queues where locked_by is not null`)).toEqual([]);
      expect(await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.worker_heartbeat`)).toBe(0);

      // The next sync (default WORKER_STALE_AFTER: 60 s) has no dead process's jobs to wait for.
      const second = await runCli(['sync', '--full', ...entities], env, { timeoutMs: 180_000 });
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(new RegExp(`^attached to run ${runId}, .* by cli, interrupted \\(no process is working on it, last progress .+ ago\\): processing it here$`, 'm'));
      expect(second.stdout).toMatch(new RegExp(`run ${runId} succeeded`));
      // Every job of the run was completed (none left failed or locked), however many hand-overs it took.
      expect(await stepJobs(pool, { runIds: [runId] })).toEqual([]);
      expect(second.stderr).not.toMatch(/no longer held/);
      expect(await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.run`)).toBe(1);
      expect(await compareWithSimulator(h, ['dim_customers', 'dim_categories', 'dim_products'])).toEqual([]);
    });
  }
});
