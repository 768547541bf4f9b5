/**
 * incremental: the dataset stamped now (a bulk import: stampAll), Odoo's clock moved past LOOKBACK, a first
 * (full) sync; then every measured run in a FRESH sync process, as `odoo-etl sync` from cron starts (no Odoo
 * session, no fields_get in memory; what the target database keeps is all it knows), Odoo calls counted by
 * the simulator:
 * (1) nothing changed, the clock moved past LOOKBACK before the run: Odoo calls per table (target ≤ 1.1,
 *     besides a constant per run: the session and the one fields check), records read per record mirrored
 *     (target ≤ 1%), wall time;
 * (2) 1% of the records of the big models (stock quants included) written, the clock past LOOKBACK: records
 *     read per record changed (target ≤ 1.5×);
 * (3) the realistic schedule: a bulk write of 10% of those records, then runs every 15 minutes with the
 *     default LOOKBACK (5 min), the first a minute after the write (a scheduled run can fall anywhere after
 *     it): records read over all runs per record written (the re-read a watermark at Odoo's clock − LOOKBACK
 *     costs: the write is read by the run after it and, being younger than LOOKBACK then, by the next one).
 * The simulator answers each call after 10 ms.
 */
import type { BenchPostgres } from '../support/database.ts';
import type { BenchSimulator } from '../support/sim.ts';
import { round, type Figure } from '../support/measure.ts';
import { startSyncProcess } from '../support/sync-client.ts';
import type { SyncAnswer } from '../support/sync-process.ts';
import { syncProcessOptions, withSimulator, type SimVersion, type SyncCaseSettings } from './full-sync.ts';

const CHANGED_MODELS = ['pos.order.line', 'sale.order.line', 'pos.order', 'sale.order', 'res.partner', 'product.product', 'purchase.order.line', 'stock.quant'];
/** The bench's LOOKBACK (syncProcessOptions, the default 5 min), and a margin past it. */
const LOOKBACK_MS = 300_000;
const PAST_LOOKBACK_MS = LOOKBACK_MS + 60_000;
const SCHEDULE_MS = 15 * 60_000;
const LATENCY_MS = 10;
/** What a run costs whatever its tables: the session a process opens, and the one fields check. */
const PER_RUN = (key: string) => key.startsWith('common:') || key.startsWith('web:') || key === 'res.users:read' || key === 'res.users:context_get' || key === 'ir.model.fields:search_read';

interface Measured {
  answer: SyncAnswer;
  /** Odoo calls by `model:method`, as the simulator counted them. */
  calls: Record<string, number>;
  tables: number;
  perRun: number;
  perTable: number;
}

const sum = (calls: Record<string, number>, keep: (k: string) => boolean = () => true) => Object.entries(calls).filter(([k]) => keep(k)).reduce((n, [, v]) => n + v, 0);

export async function incrementalCase(pg: BenchPostgres, o: SyncCaseSettings & { version: SimVersion; scale: number }): Promise<Figure[]> {
  return withSimulator<Figure[]>(o.version, o.scale, 0, async (sim) => {
    const db = await pg.fresh();
    /** One run in a process of its own, started for it and stopped after it. */
    const freshRun = async (label: string): Promise<Measured> => {
      const proc = await startSyncProcess(syncProcessOptions(db.url, sim, o));
      try {
        await sim.control('resetCounts');
        const answer = await proc.request({ kind: 'run', full: false });
        if (answer.status !== 'succeeded') throw new Error(`${label}: sync ${answer.status}: ${answer.error}`);
        const calls = await sim.control<Record<string, number>>('callCounts');
        const tables = answer.steps.filter((s) => s.entity !== 'heal_missing').length;
        const perRun = sum(calls, PER_RUN);
        return { answer, calls, tables, perRun, perTable: round((sum(calls) - perRun) / tables) };
      } finally {
        await proc.stop();
      }
    };
    try {
      // A bulk import stamped every record now; LOOKBACK passes before the first sync, whose watermark is then past the stamp.
      const stamped = await sim.control<number>('stampAll');
      await sim.control('advanceClock', PAST_LOOKBACK_MS);
      const first = await startSyncProcess(syncProcessOptions(db.url, sim, o));
      const full = await first.request({ kind: 'run', full: false }).finally(() => first.stop());
      if (full.status !== 'succeeded') throw new Error(`first sync ${full.status}: ${full.error}`);
      console.log(`  ${stamped} records stamped now; first (full) sync: ${full.records} records in ${Math.round(full.ms)} ms`);
      await sim.control('setLatency', LATENCY_MS);

      // (1) LOOKBACK has passed since the bulk stamp and the first sync: the next scheduled run, nothing changed.
      await sim.control('advanceClock', PAST_LOOKBACK_MS);
      const idle = await freshRun('nothing changed');
      console.log(`  nothing changed, fresh process: ${JSON.stringify(idle.calls)}`);
      const idleRead = idle.answer.records;
      const idleReadShare = idleRead / full.records;
      const derivedRead = (a: SyncAnswer) => a.steps.filter((s) => s.mode === 'derived').reduce((n, s) => n + s.read, 0);

      // (2) 1% of the big models written, LOOKBACK passed.
      const changed = await writeShare(sim, 100);
      await sim.control('advanceClock', PAST_LOOKBACK_MS);
      const some = await freshRun('1% changed');
      const someRatio = round(some.answer.records / changed);

      // (3) A bulk write of 10%, then runs every 15 minutes with LOOKBACK 5 min, the first a minute after it.
      await sim.control('advanceClock', PAST_LOOKBACK_MS);
      const bulk = await writeShare(sim, 10);
      const scheduled: Measured[] = [];
      await sim.control('advanceClock', 60_000);
      for (let i = 0; i < 3; i++) {
        if (i > 0) await sim.control('advanceClock', SCHEDULE_MS);
        scheduled.push(await freshRun(`scheduled run ${i + 1}`));
      }
      const scheduledRead = scheduled.reduce((n, r) => n + r.answer.records, 0);
      const scheduledRatio = round(scheduledRead / bulk);

      const figures: Figure[] = [
        {
          case: 'incremental',
          name: 'nothing changed, fresh process: Odoo calls per table (besides the per-run constant)',
          ratio: idle.perTable,
          target: '≤ 1.1 + a constant per run',
          met: idle.perTable <= 1.1,
          values: {
            tables: idle.tables, odooCalls: sum(idle.calls), perRunCalls: idle.perRun, fieldsGetCalls: sum(idle.calls, (k) => k.endsWith(':fields_get')),
            engineCalls: idle.answer.steps.reduce((n, s) => n + s.calls, 0), busiest: idle.answer.steps.filter((s) => s.calls > 1).map((s) => `${s.entity}:${s.calls}`).join(' '),
          },
        },
        {
          case: 'incremental',
          name: 'nothing changed: records read / records',
          ratio: round(idleReadShare, 4),
          target: '≤ 0.01',
          met: idleReadShare <= 0.01,
          values: { read: idleRead, derivedRows: derivedRead(idle.answer), records: full.records },
        },
        {
          case: 'incremental',
          name: 'nothing changed, fresh process: wall time, all entities',
          target: '< 1 s',
          met: idle.answer.ms < 1000,
          values: { ms: Math.round(idle.answer.ms), latencyMs: LATENCY_MS, workers: o.workers },
        },
        {
          case: 'incremental',
          name: '1% changed: records read / changed',
          ratio: someRatio,
          target: '≤ 1.5',
          met: someRatio <= 1.5,
          values: { changed, read: some.answer.records, derivedRows: derivedRead(some.answer), ms: Math.round(some.answer.ms), calls: sum(some.calls), callsPerTable: some.perTable },
        },
        {
          case: 'incremental',
          name: 'bulk write of 10%, then runs every 15 min (LOOKBACK 5 min): records read over 3 runs / written',
          ratio: scheduledRatio,
          // No target: by design 2× (the run after the write reads it, the next one again while it is younger than LOOKBACK).
          note: 'read by the run after the write and again by the next (younger than LOOKBACK then)',
          values: {
            written: bulk, readPerRun: scheduled.map((r) => r.answer.records).join(' / '), callsPerTablePerRun: scheduled.map((r) => r.perTable).join(' / '),
            msPerRun: scheduled.map((r) => Math.round(r.answer.ms)).join(' / '),
          },
        },
      ];
      for (const f of figures) console.log(`  ${f.name}: ${f.ratio ?? JSON.stringify(f.values)} (target ${f.target ?? '—'}: ${f.met === undefined ? '' : f.met ? 'met' : 'NOT met'}) ${JSON.stringify(f.values)}`);
      return figures;
    } finally {
      await db.drop();
    }
  });
}

/** Writes one record in `every` of each big model (write_date now); returns how many. */
async function writeShare(sim: BenchSimulator, every: number): Promise<number> {
  let changed = 0;
  for (const model of CHANGED_MODELS) {
    const ids = await sim.control<Array<{ id: number }>>('records', model).then((records) => records.map((r) => r.id));
    const picked = ids.filter((_, i) => i % every === Math.floor(every / 2));
    if (picked.length === 0) continue;
    await sim.control('write', model, picked, {});
    changed += picked.length;
  }
  return changed;
}
