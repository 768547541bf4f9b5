/**
 * The sync side of a benchmark in its own process, as `odoo-etl sync` would run it: a long-lived process
 * (so the Odoo session and fields_get caches live across runs, as in a worker) that answers messages:
 *   {kind: 'run', full}  → a run of every entity through graphile-worker, followed until it ends
 *   {kind: 'read'}       → the baseline: every record the sync reads, read sequentially with the same client,
 *                          fields, domain, context and batch size, and no database
 * Each answer carries the wall time, Odoo calls and this process's peak resident memory so far.
 * Started by sync-client.ts with {databaseUrl, odoo, settings} as JSON in argv[2].
 */
import { getEntity, entities, planSource, seriesOf } from '../../src/entities/index.ts';
import { createDatabasePool } from '../../src/db/pool.ts';
import { createLogger } from '../../src/log.ts';
import { createOdooClient, OdooUnknownModelError, type Domain } from '../../src/odoo/index.ts';
import { nextById } from '../../src/odoo/keyset-step.ts';
import { createSyncContext, type SyncSettings } from '../../src/sync/context.ts';
import { followRun } from '../../src/worker/follow.ts';
import { startRun } from '../../src/sync/run.ts';

export interface SyncProcessOptions {
  databaseUrl: string;
  odoo: { url: string; db: string; login: string; password: string; apiKey: string };
  settings: SyncSettings;
  workers: number;
}

export type SyncRequest = { kind: 'run'; full: boolean } | { kind: 'read' } | { kind: 'stop' };

export interface EntityFigures {
  entity: string;
  status: string;
  mode: string | null;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  batches: number;
  calls: number;
  error: string | null;
  /** Seconds from the run's start to this step's start and end. */
  startS?: number;
  endS?: number;
}

export interface SyncAnswer {
  ms: number;
  records: number;
  /** Odoo calls by `model:method`, made during this request. */
  calls: Record<string, number>;
  steps: EntityFigures[];
  status: string;
  error: string | null;
  /** Peak resident set size of this process so far, in MB. */
  peakRssMb: number;
  /** Resident set size right before the request, in MB. */
  startRssMb: number;
}

const options = JSON.parse(process.argv[2]!) as SyncProcessOptions;
const logger = createLogger({ level: process.env.BENCH_LOG_LEVEL ?? 'error', pretty: false });
const pool = await createDatabasePool(options.databaseUrl, { maximumPoolSize: Math.max(10, options.workers + 4) });
const odoo = createOdooClient({ url: options.odoo.url, db: options.odoo.db, username: options.odoo.login, password: options.odoo.password, apiKey: options.odoo.apiKey, logger });
const ctx = createSyncContext({ pool, odoo, settings: options.settings, logger });

const callsSince = (before: Record<string, number>): Record<string, number> => {
  const now = odoo.stats().calls as unknown as Record<string, number>;
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(now)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
};

async function syncRun(full: boolean): Promise<Omit<SyncAnswer, 'peakRssMb' | 'startRssMb'>> {
  const before = { ...(odoo.stats().calls as unknown as Record<string, number>) };
  const start = performance.now();
  const run = await startRun(pool, { full, trigger: 'api' });
  const report = await followRun({ connectionString: options.databaseUrl, context: ctx, runId: run.runId, concurrency: options.workers, pollMs: 100 });
  const ms = performance.now() - start;
  const steps = report.steps.map((s) => ({
    entity: s.entity, status: s.status, mode: s.mode, read: s.read, inserted: s.inserted, updated: s.updated, unchanged: s.unchanged,
    batches: s.batches, calls: s.calls, error: s.error,
    startS: s.started_at ? (Date.parse(s.started_at) - Date.parse(report.run.created_at)) / 1000 : undefined,
    endS: s.finished_at ? (Date.parse(s.finished_at) - Date.parse(report.run.created_at)) / 1000 : undefined,
  }));
  // Derived entities (selection values) read no records from Odoo.
  return { ms, records: steps.filter((s) => s.mode !== 'derived').reduce((n, s) => n + s.read, 0), calls: callsSince(before), steps, status: report.run.status, error: report.run.error };
}

async function sequentialRead(): Promise<Omit<SyncAnswer, 'peakRssMb' | 'startRssMb'>> {
  const session = await ctx.session();
  const series = seriesOf(session.serie);
  const before = { ...(odoo.stats().calls as unknown as Record<string, number>) };
  const start = performance.now();
  let records = 0;
  const steps: EntityFigures[] = [];
  const fieldsOf = new Map<string, Awaited<ReturnType<typeof odoo.fieldsGet>> | null>();
  for (const entity of entities) {
    if (entity.sync === 'derived') continue;
    let read = 0;
    let calls = 0;
    for (const source of getEntity(entity.table).sources) {
      // A plain read asks each model's fields once itself (the sync's kept answers would make the sync's own calls free).
      if (!fieldsOf.has(source.model)) {
        fieldsOf.set(source.model, await odoo.fieldsGet(source.model).catch((error: unknown) => {
          if (error instanceof OdooUnknownModelError) return null;
          throw error;
        }));
      }
      const fields = fieldsOf.get(source.model)!;
      const planned = planSource(entity, source, series, fields);
      if (planned.status === 'skipped') continue;
      const stepOptions = { domain: (source.domain ?? []) as Domain, fields: planned.plan.fields, batchSize: options.settings.BATCH_SIZE, context: session.context };
      for (let after = 0; ; ) {
        const batch = await nextById(odoo, source.model, after, stepOptions);
        calls++;
        read += batch.records.length;
        after = batch.cursor;
        if (batch.done) break;
      }
    }
    records += read;
    steps.push({ entity: entity.table, status: 'read', mode: 'read', read, inserted: 0, updated: 0, unchanged: 0, batches: calls, calls, error: null });
  }
  return { ms: performance.now() - start, records, calls: callsSince(before), steps, status: 'succeeded', error: null };
}

process.on('message', (message: SyncRequest) => {
  void (async () => {
    if (message.kind === 'stop') {
      odoo.close();
      await pool.end();
      process.exit(0);
    }
    const startRssMb = Math.round(process.memoryUsage().rss / 1e6);
    try {
      const answer = message.kind === 'run' ? await syncRun(message.full) : await sequentialRead();
      process.send!({ ok: true, answer: { ...answer, startRssMb, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1e3) } });
    } catch (error) {
      process.send!({ ok: false, error: error instanceof Error ? error.stack ?? error.message : String(error) });
    }
  })();
});
process.send!({ ready: true });
