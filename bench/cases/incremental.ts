/**
 * incremental: the dataset stamped now (a bulk import: stampAll), Odoo's clock moved past LOOKBACK, a first
 * (full) sync, the clock moved past LOOKBACK again, and:
 * (1) a run with nothing changed: Odoo calls per entity on average (target ≤ 1.5) and records read per
 *     record mirrored (target ≤ 1%); and its wall time;
 * (2) a run after 1% of the records of the big models (stock quants included) were written: records read
 *     per record changed (target ≤ 1.5×; records still inside the LOOKBACK window of Odoo's clock would
 *     count as changed — the clock is moved past it, so the changed records are exactly the written ones).
 * The simulator answers each call after 10 ms; the sync process stays up between runs, as a worker does.
 */
import type { BenchPostgres } from '../support/database.ts';
import { round, type Figure } from '../support/measure.ts';
import { startSyncProcess } from '../support/sync-client.ts';
import { syncProcessOptions, withSimulator, type SimVersion, type SyncCaseSettings } from './full-sync.ts';

const CHANGED_MODELS = ['pos.order.line', 'sale.order.line', 'pos.order', 'sale.order', 'res.partner', 'product.product', 'purchase.order.line', 'stock.quant'];
/** The bench's LOOKBACK (syncProcessOptions), and a margin past it. */
const PAST_LOOKBACK_MS = 300_000 + 60_000;
const LATENCY_MS = 10;

export async function incrementalCase(pg: BenchPostgres, o: SyncCaseSettings & { version: SimVersion; scale: number }): Promise<Figure[]> {
  return withSimulator<Figure[]>(o.version, o.scale, 0, async (sim) => {
    const db = await pg.fresh();
    const proc = await startSyncProcess(syncProcessOptions(db.url, sim, o));
    try {
      // A bulk import stamped every record now; LOOKBACK passes before the first sync, whose watermark is then past the stamp.
      const stamped = await sim.control<number>('stampAll');
      await sim.control('advanceClock', PAST_LOOKBACK_MS);
      const full = await proc.request({ kind: 'run', full: false });
      if (full.status !== 'succeeded') throw new Error(`first sync ${full.status}: ${full.error}`);
      console.log(`  ${stamped} records stamped now; first (full) sync: ${full.records} records in ${Math.round(full.ms)} ms`);
      await sim.control('setLatency', LATENCY_MS);
      // LOOKBACK has passed since the bulk stamp and the first sync: the next scheduled run.
      await sim.control('advanceClock', PAST_LOOKBACK_MS);

      const idle = await proc.request({ kind: 'run', full: false });
      if (idle.status !== 'succeeded') throw new Error(`incremental sync ${idle.status}: ${idle.error}`);
      const entitySteps = idle.steps.filter((s) => s.entity !== 'heal_missing');
      const searchCalls = Object.entries(idle.calls).filter(([k]) => k.endsWith('search_read') || k.endsWith('search')).reduce((n, [, v]) => n + v, 0);
      const maxCalls = Math.max(...entitySteps.map((s) => s.calls));
      const busiest = entitySteps.filter((s) => s.calls === maxCalls).map((s) => s.entity);
      const idleCalls = Object.values(idle.calls).reduce((a, b) => a + b, 0);
      const callsPerEntity = round(idleCalls / entitySteps.length);
      // `records` leaves out derived steps (dim_promotion_types: selection values from fields_get, no Odoo record).
      const derivedRead = (a: typeof idle) => a.steps.filter((s) => s.mode === 'derived').reduce((n, s) => n + s.read, 0);
      const idleRead = idle.records;
      const idleReadShare = idleRead / full.records;

      let changed = 0;
      for (const model of CHANGED_MODELS) {
        const ids = await sim.control<number[]>('records', model).then((records) => (records as unknown as Array<{ id: number }>).map((r) => r.id));
        const picked = ids.filter((_, i) => i % 100 === 50);
        if (picked.length === 0) continue;
        await sim.control('write', model, picked, {});
        changed += picked.length;
      }
      await sim.control('advanceClock', PAST_LOOKBACK_MS);
      const some = await proc.request({ kind: 'run', full: false });
      if (some.status !== 'succeeded') throw new Error(`incremental sync ${some.status}: ${some.error}`);
      const updated = some.steps.reduce((n, s) => n + s.updated, 0);

      const someRead = some.records;
      const someRatio = round(someRead / changed);
      const figures: Figure[] = [
        {
          case: 'incremental',
          name: 'nothing changed: Odoo calls per entity',
          ratio: callsPerEntity,
          target: '≤ 1.5',
          met: callsPerEntity <= 1.5,
          values: { entities: entitySteps.length, odooCalls: idleCalls, engineCalls: entitySteps.reduce((n, s) => n + s.calls, 0), odooSearchCalls: searchCalls, maxPerEntity: maxCalls, busiest: busiest.slice(0, 3).join(' ') },
        },
        {
          case: 'incremental',
          name: 'nothing changed: records read / records',
          ratio: round(idleReadShare, 4),
          target: '≤ 0.01',
          met: idleReadShare <= 0.01,
          values: { read: idleRead, derivedRows: derivedRead(idle), records: full.records, readBy: idle.steps.filter((s) => s.read > 0).map((s) => `${s.entity}:${s.read}`).join(' ') },
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
          ratio: someRatio,
          target: '≤ 1.5',
          met: someRatio <= 1.5,
          values: { changed, read: someRead, derivedRows: derivedRead(some), updated, ms: Math.round(some.ms), calls: Object.values(some.calls).reduce((a, b) => a + b, 0), fullRecords: full.records, readBy: some.steps.filter((s) => s.read > 0).map((s) => `${s.entity}:${s.read}`).join(' ') },
        },
      ];
      for (const f of figures) console.log(`  ${f.name}: ${f.ratio ?? JSON.stringify(f.values)} (target ${f.target}: ${f.met ? 'met' : 'NOT met'})`);
      return figures;
    } finally {
      await proc.stop();
      await db.drop();
    }
  });
}
