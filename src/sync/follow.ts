/**
 * Processing a run in this process until it ends: a graphile-worker runner (other workers may help),
 * polled for the run's state. What `odoo-etl sync` does without `--no-wait`, and the programmatic API.
 */
import type { SyncContext } from './context.ts';
import { getRunReport, isFinished, type RunReport } from './run-report.ts';
import { startWorker } from '../worker/runner.ts';

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
}

export async function followRun(options: FollowOptions): Promise<RunReport> {
  const worker = await startWorker({
    connectionString: options.connectionString,
    context: options.context,
    concurrency: options.concurrency,
    staleAfterMs: options.staleAfterMs,
    runTimeoutMs: options.runTimeoutMs,
  });
  let crashed: unknown;
  worker.promise.catch((error: unknown) => {
    crashed = error;
  });
  try {
    for (;;) {
      const report = await getRunReport(options.context.pool, options.runId);
      options.onProgress?.(report);
      if (isFinished(report.run) || options.signal?.aborted) return report;
      if (crashed) throw crashed;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
    }
  } finally {
    await worker.stop();
  }
}
