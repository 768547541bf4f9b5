// The models behind Odoo's webhooks, as the simulator serves them: base.automation (module base_automation),
// ir.actions.server and ir.module.module. The recorded fixtures hold no fields_get for them, so these are
// the minimal field sets, read off Odoo's sources (not recorded), with the selections that matter:
//
// - ir.actions.server.state: 'webhook' ("Send Webhook Notification") exists from 17.0 on
//   (odoo/addons/base/models/ir_actions.py, IrActionsServer.state, with webhook_url, webhook_field_ids
//   and the computed webhook_sample_payload). 16.0 has no such value: a create with state='webhook' fails in
//   the Selection field's conversion ("Wrong value for ir.actions.server.state: 'webhook'"), and
//   webhook_url is no field at all ("Invalid field 'webhook_url' on model 'ir.actions.server'", the check in
//   BaseModel.create).
// - base.automation (addons/base_automation/models/base_automation.py): in 16.0 it `_inherits`
//   ir.actions.server (action_server_id); from 17.0 it owns its actions through action_server_ids, the
//   inverse of ir.actions.server.base_automation_id (addons/base_automation/models/ir_actions_server.py).
//   Triggers on_create, on_write, on_create_or_write (17+ keeps on_create/on_write as legacy values).
// - The name (recorded: test/fixtures/odoo/<v>/webhooks/automation-probe.json): 17.0 and 18.0 store
//   "Send Webhook Notification" for an action of state 'webhook' whatever name was given, so several
//   actions share it; 19.0 keeps the given name (its own label is the computed automated_name), unique or
//   not. Actions get sequence 5, and unlinking a rule unlinks its actions, on all three.
// - Access (addons/base_automation/security/ir.model.access.csv): every user may read base.automation,
//   only base.group_system ("Administration/Settings") may create, write or unlink it; ir.actions.server
//   likewise (base/security/ir.model.access.csv).
import { type Db, ModelTable } from './store.ts';
import type { ModelFields, OdooVersion } from './versions.ts';

type Sel = [string, string][];

const STAMPS: ModelFields = {
  display_name: { type: 'char', string: 'Display Name', store: false, readonly: true, required: false },
  create_date: { type: 'datetime', string: 'Created on', store: true, readonly: true, required: false },
  create_uid: { type: 'many2one', string: 'Created by', relation: 'res.users', store: true, readonly: true, required: false },
  write_date: { type: 'datetime', string: 'Last Updated on', store: true, readonly: true, required: false },
  write_uid: { type: 'many2one', string: 'Last Updated by', relation: 'res.users', store: true, readonly: true, required: false },
};

const STATES_16: Sel = [
  ['object_write', 'Update the Record'],
  ['object_create', 'Create a new Record'],
  ['code', 'Execute Python Code'],
  ['multi', 'Execute several actions'],
];
const STATES_17: Sel = [
  ['object_write', 'Update Record'],
  ['object_create', 'Create Record'],
  ['object_copy', 'Duplicate Record'],
  ['code', 'Execute Code'],
  ['webhook', 'Send Webhook Notification'],
  ['multi', 'Execute Existing Actions'],
];
const TRIGGERS: Sel = [
  ['on_create_or_write', 'On save'],
  ['on_create', 'On creation'],
  ['on_write', 'On update'],
  ['on_unlink', 'On deletion'],
  ['on_change', 'On UI change'],
  ['on_time', 'Based on Timed Condition'],
];

const f = (type: string, string: string, extra: Partial<ModelFields[string]> = {}): ModelFields[string] => ({ type, string, store: true, readonly: false, required: false, ...extra });

export function serverActionFields(version: OdooVersion, withAutomation: boolean): ModelFields {
  const modern = version !== '16.0';
  return {
    id: f('integer', 'ID', { readonly: true }),
    name: f('char', 'Action Name', { required: true }),
    type: f('char', 'Action Type', { required: true }),
    model_id: f('many2one', 'Model', { relation: 'ir.model', required: true }),
    model_name: f('char', 'Model Name', { readonly: true }),
    state: f('selection', 'Type', { required: true, selection: modern ? STATES_17 : STATES_16 }),
    usage: f('selection', 'Usage', { required: true, selection: [['ir_actions_server', 'Server Action'], ['ir_cron', 'Scheduled Action'], ...(withAutomation ? ([['base_automation', 'Automation Rule']] as Sel) : [])] }),
    sequence: f('integer', 'Sequence'),
    ...(modern
      ? {
          webhook_url: f('char', 'Webhook URL'),
          webhook_field_ids: f('many2many', 'Webhook Fields', { relation: 'ir.model.fields' }),
          webhook_sample_payload: f('text', 'Sample Payload', { store: false, readonly: true }),
          ...(withAutomation ? { base_automation_id: f('many2one', 'Automation Rule', { relation: 'base.automation' }) } : {}),
        }
      : {}),
    ...STAMPS,
  };
}

export function automationFields(version: OdooVersion): ModelFields {
  const common: ModelFields = {
    id: f('integer', 'ID', { readonly: true }),
    name: f('char', 'Automation Rule Name', { required: true }),
    model_id: f('many2one', 'Model', { relation: 'ir.model', required: true }),
    model_name: f('char', 'Model Name', { readonly: true }),
    trigger: f('selection', 'Trigger', { required: true, selection: TRIGGERS }),
    active: f('boolean', 'Active'),
    filter_domain: f('char', 'Apply on'),
    filter_pre_domain: f('char', 'Before Update Domain'),
    trigger_field_ids: f('many2many', 'Trigger Fields', { relation: 'ir.model.fields' }),
  };
  if (version === '16.0') {
    // 16.0: the rule is a server action (_inherits), its type is the inherited `state`.
    return { ...common, action_server_id: f('many2one', 'Server Actions', { relation: 'ir.actions.server', required: true }), state: f('selection', 'Action To Do', { required: true, selection: STATES_16 }), ...STAMPS };
  }
  return { ...common, action_server_ids: f('one2many', 'Actions', { relation: 'ir.actions.server' }), ...STAMPS };
}

/** The label Odoo 17.0/18.0 give every webhook action in place of its name. */
export const WEBHOOK_ACTION_NAME = 'Send Webhook Notification';

/** The name a server action is stored with, when its state is set: 17.0/18.0 replace a webhook action's. */
export function storedActionName(version: OdooVersion, vals: Record<string, unknown>): { name?: string } {
  return (version === '17.0' || version === '18.0') && vals.state === 'webhook' ? { name: WEBHOOK_ACTION_NAME } : {};
}

export const MODULE_FIELDS: ModelFields = {
  id: f('integer', 'ID', { readonly: true }),
  name: f('char', 'Technical Name', { readonly: true, required: true }),
  shortdesc: f('char', 'Module Name', { readonly: true }),
  state: f('selection', 'Status', {
    readonly: true,
    selection: [
      ['uninstallable', 'Uninstallable'],
      ['uninstalled', 'Not Installed'],
      ['installed', 'Installed'],
      ['to upgrade', 'To be upgraded'],
      ['to remove', 'To be removed'],
      ['to install', 'To be installed'],
    ],
  }),
  ...STAMPS,
};

/** Models whose create/write/unlink over the API need the admin (Settings) group. */
export const AUTOMATION_MODELS: Record<string, string> = {
  'base.automation': 'Automation Rule',
  'ir.actions.server': 'Server Action',
  'ir.module.module': 'Module',
};

/**
 * Serves the automation models in `db`: ir.actions.server and ir.module.module always, base.automation
 * when the module base_automation is installed (the simulator's `baseAutomation` option, default true).
 */
export function installAutomationModels(db: Db, baseAutomation: boolean, stamp: string): void {
  const v = db.version;
  db.tables.set('ir.actions.server', new ModelTable('ir.actions.server', serverActionFields(v, baseAutomation)));
  db.tables.set('ir.module.module', new ModelTable('ir.module.module', MODULE_FIELDS));
  if (baseAutomation) db.tables.set('base.automation', new ModelTable('base.automation', automationFields(v)));
  const stamps = { create_date: stamp, write_date: stamp, create_uid: 1, write_uid: 1 };
  const modules: [string, string, boolean][] = [
    ['base', 'Base', true],
    ['web', 'Web', true],
    ['base_automation', 'Automation Rules', baseAutomation],
    ['sale_management', 'Sales', true],
    ['point_of_sale', 'Point of Sale', true],
  ];
  for (const [name, shortdesc, installed] of modules) db.insert('ir.module.module', { name, shortdesc, state: installed ? 'installed' : 'uninstalled', ...stamps });
}
