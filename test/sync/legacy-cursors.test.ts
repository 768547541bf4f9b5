/**
 * Part cursors stored by older versions (a bare position) are rewritten once by a migration to their mode's
 * shape (src/sync/step/part-reader.ts: each mode reads only its own), and a run interrupted by the upgrade
 * goes on from them as it did before.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.ts';
import { startRun } from '../../src/sync/run.ts';
import { followRun } from '../../src/worker/follow.ts';
import { compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const LOOKBACK_MS = 60_000;

/** Runs the committed migration that rewrites legacy cursors again (it is idempotent), as an upgrade would. */
async function rewriteLegacyCursors(url: string): Promise<void> {
  const dir = path.join(MIGRATIONS_FOLDER, 'committed');
  const file = readdirSync(dir).find((f) => f.endsWith('-legacy-part-cursors.sql'))!;
  const body = readFileSync(path.join(dir, file), 'utf8').split('\n').filter((line) => !line.startsWith('--!')).join('\n');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(body);
  } finally {
    await client.end();
  }
}

async function storedCursor(harness: SyncHarness, entity: string): Promise<unknown> {
  return harness.db.pool.oneFirst(sql.type(z.object({ cursor: z.unknown() }))`
    select cursor from etl.watermark where entity = ${entity} and source = ''`);
}

describe('legacy part cursors', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('an incremental part whose cursor is a bare (write_date, id) position goes on from it', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 5 }, settings: { LOOKBACK: LOOKBACK_MS } });
    const { sim, db } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');
    sim.advanceClock(3_600_000);
    const jobs = sim.records('hr.job');
    sim.write('hr.job', [jobs[0]!.id, jobs[1]!.id], { name: 'Renamed Job' });
    const written = sim.records('hr.job').find((j) => j.id === jobs[0]!.id)!.write_date as string;

    // A run interrupted by the upgrade: its part's cursor is the old shape, the bare position a second before the writes.
    const run = await startRun(db.pool, { entities: ['dim_jobs'], trigger: 'api' });
    const second = new Date(Date.parse(`${written.replace(' ', 'T')}Z`) - 1000).toISOString().slice(0, 19).replace('T', ' ');
    const bare = { writeDate: second, id: 2 ** 31 - 1, inSecond: false };
    await db.pool.query(sql.unsafe`
      update etl.watermark set cursor = ${sql.jsonb(bare)}, cursor_run_id = ${run.runId} where entity = 'dim_jobs' and source = ''`);
    await rewriteLegacyCursors(db.url);
    expect(await storedCursor(harness, 'dim_jobs')).toEqual({ walk: bare, nextWatermark: null });

    const report = await followRun({ connectionString: db.url, context: harness.ctx, runId: run.runId, concurrency: 2, pollMs: 50 });
    expect(report.run.status).toBe('succeeded');
    expect(report.steps.find((s) => s.entity === 'dim_jobs')!.read).toBe(2); // the two written after the stored position
    expect(await compareWithSimulator(harness, ['dim_jobs'])).toEqual([]);
  });

  it('a fact_stock part whose cursor is a bare id position (stored before the stock check) resumes as a plain snapshot', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 5 }, settings: { LOOKBACK: LOOKBACK_MS } });
    const { sim, db } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');
    sim.advanceClock(LOOKBACK_MS + 5_000);
    const ids = sim.records('stock.quant').map((q) => q.id).sort((x, y) => x - y);
    const cut = ids[Math.floor(ids.length / 2)]!;
    sim.setQuantQuantity(ids[ids.length - 1]!, 999);

    const run = await startRun(db.pool, { entities: ['fact_stock'], trigger: 'api' });
    await db.pool.query(sql.unsafe`
      update etl.watermark set cursor = ${sql.jsonb(cut)}, cursor_run_id = ${run.runId} where entity = 'fact_stock' and source = ''`);
    await rewriteLegacyCursors(db.url);
    expect(await storedCursor(harness, 'fact_stock')).toEqual({ at: cut, stock: { kind: 'full', nextWatermark: null, calls: 0 } });

    const report = await followRun({ connectionString: db.url, context: harness.ctx, runId: run.runId, concurrency: 2, pollMs: 50 });
    expect(report.run.status).toBe('succeeded');
    const step = report.steps.find((s) => s.entity === 'fact_stock')!;
    expect(step.read).toBe(ids.filter((id) => id > cut).length); // on from the stored id, no stock check
    expect(await compareWithSimulator(harness, ['fact_stock'])).toEqual([]);
  });
});
