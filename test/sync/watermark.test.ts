/**
 * The watermark on Odoo's clock (src/sync/step/watermark.ts): an incremental read costs what changed, even
 * right after a bulk import, and never trusts this host's clock.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { entities, getEntity } from '../../src/entities/index.ts';
import type { RunReport } from '../../src/sync/run-report.ts';
import { compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const LOOKBACK_MS = 5 * 60_000;

/** Records read by the run's incremental steps. */
function incrementalRead(report: RunReport): number {
  return report.steps.filter((s) => s.mode === 'incremental').reduce((n, s) => n + s.read, 0);
}

/** Every record of the models the incremental entities read (each model once per entity reading it). */
function incrementalRecords(harness: SyncHarness): number {
  let n = 0;
  for (const entity of entities.filter((e) => e.sync === 'incremental')) {
    for (const source of entity.sources) if (harness.sim.models().includes(source.model)) n += harness.sim.records(source.model).length;
  }
  return n;
}

async function resumeAt(harness: SyncHarness, entity: string, source = ''): Promise<string | null> {
  return harness.db.pool.oneFirst(sql.type(z.object({ resume_at: z.string().nullable() }))`
    select resume_at from etl.watermark where entity = ${entity} and source = ${source}`);
}

describe('incremental watermark', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('after a bulk import stamped now, re-reads it until LOOKBACK has passed on Odoo\'s clock, then reads nothing', async () => {
    // Odoo's clock three hours ahead of this host's: the watermark must follow Odoo's.
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 21 }, settings: { LOOKBACK: LOOKBACK_MS } });
    const { sim } = harness;
    sim.setClock(Date.now() + 3 * 3_600_000);
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');

    sim.advanceClock(3_600_000);
    sim.stampAll(); // a bulk import (or a module upgrade): every record written just now
    const all = incrementalRecords(harness);

    // Inside the LOOKBACK window, transactions that began before the import may still commit older stamps.
    const first = await harness.sync();
    expect(incrementalRead(first)).toBe(all);
    sim.advanceClock(LOOKBACK_MS + 2_000);
    const second = await harness.sync(); // the watermark of the first run was still before the import
    expect(incrementalRead(second)).toBe(all);

    sim.resetCounts();
    const third = await harness.sync();
    expect(third.run.status).toBe('succeeded');
    expect(incrementalRead(third)).toBe(0);
    // One call per incremental entity and source: nothing but the empty read.
    for (const step of third.steps.filter((s) => s.mode === 'incremental' && s.status === 'succeeded')) {
      expect(step.calls, step.entity).toBe(getEntity(step.entity).sources.length);
    }
    expect(await compareWithSimulator(harness)).toEqual([]);
  });

  it('sets the watermark on Odoo\'s clock even when it is hours behind this host\'s, so no later write is skipped', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 22 }, settings: { LOOKBACK: LOOKBACK_MS } });
    const { sim, db } = harness;
    sim.setClock(Date.now() - 2 * 3_600_000);
    await harness.sync({ full: true });
    const odooNow = sim.now().getTime();
    const resume = Date.parse((await resumeAt(harness, 'dim_customers'))!);
    // LOOKBACK before Odoo's clock at planning (to the second), not before this host's.
    expect(resume).toBeLessThanOrEqual(odooNow - LOOKBACK_MS);
    expect(resume).toBeGreaterThan(odooNow - LOOKBACK_MS - 60_000);

    sim.advanceClock(60_000);
    const partner = sim.records('res.partner').find((p) => !p.is_company)!;
    sim.write('res.partner', [partner.id], { name: 'Written On Odoo Time' });
    await harness.sync({ entities: ['dim_customers'] });
    const name = await db.pool.oneFirst(sql.type(z.object({ name: z.string() }))`select name from dim_customers where odoo_id = ${partner.id}`);
    expect(name).toBe('Written On Odoo Time');
  });

  it('without a Date header, takes the newest write_date seen as Odoo\'s clock, at no extra call', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 23, dateHeader: false }, settings: { LOOKBACK: LOOKBACK_MS } });
    const { sim, db } = harness;
    await harness.sync({ full: true });
    // The full pass's watermark: LOOKBACK before the newest write_date Odoo showed when it was planned.
    const newest = sim.records('res.partner').map((p) => String(p.write_date)).sort().at(-1)!;
    const start = (await resumeAt(harness, 'dim_customers'))!;
    expect(Date.parse(start)).toBe(Date.parse(`${newest.replace(' ', 'T')}Z`) - LOOKBACK_MS);

    sim.advanceClock(3_600_000);
    const partner = sim.records('res.partner').find((p) => !p.is_company)!;
    sim.write('res.partner', [partner.id], { name: 'Seen Without A Clock' });
    const inWindow = sim.records('res.partner').filter((p) => Date.parse(`${String(p.write_date).replace(' ', 'T')}Z`) >= Date.parse(start)).length;
    const report = await harness.sync({ entities: ['dim_customers'] });
    const step = report.steps.find((s) => s.entity === 'dim_customers')!;
    expect(step).toMatchObject({ status: 'succeeded', mode: 'incremental', read: inWindow, calls: 1 });
    const resume = (await resumeAt(harness, 'dim_customers'))!;
    const written = String(sim.records('res.partner').find((p) => p.id === partner.id)!.write_date);
    expect(Date.parse(resume)).toBe(Date.parse(`${written.replace(' ', 'T')}Z`) - LOOKBACK_MS);
    const name = await db.pool.oneFirst(sql.type(z.object({ name: z.string() }))`select name from dim_customers where odoo_id = ${partner.id}`);
    expect(name).toBe('Seen Without A Clock');
  });
});
