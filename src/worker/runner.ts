/**
 * Starts graphile-worker on the target database with odoo-etl's tasks and, for `odoo-etl worker`,
 * its cron schedules. Used by the long-running `worker` command and in-process by `sync`.
 */
import { SETTING_DEFAULTS } from '../config.ts';
import { makeWorkerUtils, parseCronItems, run, type Runner, type WorkerUtils } from 'graphile-worker';
import { lockHolderEvents } from '../db/graphile-worker-internals.ts';
import { toGraphileLogger } from '../db/migrate.ts';
import { DEFAULT_GUARDS, type DatabaseGuards } from '../db/pool.ts';
import { createWorkerPgPool } from '../db/worker-pool.ts';
import type { SyncContext } from '../sync/context.ts';
import { Heartbeat } from './heartbeat.ts';
import { guardJobLocks } from './job-lock.ts';
import { cronItems, type ScheduleSettings } from './schedule.ts';
import { makeTaskList } from '../../tasks/index.ts';

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
  /** Statement and idle-in-transaction timeouts of the worker's connections (DB_STATEMENT_TIMEOUT, ...). */
  guards?: DatabaseGuards;
  /** RUN_TIMEOUT: when the housekeeping ends a run that is still going (default: the setting's). */
  runTimeoutMs?: number;
}

export async function startWorker(options: StartWorkerOptions): Promise<WorkerHandle> {
  const { context } = options;
  // Each job is completed only while this worker still holds it (job-lock.ts).
  const taskList = guardJobLocks(makeTaskList(context), context.pool, context.logger.child({ component: 'worker' }));
  const logger = toGraphileLogger(context.logger.child({ component: 'worker' }));
  // One pool of ours for the utils and the runner: it survives a database restart (see worker-pool.ts).
  const pgPool = createWorkerPgPool(options.connectionString, options.guards ?? DEFAULT_GUARDS, context.logger, Math.max(10, options.concurrency + 2));
  const utils = await makeWorkerUtils({ pgPool, logger }).catch(async (error: unknown) => {
    await pgPool.end();
    throw error;
  });
  const heartbeat = new Heartbeat(context.pool, utils, Object.keys(taskList), context.logger, options.staleAfterMs ?? SETTING_DEFAULTS.WORKER_STALE_AFTER, undefined, options.runTimeoutMs);

  const runner = await run({
    pgPool,
    concurrency: options.concurrency,
    taskList,
    parsedCronItems: options.schedule ? parseCronItems(cronItems(options.schedule)) : [],
    noHandleSignals: true,
    // A stopping worker tells its jobs at once (helpers.abortSignal): a sync job commits the batch in hand
    // and hands over (tasks/sync_entity.ts), so SIGINT/SIGTERM end in seconds, not a whole job budget.
    preset: { worker: { gracefulShutdownAbortTimeout: 0 } },
    pollInterval: options.pollIntervalMs ?? 1000,
    logger,
    // The heartbeat vouches for the id the jobs are locked with.
    events: lockHolderEvents((id) => heartbeat.add(id)),
  }).catch(async (error: unknown) => {
    await utils.release();
    await pgPool.end();
    throw error;
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
        await pgPool.end();
      }
    })());
  return { runner, utils, stop, promise: runner.promise, lastHeartbeatAt: () => heartbeat.lastBeatAt };
}
