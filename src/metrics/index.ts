/**
 * A worker's monitoring: the Prometheus registry with the process's own metrics (fed by the observers
 * handed to the Odoo client and the sync engine), the database snapshot gauges, Node's process metrics,
 * and the readiness check; `serveMetrics` puts them on HTTP.
 */
import { collectDefaultMetrics, Registry } from 'prom-client';
import { createDatabasePool, DEFAULT_GUARDS } from '../db/pool.ts';
import type { Logger } from '../log.ts';
import type { OdooCallObserver } from '../odoo/index.ts';
import type { SyncObserver } from '../sync/observer.ts';
import { registerWebhookMetrics } from '../webhooks/metrics.ts';
import type { ReceiverObserver } from '../webhooks/receiver.ts';
import { registerDatabaseMetrics } from './database-metrics.ts';
import { registerProcessMetrics } from './process-metrics.ts';
import { checkReadiness, type Readiness } from './readiness.ts';

export { serveMetrics, type MetricsServer } from './server.ts';
export type { Readiness } from './readiness.ts';

export interface Metrics {
  registry: Registry;
  /** For the Odoo client (calls, latency, retries). */
  odoo: OdooCallObserver;
  /** For the sync context (records, step and run durations, reconciliation). */
  sync: SyncObserver;
  /** For the webhook receiver (notifications accepted, rejected by reason). */
  webhooks: ReceiverObserver;
  /** Where the heartbeat age comes from: the worker, once started. */
  watchHeartbeat(lastBeatAt: () => number | undefined): void;
  readiness(): Promise<Readiness>;
  close(): Promise<void>;
}

export interface MetricsOptions {
  databaseUrl: string;
  /** WORKER_STALE_AFTER (ms). */
  staleAfterMs: number;
  logger: Logger;
}

export async function createMetrics(options: MetricsOptions): Promise<Metrics> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const own = registerProcessMetrics(registry);
  // Its own small pool: a scrape must not queue behind the jobs holding the worker's connections.
  const pool = await createDatabasePool(options.databaseUrl, { maximumPoolSize: 2, guards: { ...DEFAULT_GUARDS, statementTimeoutMs: 10_000 } });
  registerDatabaseMetrics(registry, { pool, staleAfterMs: options.staleAfterMs, logger: options.logger });
  const webhooks = registerWebhookMetrics(registry, { pool, logger: options.logger });
  return {
    registry,
    odoo: own.odoo,
    sync: own.sync,
    webhooks,
    watchHeartbeat: own.watchHeartbeat,
    readiness: () => checkReadiness(options.databaseUrl),
    close: () => pool.end(),
  };
}
