// The Odoo side of near-real-time sync: one base.automation rule (trigger on_create_or_write) named
// `odoo-etl: <model>` per synced model, with one ir.actions.server of state 'webhook'; created
// idempotently, listed and removed. Needs Odoo 17+ (16 has no webhook action), the module base_automation
// and an API user in the Settings group (base.automation is theirs only).
//
// Rules are found by their name, actions only through their rule (ir.actions.server.base_automation_id,
// the inverse of base.automation.action_server_ids), never by name: 17.0 and 18.0 store every webhook
// action as "Send Webhook Notification" whatever name it was given, and 19.0 keeps the name but does not
// make it unique (recorded: test/fixtures/odoo/<v>/webhooks/automation-probe.json).
import { OdooAccessError, OdooError, type OdooClient, type RawRecord } from '../odoo/index.ts';
import { webhookModels } from './sources.ts';
import { maskWebhookUrl, scrubToken } from './webhook-url.ts';

export { webhookModels };

export const RULE_PREFIX = 'odoo-etl: ';
export const ruleName = (model: string): string => `${RULE_PREFIX}${model}`;

/** Why webhooks cannot be set up; `exitCode` is what the CLI exits with. */
export class WebhooksUnavailableError extends Error {
  override name = 'WebhooksUnavailableError';
  constructor(
    readonly reason: 'odoo-version' | 'base-automation' | 'rights',
    message: string,
  ) {
    super(message);
  }
  get exitCode(): number {
    return this.reason === 'rights' ? 4 : 3;
  }
}

const RIGHTS = 'the Odoo API user lacks the rights to manage automation rules: it needs Settings / Administration (an admin user); Odoo said: ';

/** Odoo ≥ 17 and base_automation installed, or WebhooksUnavailableError saying what is missing. */
export async function checkWebhookSupport(odoo: OdooClient): Promise<{ version: string }> {
  const v = await odoo.version();
  const major = Number.parseInt(String(v.server_version_info[0]).replace(/^saas~/, ''), 10);
  if (!(major >= 17)) throw new WebhooksUnavailableError('odoo-version', `webhooks are unavailable on Odoo ${v.server_version}: no webhook action before Odoo 17 (the scheduled sync still works)`);
  let modules: RawRecord[];
  try {
    modules = await odoo.searchRead('ir.module.module', { domain: [['name', '=', 'base_automation']], fields: ['state'] });
  } catch (e) {
    if (e instanceof OdooAccessError) throw new WebhooksUnavailableError('rights', RIGHTS + e.serverMessage.split('\n')[0]);
    throw e;
  }
  if (modules[0]?.state !== 'installed') {
    throw new WebhooksUnavailableError('base-automation', 'the Odoo module base_automation (Automation Rules) is not installed: install it in Apps, then run this again');
  }
  return { version: v.server_version };
}

export interface RuleState {
  model: string;
  ruleId: number;
  active: boolean;
  trigger: string;
  /** The rule's webhook actions, oldest first: one when all is well. */
  actionIds: number[];
  /** The first webhook action's (or null). */
  actionId: number | null;
  /** The receiver URL of the first webhook action, its token masked ('' without one). */
  url: string;
}

interface Existing {
  rules: RawRecord[];
  /** The webhook actions of those rules, found by their rule, oldest first. */
  actions: RawRecord[];
}

async function existing(odoo: OdooClient): Promise<Existing> {
  const rules = await odoo.searchRead('base.automation', {
    domain: [['name', '=like', `${RULE_PREFIX}%`]],
    fields: ['name', 'model_name', 'active', 'trigger'],
    order: 'id',
    context: { active_test: false },
  });
  if (rules.length === 0) return { rules, actions: [] };
  const actions = await odoo.searchRead('ir.actions.server', {
    domain: [['base_automation_id', 'in', rules.map((r) => r.id)], ['state', '=', 'webhook']],
    fields: ['webhook_url', 'base_automation_id'],
    order: 'id',
  });
  return { rules, actions };
}

const m2oId = (v: unknown): number | null => (Array.isArray(v) ? (v[0] as number) : typeof v === 'number' ? v : null);
const actionsOf = (rule: RawRecord, actions: RawRecord[]): RawRecord[] => actions.filter((a) => m2oId(a.base_automation_id) === rule.id);

function stateOf(rule: RawRecord, actions: RawRecord[]): RuleState {
  const own = actionsOf(rule, actions);
  return {
    model: String(rule.model_name),
    ruleId: rule.id,
    active: rule.active === true,
    trigger: String(rule.trigger),
    actionIds: own.map((a) => a.id),
    actionId: own[0]?.id ?? null,
    url: maskWebhookUrl(own[0]?.webhook_url as string | undefined),
  };
}

/** The synced models this Odoo has (ir.model): a model of a module not installed gets no rule. */
async function servedModels(odoo: OdooClient, models: string[]): Promise<Map<string, number>> {
  const irModels = await odoo.searchRead('ir.model', { domain: [['model', 'in', models]], fields: ['model'] });
  return new Map(irModels.map((r) => [String(r.model), r.id]));
}

export interface WebhookStatus {
  version: string;
  rules: RuleState[];
  /** Synced models this Odoo has without an active rule with a webhook action. */
  missingModels: string[];
  /** Synced models this Odoo does not have (module not installed): no rule expected. */
  notInOdoo: string[];
}

export async function webhookStatus(odoo: OdooClient, models = webhookModels()): Promise<WebhookStatus> {
  const { version } = await checkWebhookSupport(odoo);
  return guardRights(async () => {
    const served = await servedModels(odoo, models);
    const { rules, actions } = await existing(odoo);
    const states = rules.map((r) => stateOf(r, actions));
    const covered = new Set(states.filter((s) => s.active && s.actionId !== null).map((s) => s.model));
    return {
      version,
      rules: states,
      missingModels: models.filter((m) => served.has(m) && !covered.has(m)),
      notInOdoo: models.filter((m) => !served.has(m)),
    };
  });
}

export interface InstallReport {
  version: string;
  url: string;
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Synced models this Odoo does not have (module not installed): no rule. */
  notInOdoo: string[];
  /** Webhook actions removed because a rule had more than one (each would POST every change). */
  removedActions: number;
}

/**
 * Gives every synced model Odoo has exactly one active `odoo-etl: <model>` rule with exactly one webhook
 * action POSTing to `url`: creates what is missing, updates a changed URL in place, removes a second rule of
 * a model and any extra webhook action of a rule. Running it twice changes nothing.
 */
export async function installWebhooks(odoo: OdooClient, url: string, models = webhookModels()): Promise<InstallReport> {
  const { version } = await checkWebhookSupport(odoo);
  return guardRights(async () => {
    const served = await servedModels(odoo, models);
    const { rules, actions } = await existing(odoo);
    const report: InstallReport = { version, url: maskWebhookUrl(url), created: [], updated: [], unchanged: [], notInOdoo: [], removedActions: 0 };
    for (const model of models) {
      const modelId = served.get(model);
      if (modelId === undefined) {
        report.notInOdoo.push(model);
        continue;
      }
      // 17.0/18.0 replace the name with "Send Webhook Notification"; 19.0 keeps it.
      const action = { name: ruleName(model), state: 'webhook', webhook_url: url, webhook_field_ids: [[6, 0, []]], model_id: modelId, usage: 'base_automation' };
      const [rule, ...doubles] = rules.filter((r) => r.name === ruleName(model) && r.model_name === model);
      if (!rule) {
        // The rule and its action in one call, as Odoo's own form saves them.
        await create(odoo, 'base.automation', { name: ruleName(model), model_id: modelId, trigger: 'on_create_or_write', active: true, action_server_ids: [[0, 0, action]] });
        report.created.push(model);
        continue;
      }
      let changed = false;
      if (doubles.length > 0) {
        await unlink(odoo, 'base.automation', doubles.map((r) => r.id)); // their actions go with them
        report.removedActions += doubles.reduce((n, r) => n + actionsOf(r, actions).length, 0);
        changed = true;
      }
      if (rule.active !== true || rule.trigger !== 'on_create_or_write') {
        await write(odoo, 'base.automation', rule.id, { active: true, trigger: 'on_create_or_write' });
        changed = true;
      }
      const own = actionsOf(rule, actions);
      // Keep the action already posting to `url` if there is one, else the oldest.
      const keep = own.find((a) => a.webhook_url === url) ?? own[0];
      if (!keep) {
        await write(odoo, 'base.automation', rule.id, { action_server_ids: [[0, 0, action]] });
        changed = true;
      } else if (keep.webhook_url !== url) {
        await write(odoo, 'ir.actions.server', keep.id, { webhook_url: url });
        changed = true;
      }
      const extra = own.filter((a) => a !== keep).map((a) => a.id);
      if (extra.length > 0) {
        await unlink(odoo, 'ir.actions.server', extra);
        report.removedActions += extra.length;
        changed = true;
      }
      (changed ? report.updated : report.unchanged).push(model);
    }
    return report;
  }, url);
}

export interface UninstallReport {
  removed: string[];
}

/** Removes every `odoo-etl: …` rule and its actions. */
export async function uninstallWebhooks(odoo: OdooClient): Promise<UninstallReport> {
  await checkWebhookSupport(odoo);
  return guardRights(async () => {
    const { rules } = await existing(odoo);
    // Odoo unlinks a rule's actions with it (base_automation_id is ondelete='cascade').
    if (rules.length > 0) await unlink(odoo, 'base.automation', rules.map((r) => r.id));
    return { removed: rules.map((r) => String(r.model_name)).sort() };
  });
}

async function unlink(odoo: OdooClient, model: string, ids: number[]): Promise<void> {
  await odoo.call({ model, method: 'unlink', ids, kwargs: {} });
}

async function create(odoo: OdooClient, model: string, values: Record<string, unknown>): Promise<number> {
  const ids = await odoo.call({ model, method: 'create', positional: ['vals_list'], kwargs: { vals_list: [values] } });
  return Array.isArray(ids) ? (ids[0] as number) : (ids as number);
}

async function write(odoo: OdooClient, model: string, id: number, values: Record<string, unknown>): Promise<void> {
  await odoo.call({ model, method: 'write', ids: [id], positional: ['vals'], kwargs: { vals: values } });
}

/** An access fault while reading or changing the rules → WebhooksUnavailableError('rights'); the URL's token never leaks. */
async function guardRights<T>(fn: () => Promise<T>, url?: string): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof OdooAccessError) throw new WebhooksUnavailableError('rights', RIGHTS + scrub(e.serverMessage.split('\n')[0] ?? '', url));
    if (e instanceof OdooError && url) e.message = scrub(e.message, url);
    throw e;
  }
}

const scrub = (text: string, url?: string): string => (url ? scrubToken(text, url) : text);
