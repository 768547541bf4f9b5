import { Flags } from '@oclif/core';
import { BaseCommand } from '../base-command.ts';
import { entityNames } from '../../src/entities/index.ts';
import { reconcileDeletions, type ReconcileResult } from '../../src/sync/reconcile.ts';

export default class Reconcile extends BaseCommand<typeof Reconcile> {
  static override summary = 'Mark rows deleted in Odoo as deleted (and revive rows whose record came back)';
  static override description =
    "Odoo leaves no trace of a deleted record, so a write_date cursor never sees deletes. This compares Odoo's id set " +
    "(ids only: cheap) with each table's and sets deleted_at on rows whose record is gone, or clears it when an id " +
    'reappears. Runs on the RECONCILE_SCHEDULE in `odoo-etl worker`; this command runs it now.';
  static override examples = ['<%= config.bin %> reconcile', '<%= config.bin %> reconcile --entity dim_customers --json'];
  static override enableJsonFlag = true;
  static override flags = {
    entity: Flags.string({ char: 'e', multiple: true, description: `table to reconcile (repeatable); one of: ${entityNames().join(', ')}` }),
  };
  protected override requires: Array<'odoo'> = ['odoo'];

  async run(): Promise<{ results: ReconcileResult[] }> {
    const entities = this.entitiesFromFlags(this.flags.entity);
    const { pool } = await this.openMigratedDatabase();
    const context = this.syncContext(pool);
    const results = await reconcileDeletions(context, { entities });
    for (const r of results) {
      this.log(`${r.entity.padEnd(26)} ${r.status.padEnd(9)} odoo ${String(r.odooIds).padStart(8)}  deleted ${r.deleted}  restored ${r.restored}${r.note ? `  ${r.note}` : ''}`);
    }
    return { results };
  }
}
