import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.ts';
import { guardsFromSettings } from '../../src/db/pool.ts';
import { followRun } from '../../src/worker/follow.ts';
import { openRun } from '../../src/sync/attach.ts';
import type { RunReport } from '../../src/sync/run-report.ts';
import { createProgressRenderer, progressMode } from '../../src/ops/progress.ts';
import { runSummaryLines } from '../../src/ops/summary.ts';
import { formatDuration, formatTime } from '../../src/ops/format.ts';
import { describeAttach } from '../../src/ops/attach-line.ts';
import { stoppedHolders } from '../../src/ops/stopped-holders.ts';
import { lockedTableQueues } from '../../src/db/graphile-worker-internals.ts';
import { entityNames } from '../../src/entities/index.ts';
import { onShutdownSignal } from '../../src/worker/signals.ts';

/** The exit code of a command stopped by a signal, as a shell reports it: 128 + the signal's number. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/**
 * `odoo-etl sync`: queues a run (src/sync/run.ts: etl.start_run queues one job per entity) or attaches to
 * one in progress (src/sync/attach.ts), then processes it here (src/worker/follow.ts starts a graphile-worker
 * runner) until it ends. What each job does is the task tasks/sync_entity.ts: plan, read and commit the
 * entity's batches (src/sync/step/). ARCHITECTURE.md follows one sync from here to the SQL.
 */
export default class Sync extends BaseCommand<typeof Sync> {
  static override summary = 'Sync Odoo into the warehouse: enqueue a run and follow it to the end';
  static override description =
    'Enqueues a run of the given entities (all by default) in the job queue inside the target database and, unless ' +
    '--no-wait, processes it in this process until it ends, then prints a summary per entity. Incremental by default: ' +
    'each entity reads what changed since its watermark (minus the LOOKBACK window); --full re-reads everything. ' +
    'When a run is already in progress (a `sync` that was interrupted, a scheduled run), `sync` attaches to it instead ' +
    'of starting another: it processes that run\'s jobs here (freeing those of a dead process once it has been silent ' +
    'for WORKER_STALE_AFTER) and shows its progress to the end. It attaches only to a run that covers every table asked ' +
    'for (with --entity, a run of all tables covers it; with --full, only a full run does). A running run that covers ' +
    'some of them but not all makes this one refuse (exit 1): a table is never synced by two runs at once; wait for ' +
    'it, or end it with `odoo-etl runs cancel <id>`. With --no-wait, a covering run in progress means nothing is ' +
    'queued (exit 0).\n\n' +
    'SIGINT (Ctrl+C) or SIGTERM stops it the way `worker` stops: no new job is taken, each running job commits the ' +
    'batch in hand and hands the rest over, its jobs and heartbeat are released, and it exits 130 (SIGINT) or 143 ' +
    '(SIGTERM); the run stays open, and the next `sync` (or a worker) resumes it at once. A second signal exits at once.\n\n' +
    'Exit code 0 when every entity succeeded or was skipped, 1 when one failed or the run was cancelled or could not ' +
    'start, 2 for bad settings or flags, 130/143 when stopped by SIGINT/SIGTERM.';
  static override examples = [
    '<%= config.bin %> sync',
    '<%= config.bin %> sync --entity fact_stock',
    '<%= config.bin %> sync --entity dim_products --entity fact_sales_lines --full',
    '<%= config.bin %> sync --no-wait   # leave the run to `odoo-etl worker`',
    '<%= config.bin %> sync --json',
  ];
  static override enableJsonFlag = true;
  static override flags = {
    entity: Flags.string({
      char: 'e',
      multiple: true,
      description: `table to sync (repeatable); one of: ${entityNames().join(', ')}`,
    }),
    full: Flags.boolean({ description: 're-read every record instead of the changes since the watermark', default: false }),
    wait: Flags.boolean({ description: 'process the run here and wait for it to end (--no-wait only enqueues it)', default: true, allowNo: true }),
    concurrency: Flags.integer({ description: 'jobs processed at once in this process [env: WORKER_CONCURRENCY]', min: 1 }),
    'batch-size': Flags.integer({ description: 'records per Odoo call [env: BATCH_SIZE]', min: 1 }),
    quiet: Flags.boolean({ char: 'q', description: 'no live progress: only the summary at the end', default: false }),
  };

  /** Live progress owns the terminal: info logs would tear its frame, so the console gets warnings only. */
  protected override consoleLogLevel(): string | undefined {
    const mode = progressMode({ json: this.flags.json, quiet: this.flags.quiet, isTTY: process.stdout.isTTY });
    return mode === 'tty' && this.flags.wait ? 'warn' : undefined;
  }

  protected override settingsFromFlags() {
    return { WORKER_CONCURRENCY: this.flags.concurrency, BATCH_SIZE: this.flags['batch-size'] };
  }

  async run(): Promise<{ runId: number; started: boolean; attached?: boolean; reason?: string; report?: RunReport; stoppedBy?: string }> {
    const entities = this.entitiesFromFlags(this.flags.entity);
    if (this.flags.wait) this.requireSettings(['odoo']);

    const { target, pool } = await this.openMigratedDatabase();
    // Processing here: make sure Odoo answers and takes the login first, rather than after each entity's retries.
    const context = this.flags.wait ? this.syncContext(pool) : undefined;
    if (context) {
      await context.session().catch((error: unknown) => {
        const { ODOO_URL, ODOO_DB, ODOO_USERNAME } = this.settings;
        this.error(
          `Odoo at ${ODOO_URL} (database ${ODOO_DB}, user ${ODOO_USERNAME}): ${(error as Error).message}\n` +
            'Nothing was queued. `odoo-etl check` tests the connection, the login and the models step by step.',
          { exit: 1 },
        );
      });
    }

    // From here on a signal stops the run's processing here cleanly (as `worker` does) instead of killing the
    // process with its jobs locked and its heartbeat left behind, which made the next sync wait WORKER_STALE_AFTER.
    const stopping = new AbortController();
    let stoppedBy: string | undefined;
    if (context) {
      onShutdownSignal((signal) => {
        stoppedBy = signal;
        this.logToStderr(`${signal}: stopping: the jobs in progress commit the batch in hand and hand over; send it again to exit at once`);
        stopping.abort();
      });
    }

    const staleAfterMs = this.settings.WORKER_STALE_AFTER;
    const { runId, attached: running, notStarted } = await openRun(pool, {
      entities,
      full: this.flags.full,
      staleAfterMs,
      trigger: 'cli',
      history: this.settings.HISTORY,
      logger: this.logger,
    });
    if (running) {
      if (!context) {
        this.log(`run ${runId} (started ${formatTime(running.startedAt)} by ${running.trigger}) is in progress and covers these entities: nothing queued`);
        return { runId, started: false, attached: false };
      }
      this.log(describeAttach(running, Date.now(), staleAfterMs));
    } else {
      if (notStarted !== undefined) {
        this.logToStderr(`run ${runId} not started: ${notStarted} (see \`odoo-etl runs\`; \`odoo-etl runs cancel <id>\` ends a run)`);
        this.exit(1);
      }
      if (!context) {
        this.log(`run ${runId} queued (${entities.length} entities); a running \`odoo-etl worker\` will process it`);
        return { runId, started: true };
      }
      this.log(`run ${runId}: ${this.flags.full ? 'full' : 'incremental'} sync of ${entities.length} entities from ${this.settings.ODOO_URL}`);
    }
    // A table whose queue a stopped process still locks (a killed `sync`, a cancelled run's job) waits: say why, and how long.
    for (const holder of await stoppedHolders(pool, await lockedTableQueues(pool, entities), staleAfterMs)) {
      this.log(
        `${holder.entities.join(', ')} wait${holder.entities.length > 1 ? '' : 's'}: ${holder.entities.length > 1 ? 'their queues are' : 'its queue is'} ` +
          `held by ${holder.process}, which stopped (last seen ${formatDuration(holder.lastSeenAgoMs)} ago); this sync frees ` +
          `${holder.entities.length > 1 ? 'them' : 'it'} WORKER_STALE_AFTER (${formatDuration(staleAfterMs)}) after its last sign of life: in about ${formatDuration(holder.freedInMs)}`,
      );
    }
    const progress = createProgressRenderer({
      mode: progressMode({ json: this.jsonEnabled(), quiet: this.flags.quiet, isTTY: process.stdout.isTTY }),
      stream: process.stdout,
    });
    const report = await followRun({
      connectionString: target.url,
      context: context!, // --no-wait returned above in both branches
      runId,
      concurrency: this.settings.WORKER_CONCURRENCY,
      guards: guardsFromSettings(this.settings),
      staleAfterMs,
      runTimeoutMs: this.settings.RUN_TIMEOUT,
      onProgress: (r) => progress.update(r),
      signal: stopping.signal,
    });
    if (stoppedBy && report.run.status === 'running') {
      progress.finish(report);
      this.logToStderr(
        `run ${runId} stopped here on ${stoppedBy}: its jobs and this process's heartbeat are released; ` +
          'the next `odoo-etl sync` (or a running worker) resumes it from the last committed batches at once',
      );
      process.exitCode = SIGNAL_EXIT[stoppedBy] ?? 1;
      return { runId, started: !running, attached: running !== undefined, report, stoppedBy };
    }
    progress.finish(report);
    if (!this.jsonEnabled()) this.printSummary(report);
    // Not this.exit(1): under --json oclif would print a second JSON document (the exit error) after the result.
    if (report.run.status === 'failed' || report.run.status === 'cancelled') process.exitCode = 1;
    return { runId, started: !running, attached: running !== undefined, report };
  }

  private printSummary(report: RunReport): void {
    for (const line of runSummaryLines(report)) this.log(line);
  }
}
