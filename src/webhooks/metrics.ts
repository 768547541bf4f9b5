/**
 * The webhook receiver's Prometheus metrics, served on the worker's metrics port: notifications this
 * process accepted (per model) and rejected (per reason), counted as they happen; and, read from the
 * database at each scrape (so every worker reports the same), the records waiting in etl.webhook_pending
 * and how long the oldest of them has waited, per model.
 */
import { Counter, Gauge, type Registry } from 'prom-client';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Logger } from '../log.ts';
import type { ReceiverObserver } from './receiver.ts';
import { REJECT_REASONS } from './rejections.ts';
import { webhookModels } from './sources.ts';

const waitingRow = z.object({ model: z.string(), records: z.number(), oldest_seconds: z.number() });
type WaitingRow = z.infer<typeof waitingRow>;

export function registerWebhookMetrics(registry: Registry, options: { pool: DatabasePool; logger: Logger }): ReceiverObserver {
  const registers = [registry];
  const accepted = new Counter({
    name: 'odoo_etl_webhook_notifications_accepted_total',
    help: "Odoo webhook notifications this process's receiver accepted (202), per Odoo model",
    labelNames: ['model'] as const,
    registers,
  });
  const rejected = new Counter({
    name: 'odoo_etl_webhook_notifications_rejected_total',
    help: "Requests this process's webhook receiver turned away, per reason (not-found: wrong token or path, rate-limit: 429, unknown-model: 422, database: 503, …)",
    labelNames: ['reason'] as const,
    registers,
  });
  for (const model of webhookModels()) accepted.inc({ model }, 0);
  for (const reason of REJECT_REASONS) rejected.inc({ reason }, 0);

  const waiting = sharedPerScrape(() => readWaiting(options.pool), options.logger);
  new Gauge({
    name: 'odoo_etl_webhook_records_waiting',
    help: 'Notified records not yet read (etl.webhook_pending), per Odoo model; absent when the database does not answer',
    labelNames: ['model'] as const,
    registers,
    async collect() {
      this.reset();
      for (const row of (await waiting()) ?? []) this.set({ model: row.model }, row.records);
    },
  });
  new Gauge({
    name: 'odoo_etl_webhook_oldest_waiting_seconds',
    help: 'Seconds since the first notification of the longest-waiting record not yet read, per Odoo model',
    labelNames: ['model'] as const,
    registers,
    async collect() {
      this.reset();
      for (const row of (await waiting()) ?? []) this.set({ model: row.model }, row.oldest_seconds);
    },
  });

  return {
    accepted: (model) => accepted.inc({ model }),
    rejected: (reason) => rejected.inc({ reason }),
  };
}

function readWaiting(pool: DatabasePool): Promise<readonly WaitingRow[]> {
  return pool.any(sql.type(waitingRow)`
    select model, count(*)::int as records, extract(epoch from now() - min(first_received_at))::float8 as oldest_seconds
      from etl.webhook_pending group by model order by model`);
}

/** One query per scrape for both gauges; null (gauges left empty) when it fails. */
function sharedPerScrape<T>(read: () => Promise<T>, logger: Logger): () => Promise<T | null> {
  let pending: Promise<T | null> | undefined;
  return () =>
    (pending ??= read()
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'metrics: reading the waiting webhook records failed');
        return null;
      })
      .finally(() => setImmediate(() => (pending = undefined))));
}
