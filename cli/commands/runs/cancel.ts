import { Args } from '@oclif/core';
import { BaseCommand } from '../../base-command.ts';
import { cancelRun, describeCancel, type CancelResult } from '../../../src/ops/runs.ts';

export default class RunsCancel extends BaseCommand<typeof RunsCancel> {
  static override summary = 'End a running run now: it ends `cancelled`, its waiting jobs are removed';
  static override description =
    'The run and its unfinished steps end with status `cancelled` and the error "cancelled by <user>@<host>". Its ' +
    'waiting jobs are removed from the queue; jobs running at this moment stop at their next batch boundary (the ' +
    'batch\'s commit finds the run ended and rolls back, so nothing is half committed). Tables keep every batch ' +
    'committed before the cancel, and the next run goes on from there. Works from any machine that reaches the ' +
    'database; the workers need no signal.\n\n' +
    'Jobs held by a process that stopped (killed, or paused) commit nothing more either, but their tables\' queues ' +
    'stay locked until they are freed WORKER_STALE_AFTER after its last heartbeat: the command says so and how long.\n\n' +
    'Exit code 0 when the run was cancelled, 1 when there is no such run or it had already ended, 2 for a bad run id.';
  static override examples = ['<%= config.bin %> runs cancel 42', '<%= config.bin %> runs cancel 42 --json'];
  static override enableJsonFlag = true;
  static override args = {
    id: Args.integer({ description: 'the run (see `odoo-etl runs`)', required: true, min: 1 }),
  };

  async run(): Promise<CancelResult> {
    const { pool } = await this.openMigratedDatabase({ maximumPoolSize: 2 });
    const id = this.args.id as number;
    const result = await cancelRun(pool, id, { staleAfterMs: this.settings.WORKER_STALE_AFTER });
    if (!result.cancelled) {
      const why = result.state === null ? `there is no run ${id}` : `run ${id} is not running (it is ${result.state})`;
      if (!this.jsonEnabled()) this.logToStderr(`nothing to cancel: ${why}`);
      process.exitCode = 1;
      return result;
    }
    if (!this.jsonEnabled()) for (const line of describeCancel(result, this.settings.WORKER_STALE_AFTER)) this.log(line);
    return result;
  }
}
