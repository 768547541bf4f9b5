import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { syncOdoo } from '../../src/index.ts';
import { compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

describe('the programmatic API', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('syncs one entity from code, as the CLI would', async () => {
    harness = await startHarness({ sim: { version: '18.0', scale: 1, seed: 41 } });
    const { sim, db } = harness;
    const progress: number[] = [];
    const report = await syncOdoo({
      databaseUrl: db.url,
      odoo: { url: sim.url, db: sim.db, username: sim.admin.login, password: sim.admin.password },
      entities: ['dim_categories'],
      onProgress: (r) => progress.push(r.steps.length),
    });
    expect(report.run.status).toBe('succeeded');
    expect(report.steps.map((s) => s.entity).sort()).toEqual(['dim_categories', 'heal_missing']);
    expect(progress.length).toBeGreaterThan(0);
    expect(await compareWithSimulator(harness, ['dim_categories'])).toEqual([]);
    const others = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from dim_products`);
    expect(others).toBe(0);
  });

  it('puts the extra Odoo fields a user names per table into its extra column, and warns once about absent ones', async () => {
    harness = await startHarness({
      sim: { version: '17.0', scale: 1, seed: 42 },
      settings: { EXTRA_FIELDS: { dim_customers: ['function', 'color', 'x_studio_loyalty_tier'] } },
    });
    const report = await harness.sync({ entities: ['dim_customers'], full: true });
    const step = report.steps.find((s) => s.entity === 'dim_customers')!;
    expect(step.status).toBe('succeeded');
    expect(step.warnings).toEqual([expect.stringMatching(/extra field x_studio_loyalty_tier is not on Odoo 17.0 model res.partner/)]);
    const partner = harness.sim.read('res.partner', undefined, ['function', 'color'])[0]!;
    const extra = await harness.db.pool.oneFirst(sql.type(z.object({ extra: z.record(z.unknown()) }))`
      select extra from dim_customers where odoo_id = ${partner.id as number}`);
    expect(Object.keys(extra).sort()).toEqual(['color', 'function']);
    expect(extra.function).toBe(partner.function === false ? null : partner.function);
  });
});
