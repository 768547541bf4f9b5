/**
 * realcost: a first full sync against a simulator that costs like a real server: a fixed cost per call
 * (`--call-ms`) plus one per record of the answer (`--record-us`), one call at a time (workers 1, as an Odoo
 * with workers = 0 serving one client). Against the plain sequential read of the same records (same client,
 * fields, batch size; no database), in fresh processes, Odoo calls counted by the simulator:
 * sync time / read time (target ≤ 1.0×) and sync calls / read calls (target ≤ 1.1×). Both count each model's
 * fields_get once (the read needs the fields too); the sync's calls include its session and per-run checks.
 */
import type { BenchPostgres } from '../support/database.ts';
import { round, type Figure } from '../support/measure.ts';
import { startSyncProcess } from '../support/sync-client.ts';
import type { SyncAnswer } from '../support/sync-process.ts';
import { syncProcessOptions, withSimulator, type SyncCaseSettings } from './full-sync.ts';

const sum = (calls: Record<string, number>) => Object.values(calls).reduce((a, b) => a + b, 0);

export async function realCostCase(pg: BenchPostgres, o: SyncCaseSettings & { scale: number; callMs: number; recordUs: number }): Promise<Figure[]> {
  return withSimulator<Figure[]>('19.0', o.scale, 0, async (sim) => {
    await sim.control('configure', { latencyMs: o.callMs, perRecordUs: o.recordUs, workers: 1 });
    const db = await pg.fresh();
    const measured = async (kind: 'read' | 'run'): Promise<{ answer: SyncAnswer; calls: Record<string, number> }> => {
      const proc = await startSyncProcess(syncProcessOptions(db.url, sim, o));
      try {
        await sim.control('resetCounts');
        const answer = await proc.request(kind === 'read' ? { kind: 'read' } : { kind: 'run', full: true });
        if (answer.status !== 'succeeded') throw new Error(`${kind}: ${answer.status}: ${answer.error}`);
        return { answer, calls: await sim.control<Record<string, number>>('callCounts') };
      } finally {
        await proc.stop();
      }
    };
    try {
      const read = await measured('read');
      const sync = await measured('run');
      if (read.answer.records !== sync.answer.records) throw new Error(`the sync read ${sync.answer.records} records, the plain read ${read.answer.records}`);
      const timeRatio = round(sync.answer.ms / read.answer.ms);
      const callRatio = round(sum(sync.calls) / sum(read.calls));
      const extra = Object.entries(sync.calls).map(([k, v]) => [k, v - (read.calls[k] ?? 0)] as const).filter(([, v]) => v !== 0).map(([k, v]) => `${k}:${v > 0 ? '+' : ''}${v}`).join(' ');
      console.log(`  sync ${Math.round(sync.answer.ms)} ms, ${sum(sync.calls)} calls; read ${Math.round(read.answer.ms)} ms, ${sum(read.calls)} calls; sync − read by call: ${extra}`);
      // BENCH_TIMELINE=1: every step's start and end (seconds from the run's start), its rows and calls, against the plain read's calls.
      if (process.env.BENCH_TIMELINE) {
        const readCalls = new Map(read.answer.steps.map((s) => [s.entity, s.calls]));
        for (const s of [...sync.answer.steps].sort((a, b) => (a.startS ?? 0) - (b.startS ?? 0))) {
          console.log(`    ${s.entity.padEnd(24)} ${s.startS?.toFixed(2).padStart(6)}–${s.endS?.toFixed(2).padStart(6)} s  ${s.read} rows, ${s.calls} calls (read ${readCalls.get(s.entity) ?? 0}), ${s.batches} batches`);
        }
      }
      const base = { records: sync.answer.records, callMs: o.callMs, recordUs: o.recordUs, odooWorkers: 1, batch: o.batchSize };
      const figures: Figure[] = [
        {
          case: 'realcost', name: `first full sync vs plain read, ${o.callMs} ms + ${o.recordUs} µs/record, one call at a time: time`,
          ratio: timeRatio, target: '≤ 1.0×', met: timeRatio <= 1,
          values: { ...base, syncMs: Math.round(sync.answer.ms), readMs: Math.round(read.answer.ms) },
        },
        {
          case: 'realcost', name: 'the same: Odoo calls, sync / plain read (counted by the simulator)',
          ratio: callRatio, target: '≤ 1.1×', met: callRatio <= 1.1,
          values: { syncCalls: sum(sync.calls), readCalls: sum(read.calls), extra },
        },
      ];
      return figures;
    } finally {
      await db.drop();
    }
  });
}
