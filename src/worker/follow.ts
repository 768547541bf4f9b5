/**
 * Processing a run in this process until it ends: a graphile-worker runner (other workers may help),
 * polled for the run's state. What `odoo-etl sync` does without `--no-wait`, and the programmatic API.
 */
import type { SyncContext } from '../sync/context.ts';
import { getRunReport, isFinished, type RunReport } from '../sync/run-report.ts';
import { isConnectionError } from '../db/connection-errors.ts';
import type { DatabaseGuards } from '../db/pool.ts';
import { startWorker } from './runner.ts';

/** How long the run's database may stay unreachable (a restart, a failover) before `sync` gives up. */
export const DEFAULT_RECONNECT_WINDOW_MS = 10 * 60_000;

export interface FollowOptions {
  connectionString: string;
  context: SyncContext;
  runId: number;
  concurrency: number;
  /** Called with the run's state every poll (progress display). */
  onProgress?: (report: RunReport) => void;
  pollMs?: number;
  /** WORKER_STALE_AFTER: jobs of workers silent this long (a killed `sync`) are freed and processed here. */
  staleAfterMs?: number;
  /** RUN_TIMEOUT, for the housekeeping this process does while it follows. */
  runTimeoutMs?: number;
  /** Stops following (the run goes on in other workers, or in the next `sync`). */
  signal?: AbortSignal;
  guards?: DatabaseGuards;
  /** How long a lost database connection is waited out, with backoff, before following fails. */
  reconnectWindowMs?: number;
}

export async function followRun(options: FollowOptions): Promise<RunReport> {
  const worker = await startWorker({
    connectionString: options.connectionString,
    context: options.context,
    concurrency: options.concurrency,
    guards: options.guards,
    staleAfterMs: options.staleAfterMs,
    runTimeoutMs: options.runTimeoutMs,
  });
  let crashed: unknown;
  worker.promise.catch((error: unknown) => {
    crashed = error;
  });
  const log = options.context.logger;
  const window = options.reconnectWindowMs ?? DEFAULT_RECONNECT_WINDOW_MS;
  let lostSince: number | undefined;
  try {
    for (let delay = options.pollMs ?? 250; ; ) {
      let report: RunReport;
      try {
        report = await getRunReport(options.context.pool, options.runId);
      } catch (error) {
        // The database restarting: the worker's own connections wait it out too; keep polling, with backoff.
        if (!isConnectionError(error)) throw error;
        lostSince ??= Date.now();
        if (Date.now() - lostSince > window) throw error;
        if (delay === (options.pollMs ?? 250)) log.warn({ err: error, runId: options.runId }, 'database connection lost; reconnecting');
        delay = Math.min(delay * 2, 5_000);
        await new Promise((resolve) => setTimeout(resolve, delay));
        continue;
      }
      if (lostSince !== undefined) log.warn({ runId: options.runId, downMs: Date.now() - lostSince }, 'database connection back');
      lostSince = undefined;
      delay = options.pollMs ?? 250;
      options.onProgress?.(report);
      if (isFinished(report.run) || options.signal?.aborted) return report;
      if (crashed) throw crashed;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  } finally {
    await worker.stop();
  }
}
