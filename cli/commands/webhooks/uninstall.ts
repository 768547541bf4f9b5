import { WebhooksCommand, type Unavailable } from '../../webhooks-command.ts';
import { uninstallWebhooks, type UninstallReport } from '../../../src/webhooks/odoo-rules.ts';

export default class WebhooksUninstall extends WebhooksCommand<typeof WebhooksUninstall> {
  static override summary = "Remove Odoo's odoo-etl webhook rules and their actions";
  static override description =
    'Deletes every `odoo-etl: <model>` automation rule and webhook action from Odoo. The scheduled sync goes on as ' +
    'before. Exit codes as `webhooks install`.';
  static override examples = ['<%= config.bin %> webhooks uninstall'];
  static override enableJsonFlag = true;

  async run(): Promise<UninstallReport | Unavailable> {
    const odoo = this.odoo();
    const report = await this.guard(() => uninstallWebhooks(odoo));
    if (!this.jsonEnabled() && !('ok' in report)) this.log(report.removed.length > 0 ? `removed the webhook rules of ${report.removed.join(', ')}` : 'no odoo-etl webhook rules in Odoo');
    return report;
  }
}
