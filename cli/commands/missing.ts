import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.ts';
import { getMissing, renderMissing, type MissingReport } from '../../src/ops/missing.ts';

export default class Missing extends BaseCommand<typeof Missing> {
  static override summary = 'List the missing references (rows that pointed at a parent not in the warehouse), grouped, with examples and reasons';
  static override description =
    'A row that references a parent not loaded yet (an order line whose product arrived later, an employee of a ' +
    'department the API user cannot read) is loaded anyway: the parent gets an inferred row (inferred = true, only its ' +
    'key) so the foreign key holds, and the reference is recorded in missing_data. The heal step at the end of every ' +
    'run fetches exactly those parents from Odoo. This lists them grouped by table, column and referenced model, with ' +
    'counts of open and healed ones, a few examples, and why the open ones cannot heal.';
  static override examples = ['<%= config.bin %> missing', '<%= config.bin %> missing --open --json'];
  static override enableJsonFlag = true;
  static override flags = {
    open: Flags.boolean({ description: 'only references that are still open (not healed)', default: false }),
  };

  async run(): Promise<MissingReport> {
    const { pool } = await this.openMigratedDatabase({ maximumPoolSize: 2 });
    const report = await getMissing(pool, { openOnly: this.flags.open });
    if (!this.jsonEnabled()) for (const line of renderMissing(report)) this.log(line);
    return report;
  }
}
