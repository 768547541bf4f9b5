import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { entityNames } from '../../src/entities/index.ts';
import { compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

describe.each([
  ['16.0', 'xmlrpc'],
  ['17.0', 'xmlrpc'],
  ['18.0', 'xmlrpc'],
  ['19.0', 'json2'],
] as const)('the engine, on a full sync from Odoo %s over %s', (version, transport) => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  // What this proves is the engine's: nothing lost or left over. The expected rows go through the specs' own
  // mapping (test/support/sync-harness.ts); the mapping itself is checked in mapping-real-odoo.test.ts.
  it('loses nothing: every simulator record is in its table as the specs map it, every reference is healed, the watermarks are consistent', async () => {
    harness = await startHarness({ sim: { version, scale: 1, seed: 7 } });
    expect(await harness.odoo.transportKind()).toBe(transport);
    const report = await harness.sync({ full: true });

    expect(report.run.status, JSON.stringify(report.steps.filter((s) => s.status === 'failed'))).toBe('succeeded');
    const byEntity = Object.fromEntries(report.steps.map((s) => [s.entity, s]));
    // product.brand is OCA, not core: skipped, not failed.
    expect(byEntity.dim_brands?.status).toBe('skipped');
    for (const name of entityNames().filter((n) => n !== 'dim_brands')) expect(byEntity[name]?.status, name).toBe('succeeded');

    expect(await compareWithSimulator(harness)).toEqual([]);

    // Every reference the facts made before their dimension arrived was healed.
    const { pool } = harness.db;
    const open = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from missing_data where resolved_at is null`);
    expect(open).toBe(0);

    // Every incremental entity's watermark ends where its newest record is, with the full pass marked done.
    const marks = await pool.any(sql.type(z.object({ entity: z.string(), full_done_at: z.string().nullable(), high_write_date: z.string().nullable() }))`
      select entity, full_done_at, high_write_date from etl.watermark order by entity`);
    const incremental = marks.filter((m) => !['fact_stock', 'dim_promotion_types'].includes(m.entity));
    expect(incremental.length).toBeGreaterThan(15);
    for (const mark of incremental) expect(mark.full_done_at, mark.entity).not.toBeNull();
  });
});

describe('sync bookkeeping', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('runs a second full sync without writing anything: every row unchanged', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 3 } });
    await harness.sync({ full: true });
    const again = await harness.sync({ full: true });
    expect(again.run.status).toBe('succeeded');
    const entitySteps = again.steps.filter((s) => s.entity !== 'heal_missing' && s.status === 'succeeded');
    expect(entitySteps.reduce((n, s) => n + s.inserted + s.updated, 0)).toBe(0);
    expect(entitySteps.reduce((n, s) => n + s.unchanged, 0)).toBeGreaterThan(1000);
  });

  it('orders a run as a DAG: no fact starts before the dimensions it references have finished', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 3 } });
    const report = await harness.sync({ full: true });
    const steps = Object.fromEntries(report.steps.map((s) => [s.entity, s]));
    const { entities } = await import('../../src/entities/index.ts');
    for (const entity of entities) {
      for (const dependency of entity.dependsOn) {
        const dep = steps[dependency]!;
        const own = steps[entity.table]!;
        if (dep.status !== 'succeeded' || !own.started_at || !dep.finished_at) continue;
        expect(Date.parse(own.started_at), `${entity.table} after ${dependency}`).toBeGreaterThanOrEqual(Date.parse(dep.finished_at));
      }
    }
  });

  it('splits a large full pass into id ranges read in parallel, and ends with the same table and one watermark per source', async () => {
    // A range must be worth 10 batches (RANGE_MIN_BATCHES): at BATCH_SIZE 25, 3 ranges from 750 records on
    // (scale 2, seed 8: 1200 POS lines, 800 sales order lines).
    harness = await startHarness({ sim: { version: '17.0', scale: 2, seed: 8 }, settings: { BATCH_SIZE: 25, FULL_SYNC_CONCURRENCY: 3 } });
    const report = await harness.sync({ entities: ['fact_sales_lines'], full: true });
    expect(report.run.status).toBe('succeeded');
    const plan = await harness.db.pool.oneFirst(sql.type(z.object({ plan: z.object({ parts: z.array(z.object({ key: z.string() })) }) }))`
      select plan from etl.run_entity where run_id = ${report.run.id} and entity = 'fact_sales_lines'`);
    expect(plan.parts.map((p) => p.key)).toEqual(['pos#1', 'pos#2', 'pos#3', 'sale#1', 'sale#2', 'sale#3']);
    expect(await compareWithSimulator(harness, ['fact_sales_lines'])).toEqual([]);
    const marks = await harness.db.pool.anyFirst(sql.type(z.object({ source: z.string() }))`
      select source from etl.watermark where entity = 'fact_sales_lines' and full_done_at is not null order by source`);
    expect(marks).toEqual(['pos', 'sale']);
    const leftovers = await harness.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from etl.watermark where source like '%#%'`);
    expect(leftovers).toBe(0);
  });
});
