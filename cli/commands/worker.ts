import { getHeapStatistics } from 'node:v8';
import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.ts';
import { guardsFromSettings } from '../../src/db/pool.ts';
import { createMetrics, serveMetrics, type Metrics } from '../../src/metrics/index.ts';
import { startWorker } from '../../src/worker/runner.ts';
import { onShutdownSignal } from '../../src/worker/signals.ts';
import { startWebhookReceiver } from '../../src/webhooks/receiver.ts';

export default class Worker extends BaseCommand<typeof Worker> {
  static override summary = 'Run queued sync jobs and the schedules, until stopped';
  static override description =
    'A long-running graphile-worker process: it takes the jobs that `sync` (and the schedules) queue in the target ' +
    'database and runs the schedules stored there (SYNC_SCHEDULE, RECONCILE_SCHEDULE; each fires once however many ' +
    'workers run, and missed ticks are caught up after downtime). Run as many as you like, on as many machines: the ' +
    'queue hands each job to one of them. SIGTERM or SIGINT stops taking jobs; each running job commits the batch in ' +
    'hand and hands the rest over, then the worker exits. A worker killed outright loses nothing either: its jobs are ' +
    'retried by the others once it has been silent for WORKER_STALE_AFTER; one that was only paused that long finds ' +
    'its jobs taken over when it resumes, and drops their outcome.\n\n' +
    'With --metrics-port (or METRICS_PORT) it also serves, on METRICS_HOST (every interface when unset), Prometheus ' +
    'metrics at /metrics, /healthz (the process is alive) and /readyz (the database answers and its schema is current; ' +
    '503 otherwise).\n\n' +
    'With --webhook-port (or WEBHOOK_PORT; Odoo 17+) it also accepts the POSTs of Odoo\'s webhook rules (see ' +
    '`webhooks install`) on /webhook/<WEBHOOK_TOKEN>, on WEBHOOK_HOST (every interface when unset): each notified record is read again WEBHOOK_SETTLE after its ' +
    'notification (Odoo posts before its transaction commits) and loaded within seconds, without moving the ' +
    'watermarks: the schedule still reads everything and catches any notification lost on the way.';
  static override examples = [
    '<%= config.bin %> worker',
    '<%= config.bin %> worker --concurrency 8',
    'SYNC_SCHEDULE="*/5 * * * *" <%= config.bin %> worker',
    '<%= config.bin %> worker --no-schedule   # jobs only; schedules run in other workers',
    '<%= config.bin %> worker --metrics-port 9464   # then: curl localhost:9464/metrics',
    'WEBHOOK_TOKEN=$(openssl rand -hex 24) <%= config.bin %> worker --webhook-port 8787   # Odoo posts to /webhook/$WEBHOOK_TOKEN',
  ];
  static override flags = {
    concurrency: Flags.integer({ description: 'jobs run at once [env: WORKER_CONCURRENCY]', min: 1 }),
    schedule: Flags.boolean({ description: 'also run the schedules (--no-schedule: jobs only)', default: true, allowNo: true }),
    'metrics-port': Flags.integer({
      description: 'serve /metrics (Prometheus), /healthz and /readyz on this port; 0 picks a free one [env: METRICS_PORT]',
      min: 0,
      max: 65535,
    }),
    'webhook-port': Flags.integer({
      description: "accept Odoo's webhook POSTs on /webhook/<WEBHOOK_TOKEN> at this port (Odoo 17+); 0 picks a free one [env: WEBHOOK_PORT]",
      min: 0,
      max: 65535,
    }),
  };

  protected override requires: Array<'odoo'> = ['odoo'];

  protected override settingsFromFlags() {
    return { WORKER_CONCURRENCY: this.flags.concurrency, METRICS_PORT: this.flags['metrics-port'], WEBHOOK_PORT: this.flags['webhook-port'] };
  }

  async run(): Promise<void> {
    const { target, pool } = await this.openMigratedDatabase();
    let metrics: Metrics | undefined;
    if (this.settings.METRICS_PORT !== undefined) {
      metrics = await createMetrics({ databaseUrl: target.url, staleAfterMs: this.settings.WORKER_STALE_AFTER, logger: this.logger });
      this.onClose(() => metrics!.close());
    }
    const context = this.syncContext(pool, { odoo: metrics?.odoo, sync: metrics?.sync });
    if (metrics) {
      // Before the worker: a port already taken stops the command before it takes any job.
      const server = await serveMetrics({ port: this.settings.METRICS_PORT!, host: this.settings.METRICS_HOST, registry: metrics.registry, readiness: metrics.readiness, logger: this.logger });
      this.onClose(() => server.close());
      this.logger.info({ port: server.port, address: server.address }, `metrics on http://${urlHost(server.address)}:${server.port}/metrics (also /healthz, /readyz)`);
    }

    if (this.settings.WEBHOOK_PORT !== undefined) {
      // loadConfig refuses a WEBHOOK_PORT without WEBHOOK_TOKEN. The token is never logged: only the path's shape.
      const receiver = await startWebhookReceiver({
        port: this.settings.WEBHOOK_PORT,
        host: this.settings.WEBHOOK_HOST,
        token: this.settings.WEBHOOK_TOKEN!,
        settleMs: this.settings.WEBHOOK_SETTLE,
        pool,
        logger: this.logger,
        observer: metrics?.webhooks,
      });
      this.onClose(() => receiver.close());
      this.logger.info(
        { port: receiver.port, address: receiver.address, settleMs: this.settings.WEBHOOK_SETTLE },
        `webhooks on http://${urlHost(receiver.address)}:${receiver.port}/webhook/<WEBHOOK_TOKEN> (also /healthz)`,
      );
    }

    const worker = await startWorker({
      connectionString: target.url,
      context,
      concurrency: this.settings.WORKER_CONCURRENCY,
      schedule: this.flags.schedule
        ? { sync: this.settings.SYNC_SCHEDULE, reconcile: this.settings.RECONCILE_SCHEDULE, retentionMs: this.settings.RETENTION, historyRetentionMs: this.settings.HISTORY_RETENTION }
        : undefined,
      staleAfterMs: this.settings.WORKER_STALE_AFTER,
      guards: guardsFromSettings(this.settings),
      runTimeoutMs: this.settings.RUN_TIMEOUT,
    });
    metrics?.watchHeartbeat(worker.lastHeartbeatAt);
    // Before "worker started": a supervisor may signal as soon as it reads that line.
    const stop = (signal: string) => {
      this.logger.info({ signal }, 'stopping: finishing the jobs in progress');
      worker.stop().catch((error: unknown) => this.logger.error({ err: error }, 'stopping the worker failed'));
    };
    onShutdownSignal(stop);
    this.logger.info(
      {
        database: target.description,
        concurrency: this.settings.WORKER_CONCURRENCY,
        schedule: this.flags.schedule ? { sync: this.settings.SYNC_SCHEDULE, reconcile: this.settings.RECONCILE_SCHEDULE } : 'off',
        // The heap cap in force (bin/heap-limit.js, or the user's --max-old-space-size): the old space's
        // cap as set, and V8's whole limit (old space plus young generation, whose size varies by Node version).
        oldSpaceMb: oldSpaceCapMb(),
        heapMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
      },
      'worker started',
    );
    await worker.promise;
    await worker.stop();
    this.logger.info('worker stopped');
  }
}

/** How a bound address reads in a URL: every interface as localhost, an IPv6 address in brackets. */
function urlHost(address: string): string {
  if (address === '::' || address === '0.0.0.0') return 'localhost';
  return address.includes(':') ? `[${address}]` : address;
}

/** The --max-old-space-size in force (the last one given, NODE_OPTIONS first, then the command line), or null. */
function oldSpaceCapMb(): number | null {
  const flags = [...(process.env.NODE_OPTIONS ?? '').split(/\s+/), ...process.execArgv];
  const values = flags.flatMap((f) => /^--max[-_]old[-_]space[-_]size=(\d+)$/.exec(f)?.[1] ?? []);
  return values.length > 0 ? Number(values.at(-1)) : null;
}
