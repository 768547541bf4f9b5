import { Args } from '@oclif/core';
import { BaseCommand } from '../../base-command.ts';
import { cancelRun, type CancelResult } from '../../../src/ops/runs.ts';

export default class RunsCancel extends BaseCommand<typeof RunsCancel> {
  static override summary = 'End a running run now: it ends `cancelled`, its waiting jobs are removed';
  static override description =
    'The run and its unfinished steps end with status `cancelled` and the error "cancelled by <user>@<host>". Its ' +
    'waiting jobs are removed from the queue; jobs running at this moment stop at their next batch boundary (the ' +
    'batch\'s commit finds the run ended and rolls back, so nothing is half committed). Tables keep every batch ' +
    'committed before the cancel, and the next run goes on from there. Works from any machine that reaches the ' +
    'database; the workers need no signal.\n\n' +
    'Exit code 0 when the run was cancelled, 1 when there is no such run or it had already ended.';
  static override examples = ['<%= config.bin %> runs cancel 42', '<%= config.bin %> runs cancel 42 --json'];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.integer({ description: 'the run (see `odoo-etl runs`)', required: true, min: 1 }),
  };

  async run(): Promise<CancelResult> {
    const { pool } = await this.openMigratedDatabase({ maximumPoolSize: 2 });
    const id = this.args.id as number;
    const result = await cancelRun(pool, id);
    if (!result.cancelled) {
      const why = result.state === null ? `there is no run ${id}` : `run ${id} is not running (it is ${result.state})`;
      if (!this.jsonEnabled()) this.logToStderr(`nothing to cancel: ${why}`);
      process.exitCode = 1;
      return result;
    }
    if (!this.jsonEnabled()) {
      this.log(
        `run ${id} cancelled: ${result.removedJobs} waiting job(s) removed` +
          (result.runningJobs > 0 ? `, ${result.runningJobs} running job(s) stop at their next batch boundary (nothing more is committed)` : ''),
      );
    }
    return result;
  }
}
