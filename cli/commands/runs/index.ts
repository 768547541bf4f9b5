import { Flags } from '@oclif/core';
import { BaseCommand } from '../../base-command.ts';
import { listRuns, renderRuns, type RunSummary } from '../../../src/ops/runs.ts';

export default class Runs extends BaseCommand<typeof Runs> {
  static override summary = 'List the recent runs: trigger, state, start, duration, steps succeeded and failed';
  static override description =
    'Reads the run history in the target database (etl.run, etl.run_entity), newest first. A run is `running`, ' +
    '`succeeded`, `failed` (a step failed, or the run passed RUN_TIMEOUT), `skipped` (another run was syncing the same ' +
    'tables) or `cancelled` (`odoo-etl runs cancel`). The steps are the run\'s tables plus its closing heal_missing ' +
    'step. `odoo-etl sync` output and `status` show one run in detail. History older than RETENTION (default 90d) is ' +
    'pruned daily by the worker.';
  static override examples = ['<%= config.bin %> runs', '<%= config.bin %> runs --limit 100 --json | jq \'.[] | select(.state == "failed")\''];
  static override enableJsonFlag = true;
  static override flags = {
    limit: Flags.integer({ description: 'how many runs, newest first', default: 20, min: 1, max: 10_000 }),
  };

  async run(): Promise<RunSummary[]> {
    const { pool } = await this.openMigratedDatabase({ maximumPoolSize: 2 });
    const runs = await listRuns(pool, { limit: this.flags.limit });
    if (!this.jsonEnabled()) for (const line of renderRuns(runs)) this.log(line);
    return runs;
  }
}
