// create / write / unlink over the external API (execute_kw, JSON-2), enough for `webhooks install` to
// manage base.automation rules and their ir.actions.server: Odoo's field and selection checks with its
// messages (BaseModel.create: "Invalid field %r on model %r"; fields.Selection: "Wrong value for
// <model>.<field>: <repr>"), x2many commands, the Settings group on the automation models, the cascade of
// a rule's actions (ir.actions.server.base_automation_id, ondelete='cascade'). Writes of data models go
// through the simulator's own create/write, so they fire webhook rules; the answer then comes before the
// simulated commit (Odoo answers after it) — tests wait with `settled()`.
import { AUTOMATION_MODELS, storedActionName } from './automation-models.ts';
import { faults, OdooFault } from './faults.ts';
import type { SimUser } from './orm.ts';
import { pyRepr } from './pyrepr.ts';
import type { Db, ModelTable } from './store.ts';
import type { WireValue } from './xmlrpc-codec.ts';

export interface RecordWriter {
  create(model: string, values: Record<string, unknown>): number;
  write(model: string, ids: number[], values: Record<string, unknown>): void;
  unlink(model: string, ids: number[]): void;
}

const OPERATION_WORD = { create: 'create', write: 'modify', unlink: 'delete' } as const;

export class OrmWrites {
  constructor(
    private readonly db: Db,
    private readonly writer: RecordWriter,
  ) {}

  call(user: SimUser, model: string, method: 'create' | 'write' | 'unlink', a: Record<string, unknown>): WireValue {
    const t = this.db.table(model)!;
    this.checkAccess(user, model, method);
    if (method === 'create') {
      const list = Array.isArray(a.vals_list) ? (a.vals_list as Record<string, unknown>[]) : [a.vals_list as Record<string, unknown>];
      const ids = list.map((vals) => this.createOne(t, vals ?? {}));
      return Array.isArray(a.vals_list) ? ids : ids[0]!;
    }
    const ids = (Array.isArray(a.ids) ? a.ids : [a.ids]).filter((x): x is number => typeof x === 'number');
    const missing = ids.filter((id) => !t.records.has(id));
    if (missing.length > 0 && method === 'write') throw faults.valueError(`Record does not exist or has been deleted.\n(Record: ${model}(${missing.join(', ')},), User: ${user.uid})`);
    if (method === 'write') {
      const raw = (a.vals as Record<string, unknown>) ?? {};
      this.writeValues(t, ids, raw);
      if (model === 'base.automation') for (const id of ids) this.actionCommands(id, raw.action_server_ids);
      return true;
    }
    const present = ids.filter((id) => t.records.has(id));
    if (model === 'base.automation') {
      const actions = this.db.table('ir.actions.server')!;
      const owned = [...actions.records.values()].filter((r) => present.includes(r.base_automation_id as number)).map((r) => r.id);
      if (owned.length > 0) this.writer.unlink('ir.actions.server', owned);
    }
    this.writer.unlink(model, present);
    return true;
  }

  private writeValues(t: ModelTable, ids: number[], raw: Record<string, unknown>): void {
    const vals = this.clean(t, raw, ids);
    if (t.name === 'ir.actions.server' && vals.state !== undefined) Object.assign(vals, storedActionName(this.db.version, vals));
    if (Object.keys(vals).length > 0) this.writer.write(t.name, ids, vals);
  }

  private checkAccess(user: SimUser, model: string, method: 'create' | 'write' | 'unlink'): void {
    const desc = AUTOMATION_MODELS[model];
    if (user.admin || !desc) return;
    const base = faults.accessModel(this.db.version, 'ir.model', 'Models', 'Administration/Settings').faultString;
    const s = base.replace("access 'Models' (ir.model)", `${OPERATION_WORD[method]} '${desc}' (${model})`).replace(/\t- [^\n]*/, `\t- ${this.db.version === '19.0' ? 'Settings' : 'Administration/Settings'}`);
    throw new OdooFault(4, s, { status: 403, name: 'odoo.exceptions.AccessError', message: s });
  }

  private createOne(t: ModelTable, raw: Record<string, unknown>): number {
    const vals = this.clean(t, raw, []);
    if (t.name === 'ir.actions.server') {
      vals.type ??= 'ir.actions.server';
      vals.usage ??= vals.base_automation_id ? 'base_automation' : 'ir_actions_server';
      vals.sequence ??= 5;
      Object.assign(vals, storedActionName(this.db.version, vals));
    }
    if (t.name === 'base.automation') vals.active ??= true;
    const id = this.writer.create(t.name, vals);
    if (t.name === 'base.automation') this.actionCommands(id, raw.action_server_ids, vals.model_id);
    return id;
  }

  /**
   * A rule's action_server_ids commands: (0, 0, vals) creates an action of the rule, (1, id, vals) writes
   * one, (2, id) and (3, id) delete it (the inverse base_automation_id is ondelete='cascade', so Odoo's
   * One2many unlinks the record rather than clearing the link).
   */
  private actionCommands(ruleId: number, commands: unknown, modelId?: unknown): void {
    if (!Array.isArray(commands)) return;
    const actions = this.db.table('ir.actions.server')!;
    const ruleModel = modelId ?? this.db.table('base.automation')!.records.get(ruleId)?.model_id;
    for (const c of commands as unknown[]) {
      if (!Array.isArray(c)) continue;
      const [op, id, vals] = c as [number, number, Record<string, unknown> | undefined];
      if (op === 0) this.createOne(actions, { model_id: ruleModel, ...vals, base_automation_id: ruleId, usage: 'base_automation' });
      else if (op === 1 && actions.records.get(id)?.base_automation_id === ruleId) this.writeValues(actions, [id], vals ?? {});
      else if ((op === 2 || op === 3) && actions.records.get(id)?.base_automation_id === ruleId) this.writer.unlink('ir.actions.server', [id]);
    }
  }

  /** Field and selection checks, x2many commands to id lists, the related model_name of model_id. */
  private clean(t: ModelTable, raw: Record<string, unknown>, ids: number[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      const meta = t.fields[k];
      if (!meta) throw faults.valueError(`Invalid field ${pyRepr(k)} on model ${pyRepr(t.name)}`);
      if (meta.type === 'selection' && v !== false && !(meta.selection ?? []).some(([key]) => key === v)) throw faults.valueError(`Wrong value for ${t.name}.${k}: ${pyRepr(v)}`);
      if (meta.type === 'one2many') continue; // only base.automation.action_server_ids, handled by createOne
      out[k] = meta.type === 'many2many' ? applyCommands(ids.length === 1 ? (t.records.get(ids[0]!)?.[k] as unknown[]) ?? [] : [], v) : v;
    }
    if (typeof out.model_id === 'number' && t.fields.model_name) {
      const irModel = this.db.table('ir.model')?.records.get(out.model_id);
      if (!irModel) throw faults.valueError(`Record does not exist or has been deleted.\n(Record: ir.model(${out.model_id},), User: 2)`);
      out.model_name = irModel.model;
    }
    return out;
  }
}

/** Odoo's x2many commands (or a bare id list) applied to the current ids. */
function applyCommands(current: unknown[], v: unknown): unknown[] {
  if (!Array.isArray(v)) return current;
  if (v.every((x) => !Array.isArray(x))) return [...v];
  let ids = [...current];
  for (const c of v as unknown[][]) {
    const [op, id, arg] = c;
    if (op === 6) ids = Array.isArray(arg) ? [...arg] : [];
    else if (op === 5) ids = [];
    else if (op === 4 && !ids.includes(id)) ids.push(id);
    else if (op === 3 || op === 2) ids = ids.filter((x) => x !== id);
  }
  return ids;
}
