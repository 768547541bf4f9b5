import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.ts';
import { guardsFromSettings } from '../../src/db/pool.ts';
import { followRun } from '../../src/sync/follow.ts';
import { startRun } from '../../src/sync/run.ts';
import type { RunReport } from '../../src/sync/run-report.ts';
import { createProgressRenderer, progressMode } from '../../src/ops/progress.ts';
import { runSummaryLines } from '../../src/ops/summary.ts';
import { entityNames } from '../../src/entities/index.ts';

export default class Sync extends BaseCommand<typeof Sync> {
  static override summary = 'Sync Odoo into the warehouse: enqueue a run and follow it to the end';
  static override description =
    'Enqueues a run of the given entities (all by default) in the job queue inside the target database and, unless ' +
    '--no-wait, processes it in this process until it ends, then prints a summary per entity. Incremental by default: ' +
    'each entity reads what changed since its watermark (minus the LOOKBACK window); --full re-reads everything. ' +
    'Exit code 0 when every entity succeeded or was skipped, 1 when one failed, 2 for bad settings or flags.';
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

  async run(): Promise<{ runId: number; started: boolean; reason?: string; report?: RunReport }> {
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

    const run = await startRun(pool, { entities, full: this.flags.full, trigger: 'cli' });
    if (!run.started) {
      this.logToStderr(`run ${run.runId} not started: ${run.reason}`);
      this.exit(1);
    }
    if (!context) {
      this.log(`run ${run.runId} queued (${entities.length} entities); a running \`odoo-etl worker\` will process it`);
      return { runId: run.runId, started: true };
    }

    this.log(`run ${run.runId}: ${this.flags.full ? 'full' : 'incremental'} sync of ${entities.length} entities from ${this.settings.ODOO_URL}`);
    const progress = createProgressRenderer({
      mode: progressMode({ json: this.jsonEnabled(), quiet: this.flags.quiet, isTTY: process.stdout.isTTY }),
      stream: process.stdout,
    });
    const report = await followRun({
      connectionString: target.url,
      context,
      runId: run.runId,
      concurrency: this.settings.WORKER_CONCURRENCY,
      guards: guardsFromSettings(this.settings),
      onProgress: (r) => progress.update(r),
    });
    progress.finish(report);
    if (!this.jsonEnabled()) this.printSummary(report);
    // Not this.exit(1): under --json oclif would print a second JSON document (the exit error) after the result.
    if (report.run.status === 'failed') process.exitCode = 1;
    return { runId: run.runId, started: true, report };
  }

  private printSummary(report: RunReport): void {
    for (const line of runSummaryLines(report)) this.log(line);
  }
}
