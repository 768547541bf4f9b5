/**
 * Live progress: the terminal renderer redraws one line per entity and a total (log-update's control
 * codes), the plain one writes lines without any control code; the `sync` command picks plain lines
 * when stdout is a pipe, nothing but the summary with --quiet, and pure JSON with --json.
 */
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { createProgressRenderer, progressLines, progressMode } from '../../src/ops/progress.ts';
import type { RunReport } from '../../src/sync/run-report.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { ANSI, odooEnv, runCli } from './cli.ts';

const t0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(t0 + s * 1000).toISOString();

function report(status: RunReport['run']['status'], steps: Array<Partial<RunReport['steps'][number]> & { entity: string }>): RunReport {
  return {
    run: { id: 7, trigger: 'cli', full_sync: true, status, error: null, created_at: at(0), finished_at: status === 'running' ? null : at(10) },
    steps: steps.map((s) => ({
      status: 'pending',
      mode: 'full',
      expected: null,
      read: 0,
      inserted: 0,
      updated: 0,
      unchanged: 0,
      deleted: 0,
      batches: 0,
      calls: 0,
      attempts: 0,
      warnings: [],
      error: null,
      started_at: null,
      finished_at: null,
      ...s,
    })),
  };
}

const midRun = report('running', [
  { entity: 'dim_products', status: 'succeeded', expected: 50, read: 50, started_at: at(0), finished_at: at(2) },
  { entity: 'fact_sales_lines', status: 'running', expected: 1000, read: 250, started_at: at(2) },
  { entity: 'fact_purchases', status: 'queued' },
]);
const finished = report('succeeded', [
  { entity: 'dim_products', status: 'succeeded', expected: 50, read: 50, started_at: at(0), finished_at: at(2) },
  { entity: 'fact_sales_lines', status: 'succeeded', expected: 1000, read: 1000, started_at: at(2), finished_at: at(6) },
  { entity: 'fact_purchases', status: 'failed', expected: 30, read: 0, started_at: at(6), finished_at: at(7), error: 'boom' },
]);

function capture(): { stream: PassThrough & { isTTY?: boolean; columns?: number; rows?: number }; text: () => string } {
  const stream = new PassThrough() as PassThrough & { isTTY?: boolean; columns?: number; rows?: number };
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
  return { stream, text: () => text };
}

describe('progress renderers', () => {
  it('a frame has one line per entity with read/expected, rate and ETA, and a total', () => {
    const lines = progressLines(midRun, t0 + 7000);
    expect(lines).toHaveLength(4);
    const sales = lines.find((l) => l.startsWith('fact_sales_lines'))!;
    expect(sales).toContain('running');
    expect(sales).toContain('250/1,000');
    expect(sales).toContain('25%');
    expect(sales).toContain('50/s'); // 250 records in 5 s
    expect(sales).toContain('ETA 15s'); // 750 left at 50/s
    expect(lines[3]).toMatch(/^total\s+run 7 running\s+1\/3 steps done\s+300 records read \(search_count: 1,050\)/);
  });

  it('on a terminal the frame is redrawn in place (control codes) and the last one stays', () => {
    const out = capture();
    out.stream.isTTY = true;
    out.stream.columns = 200;
    out.stream.rows = 50;
    let now = t0 + 3000;
    const renderer = createProgressRenderer({ mode: 'tty', stream: out.stream, now: () => now });
    renderer.update(midRun);
    now += 4000;
    renderer.update(midRun);
    renderer.finish(finished);
    const text = out.text();
    expect(text).toMatch(ANSI);
    expect(text).toContain('\u001b[2K'); // erase line: the previous frame is replaced
    expect(text).toContain('fact_purchases');
    expect(text).toContain('FAILED');
    expect(text).toContain('run 7 succeeded');
  });

  it('elsewhere it writes plain lines when steps start and end, and the running ones periodically, without control codes', () => {
    const out = capture();
    let now = t0 + 3000;
    const renderer = createProgressRenderer({ mode: 'plain', stream: out.stream, intervalMs: 1000, now: () => now });
    renderer.update(midRun);
    now += 2000;
    renderer.update(midRun); // nothing changed, but the interval passed: the running step and the total again
    renderer.finish(finished);
    const text = out.text();
    expect(text).not.toMatch(ANSI);
    const lines = text.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('fact_sales_lines') && l.includes('running'))).toHaveLength(2);
    expect(lines.some((l) => l.startsWith('fact_sales_lines') && l.includes('done') && l.includes('1,000/1,000'))).toBe(true);
    expect(lines.some((l) => l.startsWith('fact_purchases') && l.includes('FAILED') && l.includes('boom'))).toBe(true);
    expect(lines.some((l) => l.startsWith('fact_purchases') && l.includes('queued'))).toBe(false);
    expect(lines.at(-1)).toMatch(/^total\s+run 7 succeeded\s+3\/3 steps done, 1 failed/);
  });

  it('--json and --quiet show no progress; a terminal redraws; a pipe gets plain lines', () => {
    expect(progressMode({ json: true, isTTY: true })).toBe('none');
    expect(progressMode({ quiet: true, isTTY: true })).toBe('none');
    expect(progressMode({ isTTY: true })).toBe('tty');
    expect(progressMode({ isTTY: false })).toBe('plain');
  });
});

describe('odoo-etl sync output', () => {
  let db: TestDatabase;
  let sim: Simulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await freshDatabase();
    sim = await startSimulator({ version: '17.0', scale: 1, seed: 1, withBrand: true });
    env = { DATABASE_URL: db.url, ...odooEnv(sim, 'admin', 'admin') };
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  it('not on a terminal: plain progress lines, no control codes, then the summary', async () => {
    const result = await runCli(['sync', '--batch-size', '200'], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(ANSI);
    expect(result.stdout).toMatch(/^fact_sales_lines\s+done\s+1,000\/1,000\s/m);
    // 34 tables (25 before finance added its 8; the simulator has the account module; fact_stock_moves since
    // issue 23) and heal_missing
    expect(result.stdout).toMatch(/^total\s+run \d+ succeeded\s+35\/35 steps done/m);
    expect(result.stdout).toMatch(/^entity\s+status\s+mode\s+read\s+inserted/m);
  });

  it('--quiet: only the summary; --json: one JSON document with the report', async () => {
    const quiet = await runCli(['sync', '--quiet'], env);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).not.toMatch(/^total\s/m);
    expect(quiet.stdout).not.toMatch(/\s(running|done)\s/);
    expect(quiet.stdout).toMatch(/^fact_sales_lines\s+succeeded\s+incremental/m);

    const json = await runCli(['sync', '--json', '--entity', 'dim_categories'], env);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as { runId: number; report: RunReport };
    expect(parsed.report.run.status).toBe('succeeded');
    expect(parsed.report.steps.map((s) => s.entity).sort()).toEqual(['dim_categories', 'heal_missing']);
  });
});

describe('a frame taller than the terminal', () => {
  it('keeps the running and failed steps and the total, and counts what it left out', async () => {
    const { fitFrame } = await import('../../src/ops/progress.ts');
    const many = report('running', [
      ...Array.from({ length: 20 }, (_, i) => ({ entity: `dim_${String(i).padStart(2, '0')}`, status: 'succeeded' as const, read: 1, started_at: at(0), finished_at: at(1) })),
      { entity: 'fact_purchases', status: 'failed', started_at: at(1), finished_at: at(2), error: 'boom' },
      { entity: 'fact_sales_lines', status: 'running', expected: 10, read: 5, started_at: at(1) },
    ]);
    const frame = fitFrame(progressLines(many, t0 + 3000), 6);
    expect(frame).toHaveLength(4);
    expect(frame[0]).toMatch(/^fact_purchases\s+FAILED/);
    expect(frame[1]).toMatch(/^fact_sales_lines\s+running/);
    expect(frame[2]).toBe('(20 more: 20 done)');
    expect(frame[3]).toMatch(/^total/);
    expect(fitFrame(progressLines(many, t0), undefined)).toHaveLength(23);
  });
});
