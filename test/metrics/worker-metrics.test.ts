import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { makeWorkerUtils } from 'graphile-worker';
import { sql } from 'slonik';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { getRunReport, type RunReport } from '../../src/sync/run-report.ts';
import { startRun } from '../../src/sync/run.ts';
import { parsePrometheusText, sampleOf, sumOf, type Sample } from '../support/prometheus.ts';
import { cliEnv, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');
const COUNTERS = ['read', 'inserted', 'updated', 'unchanged', 'deleted'] as const;

/** Polls `probe` until it returns a value (not undefined), or fails after `timeoutMs`. */
async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 150_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The port the worker says it serves metrics on (its JSON log line). */
function metricsPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (const line of buffer.split('\n')) {
        const port = /"port":(\d+)/.exec(line)?.[1];
        if (port && line.includes('/metrics')) {
          child.stderr!.off('data', onData);
          resolve(Number(port));
          return;
        }
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before serving metrics:\n${buffer}`)));
  });
}

async function scrape(port: number): Promise<Sample[]> {
  const response = await fetch(`http://127.0.0.1:${port}/metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

function counted(samples: Sample[], counter: (typeof COUNTERS)[number], entity: string): number {
  return sumOf(samples, `odoo_etl_records_${counter}_total`, { entity });
}

describe('odoo-etl worker --metrics-port', () => {
  let harness: SyncHarness | undefined;
  let worker: ChildProcess | undefined;
  afterEach(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker!.once('exit', resolve));
      worker.kill('SIGKILL');
      await exited;
    }
    worker = undefined;
    await harness?.close();
    harness = undefined;
  });

  it('serves metrics that agree with the run report during and after a run, and answers the probes', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 35 } });
    const { pool } = harness.db;
    // Odoo answers 503 to every read of POS order lines until the fault is cleared: fact_sales_lines keeps
    // retrying while the rest of the run is done, so the run is certainly in progress when it is scraped.
    harness.sim.injectFault({ kind: 'http503', model: 'pos.order.line', method: 'search_read' });

    const env = cliEnv(harness, { LOG_LEVEL: 'info', ODOO_RETRIES: '1', BATCH_SIZE: '500' });
    worker = spawn(process.execPath, [bin, 'worker', '--no-schedule', '--metrics-port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const port = await metricsPort(worker);

    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: [{ check: 'database', ok: true }, { check: 'migrations', ok: true }] });

    const run = await startRun(pool, { full: true, trigger: 'cli' });
    const attemptsOf = (entity: string) =>
      pool.oneFirst(sql.type(z.object({ attempts: z.number() }))`
        select attempts from etl.run_entity where run_id = ${run.runId} and entity = ${entity}`);
    await eventually('fact_sales_lines to fail once', async () => ((await attemptsOf('fact_sales_lines')) >= 1 ? true : undefined));

    // During the run: no counter is ahead of what the database has committed (the report is read after the scrape).
    const during = await scrape(port);
    const midway = await getRunReport(pool, run.runId);
    expect(midway.run.status).toBe('running');
    for (const step of midway.steps) {
      for (const counter of COUNTERS) expect(counted(during, counter, step.entity), `${step.entity} ${counter}`).toBeLessThanOrEqual(step[counter]);
    }
    expect(sumOf(during, 'odoo_etl_records_read_total', { entity: 'all_sales' })).toBeGreaterThan(0);
    expect(sumOf(during, 'odoo_etl_odoo_retries_total', { method: 'search_read' })).toBeGreaterThanOrEqual(1);
    expect(sumOf(during, 'odoo_etl_odoo_call_duration_seconds_count', { method: 'search_read', outcome: 'error' })).toBeGreaterThanOrEqual(2);
    expect(sampleOf(during, 'odoo_etl_runs_running')).toBe(1);
    expect(sumOf(during, 'odoo_etl_jobs', { entity: 'fact_sales_lines' })).toBeGreaterThanOrEqual(1);
    // fact_sales_lines never succeeded in this database; all_sales (which it waits for) just did.
    expect(sampleOf(during, 'odoo_etl_sync_lag_seconds', { entity: 'fact_sales_lines' })).toBe(Infinity);
    expect(sampleOf(during, 'odoo_etl_sync_lag_seconds', { entity: 'all_sales' })).toBeLessThan(600);
    expect(sampleOf(during, 'odoo_etl_database_up')).toBe(1);
    expect(sampleOf(during, 'odoo_etl_worker_heartbeat_age_seconds')).toBeGreaterThanOrEqual(0);
    expect(sampleOf(during, 'odoo_etl_workers', { state: 'alive' })).toBe(1);

    // Odoo is back: the waiting retry is run at once instead of after graphile-worker's backoff.
    harness.sim.clearFaults();
    const utils = await makeWorkerUtils({ connectionString: harness.db.url });
    try {
      const waiting = await pool.anyFirst(sql.type(z.object({ id: z.string() }))`
        select id::text as id from graphile_worker.jobs where key like 'odoo-etl:fact_sales_lines%' and locked_at is null`);
      await utils.rescheduleJobs([...waiting], { runAt: new Date() });
    } finally {
      await utils.release();
    }
    const finished = await eventually('the run to end', async () => {
      const report = await getRunReport(pool, run.runId);
      return report.run.status === 'running' ? undefined : report;
    });
    expect(finished.run.status).toBe('succeeded');

    // Every call the simulator answered, by method (faulted attempts included).
    const byMethod = () => {
      const calls = new Map<string, number>();
      for (const [key, count] of Object.entries(harness!.sim.callCounts())) {
        const method = key.split(':')[1]!;
        calls.set(method, (calls.get(method) ?? 0) + count);
      }
      return calls;
    };
    // Answers the client took as ok all reached the simulator, and all it received were attempts the client timed
    // (an attempt lost on the way, e.g. a reset keep-alive socket under load, is timed but never received).
    const timedWithin = (samples: Sample[], method: string, received: number) =>
      sumOf(samples, 'odoo_etl_odoo_call_duration_seconds_count', { method, outcome: 'ok' }) <= received &&
      received <= sumOf(samples, 'odoo_etl_odoo_call_duration_seconds_count', { method });
    // After the run: every table's counters equal the run report's, and every call was timed (an increment
    // may trail its commit, and a prefetched read its answer, by a tick).
    const matches = (samples: Sample[], report: RunReport) =>
      report.steps.every((step) => COUNTERS.every((counter) => counted(samples, counter, step.entity) === step[counter])) &&
      [...byMethod()].every(([method, calls]) => timedWithin(samples, method, calls));
    let after = await scrape(port);
    for (const deadline = Date.now() + 10_000; !matches(after, finished) && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrape(port);
    }
    for (const step of finished.steps) {
      for (const counter of COUNTERS) expect(counted(after, counter, step.entity), `${step.entity} ${counter}`).toBe(step[counter]);
    }
    expect(sumOf(after, 'odoo_etl_records_read_total')).toBe(finished.steps.reduce((sum, s) => sum + s.read, 0));
    // all_sales reads two Odoo sources, counted apart.
    expect(sumOf(after, 'odoo_etl_records_read_total', { entity: 'all_sales', source: 'pos' })).toBeGreaterThan(0);
    expect(sumOf(after, 'odoo_etl_records_read_total', { entity: 'all_sales', source: 'sale' })).toBeGreaterThan(0);

    // One duration per step and one for the run, observed by the worker that settled them.
    expect(sumOf(after, 'odoo_etl_step_duration_seconds_count')).toBe(finished.steps.length);
    expect(sumOf(after, 'odoo_etl_step_duration_seconds_count', { entity: 'fact_sales_lines', status: 'succeeded' })).toBe(1);
    expect(sampleOf(after, 'odoo_etl_run_duration_seconds_count', { trigger: 'cli', status: 'succeeded' })).toBe(1);
    expect(sampleOf(after, 'odoo_etl_runs_running')).toBe(0);
    expect(sampleOf(after, 'odoo_etl_sync_lag_seconds', { entity: 'fact_sales_lines' })).toBeLessThan(600);

    const calls = byMethod();
    expect(calls.get('search_read')).toBeGreaterThan(0);
    for (const [method, count] of calls) expect(timedWithin(after, method, count), `${method}: ${count} calls received`).toBe(true);

    const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));
    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 400_000);
});
