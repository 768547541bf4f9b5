/**
 * Starts graphile-worker on the target database with odoo-etl's tasks and, for `odoo-etl worker`,
 * its cron schedules. Used by the long-running `worker` command and in-process by `sync`.
 */
import { EventEmitter } from 'node:events';
import { makeWorkerUtils, parseCronItems, run, type Runner, type WorkerEvents, type WorkerUtils } from 'graphile-worker';
import { toGraphileLogger } from '../db/migrate.ts';
import type { SyncContext } from '../sync/context.ts';
import { Heartbeat } from './heartbeat.ts';
import { cronItems, type ScheduleSettings } from './schedule.ts';
import { makeTaskList } from './task-list.ts';

export interface WorkerHandle {
  runner: Runner;
  utils: WorkerUtils;
  /** Stops taking jobs, lets running ones finish (graceful), releases everything. */
  stop(): Promise<void>;
  /** Resolves when the runner stops, rejects if it crashes. */
  promise: Promise<void>;
  /** When this process last recorded its workers' heartbeat (epoch ms), if it has yet. */
  lastHeartbeatAt(): number | undefined;
}

export interface StartWorkerOptions {
  connectionString: string;
  context: SyncContext;
  concurrency: number;
  /** Cron schedules; none for the in-process worker of `sync`. */
  schedule?: ScheduleSettings;
  /** Poll interval for jobs whose run_at is in the future (retries); new jobs arrive by LISTEN/NOTIFY. */
  pollIntervalMs?: number;
  /** WORKER_STALE_AFTER: when a silent worker's jobs are freed for others. */
  staleAfterMs?: number;
}

export async function startWorker(options: StartWorkerOptions): Promise<WorkerHandle> {
  const { context } = options;
  const taskList = makeTaskList(context);
  const logger = toGraphileLogger(context.logger.child({ component: 'worker' }));
  const utils = await makeWorkerUtils({ connectionString: options.connectionString, logger });
  const heartbeat = new Heartbeat(context.pool, utils, Object.keys(taskList), context.logger, options.staleAfterMs ?? 60_000);

  // Listening before run(): the workers are created while it starts, and a later listener never hears of them.
  const events: WorkerEvents = new EventEmitter();
  events.on('worker:create', ({ worker }) => heartbeat.add(worker.workerId));

  const runner = await run({
    events,
    connectionString: options.connectionString,
    concurrency: options.concurrency,
    taskList,
    parsedCronItems: options.schedule ? parseCronItems(cronItems(options.schedule)) : [],
    noHandleSignals: true,
    pollInterval: options.pollIntervalMs ?? 1000,
    logger,
  });
  heartbeat.start();

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await runner.stop();
      } finally {
        await heartbeat.stop();
        await utils.release();
      }
    })());
  return { runner, utils, stop, promise: runner.promise, lastHeartbeatAt: () => heartbeat.lastBeatAt };
}
