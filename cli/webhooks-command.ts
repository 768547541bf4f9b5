/**
 * What `webhooks install|status|uninstall` share: the Odoo client of the settings, and the way a missing
 * capability ends (its own exit code, the reason under --json too). Exit codes: 0 done, 1 an Odoo call
 * failed, 2 bad usage or configuration, 3 unavailable on this Odoo (version 16, or base_automation not
 * installed), 4 the API user lacks the rights (not in Settings / Administration).
 */
import type { Command } from '@oclif/core';
import { BaseCommand } from './base-command.ts';
import type { OdooClient } from '../src/odoo/index.ts';
import { odooClientFromSettings } from '../src/sync/context.ts';
import { WebhooksUnavailableError } from '../src/webhooks/odoo-rules.ts';

export interface Unavailable {
  ok: false;
  reason: WebhooksUnavailableError['reason'];
  message: string;
}

export abstract class WebhooksCommand<T extends typeof Command> extends BaseCommand<T> {
  protected override requires: Array<'odoo'> = ['odoo'];

  protected odoo(): OdooClient {
    const odoo = odooClientFromSettings(this.settings, this.logger);
    this.onClose(async () => odoo.close());
    return odoo;
  }

  /** Runs `fn`; a WebhooksUnavailableError becomes its exit code and a report saying why. */
  protected async guard<R>(fn: () => Promise<R>): Promise<R | Unavailable> {
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof WebhooksUnavailableError)) throw e;
      const message = this.scrub(e.message);
      if (!this.jsonEnabled()) this.logToStderr(message);
      process.exitCode = e.exitCode;
      return { ok: false, reason: e.reason, message };
    }
  }
}
