// The Odoo side of near-real-time sync: one base.automation rule (trigger on_create_or_write) with one
// ir.actions.server of state 'webhook' per synced model, both named `odoo-etl: <model>`, created
// idempotently, listed and removed. Needs Odoo 17+ (16 has no webhook action), the module base_automation
// and an API user in the Settings group (base.automation is theirs only).
import { entities } from '../entities/index.ts';
import { OdooAccessError, OdooError, type OdooClient, type RawRecord } from '../odoo/index.ts';
import { maskWebhookUrl, scrubToken } from './webhook-url.ts';

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

/**
 * The models whose changes a webhook can bring in: the sources of the incremental entities (snapshot
 * entities are re-read whole, derived ones read no records). The receiver accepts the same list.
 */
export function webhookModels(): string[] {
  const models = new Set<string>();
  for (const e of entities) if (e.sync === 'incremental') for (const s of e.sources) if (!s.selectionOf) models.add(s.model);
  return [...models].sort();
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
  actionId: number | null;
  /** The receiver URL with its token masked. */
  url: string;
}

interface Existing {
  rules: RawRecord[];
  actions: RawRecord[];
}

async function existing(odoo: OdooClient): Promise<Existing> {
  const domain: [string, string, unknown][] = [['name', '=like', `${RULE_PREFIX}%`]];
  const context = { active_test: false };
  const [rules, actions] = await Promise.all([
    odoo.searchRead('base.automation', { domain, fields: ['name', 'model_name', 'active', 'trigger'], order: 'id', context }),
    odoo.searchRead('ir.actions.server', { domain: [...domain, ['usage', '=', 'base_automation']], fields: ['name', 'model_name', 'state', 'webhook_url', 'base_automation_id'], order: 'id' }),
  ]);
  return { rules, actions };
}

const m2oId = (v: unknown): number | null => (Array.isArray(v) ? (v[0] as number) : typeof v === 'number' ? v : null);

function stateOf(rule: RawRecord, actions: RawRecord[]): RuleState {
  const action = actions.find((a) => m2oId(a.base_automation_id) === rule.id && a.state === 'webhook');
  return {
    model: String(rule.model_name),
    ruleId: rule.id,
    active: rule.active === true,
    trigger: String(rule.trigger),
    actionId: action?.id ?? null,
    url: maskWebhookUrl(action?.webhook_url as string | undefined),
  };
}

export interface WebhookStatus {
  version: string;
  rules: RuleState[];
  /** Synced models without an active rule with a webhook action. */
  missingModels: string[];
}

export async function webhookStatus(odoo: OdooClient, models = webhookModels()): Promise<WebhookStatus> {
  const { version } = await checkWebhookSupport(odoo);
  const { rules, actions } = await guardRights(() => existing(odoo));
  const states = rules.map((r) => stateOf(r, actions));
  const covered = new Set(states.filter((s) => s.active && s.actionId !== null).map((s) => s.model));
  return { version, rules: states, missingModels: models.filter((m) => !covered.has(m)) };
}

export interface InstallReport {
  version: string;
  url: string;
  created: string[];
  updated: string[];
  unchanged: string[];
  /** Synced models this Odoo does not have (module not installed): no rule. */
  notInOdoo: string[];
}

/** Creates or updates the rule and webhook action of every model; running it twice changes nothing. */
export async function installWebhooks(odoo: OdooClient, url: string, models = webhookModels()): Promise<InstallReport> {
  const { version } = await checkWebhookSupport(odoo);
  return guardRights(async () => {
    const irModels = await odoo.searchRead('ir.model', { domain: [['model', 'in', models]], fields: ['model'] });
    const modelIds = new Map(irModels.map((r) => [String(r.model), r.id]));
    const { rules, actions } = await existing(odoo);
    const report: InstallReport = { version, url: maskWebhookUrl(url), created: [], updated: [], unchanged: [], notInOdoo: [] };
    for (const model of models) {
      const modelId = modelIds.get(model);
      if (modelId === undefined) {
        report.notInOdoo.push(model);
        continue;
      }
      let changed = false;
      let rule = rules.find((r) => r.name === ruleName(model) && r.model_name === model);
      if (!rule) {
        const id = await create(odoo, 'base.automation', { name: ruleName(model), model_id: modelId, trigger: 'on_create_or_write', active: true });
        rule = { id, name: ruleName(model), model_name: model, active: true, trigger: 'on_create_or_write' };
        report.created.push(model);
      } else if (rule.active !== true || rule.trigger !== 'on_create_or_write') {
        await write(odoo, 'base.automation', rule.id, { active: true, trigger: 'on_create_or_write' });
        changed = true;
      }
      const action = actions.find((a) => m2oId(a.base_automation_id) === rule.id);
      const actionValues = { state: 'webhook', webhook_url: url, webhook_field_ids: [[6, 0, []]] };
      if (!action) {
        await create(odoo, 'ir.actions.server', { name: ruleName(model), model_id: modelId, usage: 'base_automation', base_automation_id: rule.id, ...actionValues });
        if (!report.created.includes(model)) changed = true;
      } else if (action.webhook_url !== url || action.state !== 'webhook') {
        await write(odoo, 'ir.actions.server', action.id, actionValues);
        changed = true;
      }
      if (report.created.includes(model)) continue;
      (changed ? report.updated : report.unchanged).push(model);
    }
    return report;
  }, url);
}

export interface UninstallReport {
  removed: string[];
}

/** Removes every `odoo-etl: …` rule and its webhook action. */
export async function uninstallWebhooks(odoo: OdooClient): Promise<UninstallReport> {
  await checkWebhookSupport(odoo);
  return guardRights(async () => {
    const { rules, actions } = await existing(odoo);
    // The actions first: Odoo cascades them with their rule, but a stray action (rule deleted by hand) stays.
    if (actions.length > 0) await odoo.call({ model: 'ir.actions.server', method: 'unlink', ids: actions.map((a) => a.id), kwargs: {} });
    if (rules.length > 0) await odoo.call({ model: 'base.automation', method: 'unlink', ids: rules.map((r) => r.id), kwargs: {} });
    return { removed: rules.map((r) => String(r.model_name)).sort() };
  });
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
