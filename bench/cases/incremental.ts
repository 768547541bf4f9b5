/**
 * incremental: after a full sync, (1) a run with nothing changed in Odoo: calls per entity and wall time for
 * all entities; (2) a run after 1% of the records of the big models were written: records read vs changed.
 * The simulator answers each call after 10 ms; the sync process stays up between runs, as a worker does.
 */
import type { BenchPostgres } from '../support/database.ts';
import { round, type Figure } from '../support/measure.ts';
import { startSyncProcess } from '../support/sync-client.ts';
import { syncProcessOptions, withSimulator, type SimVersion, type SyncCaseSettings } from './full-sync.ts';

const CHANGED_MODELS = ['pos.order.line', 'sale.order.line', 'pos.order', 'sale.order', 'res.partner', 'product.product', 'purchase.order.line'];
const LATENCY_MS = 10;

export async function incrementalCase(pg: BenchPostgres, o: SyncCaseSettings & { version: SimVersion; scale: number }): Promise<Figure[]> {
  return withSimulator<Figure[]>(o.version, o.scale, 0, async (sim) => {
    const db = await pg.fresh();
    const proc = await startSyncProcess(syncProcessOptions(db.url, sim, o));
    try {
      const full = await proc.request({ kind: 'run', full: false });
      if (full.status !== 'succeeded') throw new Error(`first sync ${full.status}: ${full.error}`);
      console.log(`  first (full) sync: ${full.records} records in ${Math.round(full.ms)} ms`);
      await sim.control('setLatency', LATENCY_MS);
      // Later than every write of the dataset and of the first sync: what the next scheduled run sees.
      await sim.control('advanceClock', 15 * 60_000);

      const idle = await proc.request({ kind: 'run', full: false });
      if (idle.status !== 'succeeded') throw new Error(`incremental sync ${idle.status}: ${idle.error}`);
      const entitySteps = idle.steps.filter((s) => s.entity !== 'heal_missing');
      const searchCalls = Object.entries(idle.calls).filter(([k]) => k.endsWith('search_read') || k.endsWith('search')).reduce((n, [, v]) => n + v, 0);
      const maxCalls = Math.max(...entitySteps.map((s) => s.calls));
      const busiest = entitySteps.filter((s) => s.calls === maxCalls).map((s) => s.entity);

      let changed = 0;
      for (const model of CHANGED_MODELS) {
        const ids = await sim.control<number[]>('records', model).then((records) => (records as unknown as Array<{ id: number }>).map((r) => r.id));
        const picked = ids.filter((_, i) => i % 100 === 50);
        if (picked.length === 0) continue;
        await sim.control('write', model, picked, {});
        changed += picked.length;
      }
      await sim.control('advanceClock', 15 * 60_000);
      const some = await proc.request({ kind: 'run', full: false });
      if (some.status !== 'succeeded') throw new Error(`incremental sync ${some.status}: ${some.error}`);
      const updated = some.steps.reduce((n, s) => n + s.updated, 0);

      const figures: Figure[] = [
        {
          case: 'incremental',
          name: 'nothing changed: calls per entity',
          ratio: maxCalls,
          target: '1 call per entity',
          met: maxCalls <= 1,
          values: { entities: entitySteps.length, engineCalls: entitySteps.reduce((n, s) => n + s.calls, 0), odooSearchCalls: searchCalls, odooCalls: Object.values(idle.calls).reduce((a, b) => a + b, 0), read: idle.records, busiest: busiest.slice(0, 3).join(' ') },
        },
        {
          case: 'incremental',
          name: 'nothing changed: wall time, all entities',
          target: '< 1 s',
          met: idle.ms < 1000,
          values: { ms: Math.round(idle.ms), latencyMs: LATENCY_MS, workers: o.workers },
        },
        {
          case: 'incremental',
          name: '1% changed: records read / changed',
          ratio: round(some.records / changed),
          target: '≈ 1×',
          values: { changed, read: some.records, updated, ms: Math.round(some.ms), calls: Object.values(some.calls).reduce((a, b) => a + b, 0), fullRecords: full.records },
        },
      ];
      return figures;
    } finally {
      await proc.stop();
      await db.drop();
    }
  });
}
