/**
 * The metrics only this process knows, updated as things happen: records each committed batch loaded,
 * step and run durations (observed by the process that settled them), Odoo call latency, retries and
 * failures, and the age of this process's worker heartbeat. Each worker counts its own work; Prometheus
 * adds them up across workers (`sum by (entity)`).
 */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { OdooCallObserver } from '../odoo/index.ts';
import type { SyncObserver } from '../sync/observer.ts';

export interface ProcessMetrics {
  odoo: OdooCallObserver;
  sync: SyncObserver;
  /** Where the heartbeat age comes from (the worker, once started). */
  watchHeartbeat(lastBeatAt: () => number | undefined): void;
}

const RECORD_LABELS = ['entity', 'source'] as const;

export function registerProcessMetrics(registry: Registry): ProcessMetrics {
  const registers = [registry];
  const records = (what: string, help: string) =>
    new Counter({ name: `odoo_etl_records_${what}_total`, help, labelNames: RECORD_LABELS, registers });
  const read = records('read', 'Records read from Odoo and committed, per table and Odoo source (the run report\'s "read")');
  const inserted = records('inserted', 'Rows inserted by committed batches, per table and source');
  const updated = records('updated', 'Rows updated (changed) by committed batches, per table and source');
  const unchanged = records('unchanged', 'Rows read again but unchanged (nothing written), per table and source');
  const deleted = records('deleted', 'Rows marked deleted by runs (snapshot tables), per table and source');
  const reconciled = new Counter({
    name: 'odoo_etl_reconciled_records_total',
    help: 'Rows the delete reconciliation marked deleted or brought back, per table, source and change',
    labelNames: ['entity', 'source', 'change'] as const,
    registers,
  });

  const stepDuration = new Histogram({
    name: 'odoo_etl_step_duration_seconds',
    help: "Duration of a table's step in a run (first job to settlement), by table, mode and final status",
    labelNames: ['entity', 'mode', 'status'] as const,
    buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200],
    registers,
  });
  const runDuration = new Histogram({
    name: 'odoo_etl_run_duration_seconds',
    help: 'Duration of a run (queued to closed), by trigger (cli, cron, api) and final status',
    labelNames: ['trigger', 'status'] as const,
    buckets: [1, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14_400],
    registers,
  });

  const callDuration = new Histogram({
    name: 'odoo_etl_odoo_call_duration_seconds',
    help: 'Latency of each Odoo call on the wire (every attempt), by method and outcome (ok, error)',
    labelNames: ['method', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  const retries = new Counter({
    name: 'odoo_etl_odoo_retries_total',
    help: 'Odoo calls retried after a transient failure (timeout, 429/502/503/504, serialization fault), by method',
    labelNames: ['method'] as const,
    registers,
  });
  const failures = new Counter({
    name: 'odoo_etl_odoo_call_failures_total',
    help: 'Odoo calls that failed for good (a permanent error, or retries spent), by method',
    labelNames: ['method'] as const,
    registers,
  });

  let lastBeatAt: () => number | undefined = () => undefined;
  const startedAt = Date.now();
  new Gauge({
    name: 'odoo_etl_worker_heartbeat_age_seconds',
    help:
      "Seconds since this process last recorded its worker heartbeat in the database, or since it started if it has not yet " +
      "(the others free a silent worker's jobs after WORKER_STALE_AFTER)",
    registers,
    collect() {
      this.set((Date.now() - (lastBeatAt() ?? startedAt)) / 1000);
    },
  });

  return {
    odoo: {
      attempted: ({ method, seconds, ok }) => callDuration.observe({ method, outcome: ok ? 'ok' : 'error' }, seconds),
      retried: ({ method }) => retries.inc({ method }),
      failed: ({ method }) => failures.inc({ method }),
    },
    sync: {
      batchCommitted(batch) {
        const labels = { entity: batch.entity, source: batch.source };
        read.inc(labels, batch.read);
        inserted.inc(labels, batch.inserted);
        updated.inc(labels, batch.updated);
        unchanged.inc(labels, batch.unchanged);
        deleted.inc(labels, batch.deleted);
      },
      stepSettled(step) {
        stepDuration.observe({ entity: step.entity, mode: step.mode ?? '', status: step.status }, step.seconds);
        if (step.run) runDuration.observe({ trigger: step.run.trigger, status: step.run.status }, step.run.seconds);
      },
      reconciled({ entity, source, deleted: gone, restored }) {
        reconciled.inc({ entity, source, change: 'deleted' }, gone);
        reconciled.inc({ entity, source, change: 'restored' }, restored);
      },
    },
    watchHeartbeat(source) {
      lastBeatAt = source;
    },
  };
}
