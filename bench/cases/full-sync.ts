/**
 * full: a full sync of every entity, end to end (Odoo simulator in its own process answering each call after
 * a fixed latency → graphile-worker jobs → PostgreSQL), against the baseline: a plain sequential read of the
 * same records with the same client and batch size and no database. The baseline runs first, in the same
 * kind of process; both see the same simulator.
 *
 * memory: the peak resident memory of the sync process during a full sync at two dataset sizes (latency 0,
 * the hardest case for memory: nothing waits).
 */
// @ts-expect-error plain JavaScript without declarations, read by bin/odoo-etl.js before TypeScript loads
import { heapLimitMb } from '../../bin/heap-limit.js';
import type { BenchPostgres } from '../support/database.ts';
import { round, type Figure } from '../support/measure.ts';
import { startBenchSimulator, type BenchSimulator } from '../support/sim.ts';
import { startSyncProcess } from '../support/sync-client.ts';
import type { SyncAnswer } from '../support/sync-process.ts';

export interface SyncCaseSettings {
  batchSize: number;
  fullSyncConcurrency: number;
  workers: number;
}

export const SALES_LINE_MODELS = ['pos.order.line', 'sale.order.line'];

/** Odoo 19 is read over JSON-2, 16–18 over XML-RPC (the client picks the transport as it would in production). */
export type SimVersion = '16.0' | '17.0' | '18.0' | '19.0';

/** `odooWorkers`: calls the simulator serves at once, the rest queued, as Odoo's prefork server (0 = no limit). */
export async function withSimulator<T>(version: SimVersion, scale: number, latencyMs: number, fn: (sim: BenchSimulator) => Promise<T>, odooWorkers = 0): Promise<T> {
  const sim = await startBenchSimulator({ version, scale, seed: 1, latencyMs, workers: odooWorkers });
  try {
    return await fn(sim);
  } finally {
    await sim.close();
  }
}

export function syncProcessOptions(databaseUrl: string, sim: BenchSimulator, s: SyncCaseSettings) {
  return {
    databaseUrl,
    odoo: { url: sim.url, db: sim.db, login: sim.login, password: sim.password, apiKey: sim.apiKey },
    settings: { BATCH_SIZE: s.batchSize, LOOKBACK: 300_000, EXTRA_FIELDS: undefined, FULL_SYNC_CONCURRENCY: s.fullSyncConcurrency },
    workers: s.workers,
  };
}

export async function fullSync(pg: BenchPostgres, sim: BenchSimulator, s: SyncCaseSettings, withBaseline: boolean): Promise<{ sync: SyncAnswer; read?: SyncAnswer }> {
  const db = await pg.fresh();
  const proc = await startSyncProcess(syncProcessOptions(db.url, sim, s));
  try {
    const read = withBaseline ? await proc.request({ kind: 'read' }) : undefined;
    const sync = await proc.request({ kind: 'run', full: true });
    if (sync.status !== 'succeeded') throw new Error(`full sync ${sync.status}: ${sync.error}`);
    if (read && read.records !== sync.records) throw new Error(`the sync read ${sync.records} records, the baseline ${read.records}`);
    return { sync, read };
  } finally {
    await proc.stop();
    await db.drop();
  }
}

const total = (calls: Record<string, number>): number => Object.values(calls).reduce((a, b) => a + b, 0);
const linesOf = (a: SyncAnswer): number => a.steps.find((s) => s.entity === 'fact_sales_lines')?.read ?? 0;

export async function fullSyncCase(pg: BenchPostgres, o: SyncCaseSettings & { version: SimVersion; scale: number; latencies: number[]; odooWorkers: number }): Promise<Figure[]> {
  const transport = o.version === '19.0' ? 'JSON-2' : 'XML-RPC';
  return withSimulator<Figure[]>(o.version, o.scale, 0, async (sim) => {
    console.log(`simulator ${o.version} scale ${o.scale} ready in ${sim.readyMs} ms, serving ${o.odooWorkers || 'any number of'} calls at once`);
    const figures: Figure[] = [];
    for (const latency of o.latencies) {
      await sim.control('setLatency', latency);
      const { sync, read } = await fullSync(pg, sim, o, true);
      const ratio = sync.ms / read!.ms;
      const limit = latency >= 50 ? 0.5 : 1;
      figures.push({
        case: 'full',
        name: `full sync, ${transport}, ${latency} ms per call`,
        ratio: round(ratio),
        target: latency >= 50 ? '≤ 0.5× sequential read' : '< 1× sequential read',
        met: ratio <= limit,
        values: {
          syncMs: Math.round(sync.ms), readMs: Math.round(read!.ms), records: sync.records, salesLines: linesOf(sync),
          syncRowsPerSec: Math.round(sync.records / (sync.ms / 1000)), readRowsPerSec: Math.round(read!.records / (read!.ms / 1000)),
          syncCalls: total(sync.calls), readCalls: total(read!.calls), peakRssMb: sync.peakRssMb,
          batch: o.batchSize, workers: o.workers, rangeConcurrency: o.fullSyncConcurrency, odooWorkers: o.odooWorkers,
        },
      });
      console.log(`  ${latency} ms: sync ${Math.round(sync.ms)} ms, read ${Math.round(read!.ms)} ms, ${sync.records} records`);
      const slowest = [...sync.steps].sort((a, b) => b.read - a.read).slice(0, 4);
      console.log(`  largest: ${slowest.map((s) => `${s.entity} ${s.read} rows/${s.calls} calls ${s.startS?.toFixed(1)}–${s.endS?.toFixed(1)} s`).join(', ')}`);
      // BENCH_TIMELINE=1: every step's start and end (seconds from the run's start), in the order they started.
      if (process.env.BENCH_TIMELINE) {
        for (const s of [...sync.steps].sort((a, b) => (a.startS ?? 0) - (b.startS ?? 0))) {
          console.log(`    ${s.entity.padEnd(24)} ${s.startS?.toFixed(2).padStart(6)}–${s.endS?.toFixed(2).padStart(6)} s  ${s.read} rows, ${s.calls} calls, ${s.batches} batches`);
        }
      }
    }
    return figures;
  }, o.odooWorkers);
}

export async function memoryCase(pg: BenchPostgres, o: SyncCaseSettings & { version: SimVersion; scales: number[]; odooWorkers: number }): Promise<Figure[]> {
  const results: Array<{ scale: number; sync: SyncAnswer }> = [];
  for (const scale of o.scales) {
    const { sync } = await withSimulator(o.version, scale, 0, (sim) => fullSync(pg, sim, o, false), o.odooWorkers);
    results.push({ scale, sync });
    console.log(`  scale ${scale}: ${linesOf(sync)} sales lines, ${sync.records} records, peak RSS ${sync.peakRssMb} MB, ${Math.round(sync.ms)} ms`);
  }
  const [small, large] = [results[0]!, results[results.length - 1]!];
  const growth = large.sync.peakRssMb / small.sync.peakRssMb;
  return [
    {
      case: 'memory',
      // A stable name: the sizes are in the values.
      name: 'peak RSS of a full sync, large vs small dataset',
      ratio: round(growth),
      target: 'flat (≈1×); < 300 MB at 1M lines',
      met: growth < 1.25 && large.sync.peakRssMb < 300,
      values: {
        smallLines: linesOf(small.sync), smallPeakRssMb: small.sync.peakRssMb, largeLines: linesOf(large.sync), largePeakRssMb: large.sync.peakRssMb,
        sizeRatio: round(linesOf(large.sync) / linesOf(small.sync), 1), largeSyncMs: Math.round(large.sync.ms), batch: o.batchSize, odooWorkers: o.odooWorkers,
        heapCapMb: Number(process.env.BENCH_SYNC_HEAP_MB) || heapLimitMb({ BATCH_SIZE: String(o.batchSize), WORKER_CONCURRENCY: String(o.workers) }),
      },
    },
  ];
}
