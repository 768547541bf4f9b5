// When the columns a table is made of change (EXTRA_FIELDS here; a spec column or a field appearing on the
// server alike), the rows written before are backfilled: that table's next run is a full pass, said in the
// run's warnings and in `status`; the other tables stay incremental, and an unchanged setup never reads in full.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { getStatus, renderStatus } from '../../src/ops/status.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

const STATUS_SETTINGS = {
  FRESHNESS: 3_600_000, SYNC_SCHEDULE: '*/15 * * * *', RECONCILE_SCHEDULE: '0 * * * *',
  ODOO_URL: undefined, ODOO_DB: undefined, ODOO_USERNAME: undefined, ODOO_TRANSPORT: 'auto' as const,
};

describe('a changed field set backfills the table', () => {
  let harness: SyncHarness;
  const refs = new Map<number, string>();
  beforeAll(async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 3 } });
    // Partners written long before any sync carry the value (like x_tier on a real Odoo).
    for (const p of harness.sim.records('res.partner').slice(0, 2)) {
      harness.sim.write('res.partner', [p.id], { ref: `gold-${p.id}` }, { writeDate: '2025-01-01 00:00:00' });
      refs.set(p.id, `gold-${p.id}`);
    }
    expect((await harness.sync()).run.status).toBe('succeeded');
  });
  afterAll(async () => {
    await harness?.close();
  });

  const extras = () =>
    harness.db.pool.any(sql.type(z.object({ odoo_id: z.number(), extra: z.record(z.unknown()).nullable() }))`
      select odoo_id, extra from dim_customers order by odoo_id`);

  it('an unchanged configuration never triggers a full pass', async () => {
    for (let i = 0; i < 2; i++) {
      const report = await harness.sync();
      expect(report.run.status).toBe('succeeded');
      const full = report.steps.filter((s) => s.mode === 'full').map((s) => s.entity);
      expect(full).toEqual([]);
    }
  });

  it('an added extra field reaches every row at the next run, through a full pass of that table only', async () => {
    harness.settings.EXTRA_FIELDS = { dim_customers: ['ref'] };
    const report = await harness.sync();
    expect(report.run.status).toBe('succeeded');
    const customers = report.steps.find((s) => s.entity === 'dim_customers')!;
    expect(customers.mode).toBe('full');
    expect(customers.warnings.join('\n')).toContain('dim_customers: full pass: the columns read changed since the last full pass (+extra<-ref)');
    expect(report.steps.filter((s) => s.mode === 'full').map((s) => s.entity)).toEqual(['dim_customers']);

    const rows = await extras();
    const partners = new Map(harness.sim.read('res.partner', undefined, ['ref']).map((p) => [p.id as number, p]));
    expect(rows.length).toBe(partners.size);
    for (const row of rows) {
      const ref = partners.get(row.odoo_id)!.ref;
      expect(row.extra, `partner ${row.odoo_id}`).toEqual({ ref: typeof ref === 'string' ? ref : null });
    }
    for (const [id, ref] of refs) expect(rows.find((r) => r.odoo_id === id)?.extra).toEqual({ ref });

    const status = await getStatus(harness.db.pool, { settings: STATUS_SETTINGS, database: 'test' });
    const entity = status.entities.find((e) => e.entity === 'dim_customers')!;
    expect(entity.lastRun?.fullPassReason).toContain('+extra<-ref');
    expect(renderStatus(status).join('\n')).toContain('full passes in the last run:\n  - dim_customers: full pass: the columns read changed');

    const again = await harness.sync();
    expect(again.steps.find((s) => s.entity === 'dim_customers')?.mode).toBe('incremental');
  });

  it('a removed extra field leaves no row carrying it', async () => {
    harness.settings.EXTRA_FIELDS = undefined;
    const report = await harness.sync();
    const customers = report.steps.find((s) => s.entity === 'dim_customers')!;
    expect(customers.mode).toBe('full');
    expect(customers.warnings.join('\n')).toContain('(−extra<-ref)');
    const rows = await extras();
    expect(rows.filter((r) => r.extra !== null)).toEqual([]);
    expect(rows.length).toBe(harness.sim.records('res.partner').length);
  });
});
