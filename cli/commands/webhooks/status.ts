import { WebhooksCommand, type Unavailable } from '../../webhooks-command.ts';
import { webhookStatus, type WebhookStatus } from '../../../src/webhooks/odoo-rules.ts';

export default class WebhooksStatus extends WebhooksCommand<typeof WebhooksStatus> {
  static override summary = "List Odoo's odoo-etl webhook rules: model, active, URL (token masked), and synced models without one";
  static override description =
    'Reads the `odoo-etl: <model>` automation rules from Odoo, and their webhook actions through each rule ' +
    '(base_automation_id), not by name. The URL is shown with its token masked; a rule with several webhook actions ' +
    '(each POSTs every change) says so. "without a rule" lists the synced models this Odoo has that no active rule ' +
    'covers. Exit codes as `webhooks install` (3: unavailable on this Odoo, 4: missing rights).';
  static override examples = ['<%= config.bin %> webhooks status', '<%= config.bin %> webhooks status --json'];
  static override enableJsonFlag = true;

  async run(): Promise<WebhookStatus | Unavailable> {
    const odoo = this.odoo();
    const status = await this.guard(() => webhookStatus(odoo));
    if (!this.jsonEnabled() && !('ok' in status)) {
      this.log(`Odoo ${status.version}: ${status.rules.length} odoo-etl webhook rule(s)`);
      for (const r of status.rules) {
        const extra = r.actionIds.length > 1 ? ` (+${r.actionIds.length - 1} more webhook action(s): every change is POSTed ${r.actionIds.length} times; run webhooks install)` : '';
        this.log(`  ${r.model.padEnd(22)} ${(r.active ? 'active' : 'inactive').padEnd(9)} ${r.actionId === null ? '(no webhook action)' : r.url}${extra}`);
      }
      if (status.missingModels.length > 0) this.log(`  without a rule: ${status.missingModels.join(', ')}`);
    }
    return status;
  }
}
