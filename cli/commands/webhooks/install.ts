import { Flags } from '@oclif/core';
import { WebhooksCommand, type Unavailable } from '../../webhooks-command.ts';
import { installWebhooks, type InstallReport } from '../../../src/webhooks/odoo-rules.ts';
import { checkWebhookToken, validateWebhookUrl, WebhookUrlError } from '../../../src/webhooks/webhook-url.ts';

export default class WebhooksInstall extends WebhooksCommand<typeof WebhooksInstall> {
  static override summary = "Create Odoo's webhook rules for the synced models (Odoo 17+, idempotent)";
  static override description =
    'For every model the incremental tables read, creates in Odoo one automation rule (base.automation, on create ' +
    'and update) with one "Send Webhook Notification" action that POSTs {"_model", "_id", "_action"} to --url, both ' +
    'the rule named `odoo-etl: <model>` (17.0/18.0 name every webhook action "Send Webhook Notification": actions are ' +
    'found through their rule, never by name). Running it again creates nothing twice, updates a changed URL in place ' +
    'and removes any second webhook action of a rule (it would POST every change twice). Needs Odoo 17 ' +
    'or later, the module base_automation (Automation Rules) and an API user with Settings / Administration rights.\n\n' +
    'The token in the URL is the shared secret (WEBHOOK_TOKEN of the worker): it is never printed.\n\n' +
    'Exit codes: 0 done, 1 an Odoo call failed, 2 bad --url (or its token is not WEBHOOK_TOKEN, when that is set), 3 unavailable on this Odoo (16, or base_automation not ' +
    'installed), 4 the API user lacks the rights.';
  static override examples = ['<%= config.bin %> webhooks install --url https://etl.example.com/webhook/$WEBHOOK_TOKEN'];
  static override enableJsonFlag = true;
  static override flags = {
    url: Flags.string({ description: 'the receiver URL Odoo POSTs to: http(s)://<host>/webhook/<token of ≥ 32 characters>', required: true }),
  };

  async run(): Promise<InstallReport | Unavailable> {
    let url: string;
    try {
      url = validateWebhookUrl(this.flags.url);
      checkWebhookToken(url, this.settings.WEBHOOK_TOKEN);
    } catch (e) {
      if (e instanceof WebhookUrlError) this.error(e.message, { exit: 2 });
      throw e;
    }
    const odoo = this.odoo();
    const report = await this.guard(() => installWebhooks(odoo, url));
    if (!this.jsonEnabled() && !('ok' in report)) {
      this.log(`Odoo ${report.version}: webhook rules for ${report.url}`);
      for (const [label, models] of [['created', report.created], ['updated', report.updated], ['unchanged', report.unchanged]] as const) {
        if (models.length > 0) this.log(`  ${label.padEnd(9)} ${models.join(', ')}`);
      }
      if (report.removedActions > 0) this.log(`  removed   ${report.removedActions} extra webhook action(s) (each POSTed every change once more)`);
      if (report.notInOdoo.length > 0) this.log(`  skipped   ${report.notInOdoo.join(', ')} (not in this Odoo)`);
    }
    return report;
  }
}
