// ir.model.fields as the simulator serves it: one row per field of every served model, rebuilt from the
// models' fields_get whenever a field changes (alterField), as Odoo's registry reflects its fields into
// the table on module install/upgrade (odoo/addons/base/models/ir_model.py, IrModelFields._reflect_fields).
// That reflection inserts and updates the rows with raw SQL (`upsert_en`), so it never sets write_date:
// reflected rows read `create_date`/`write_date` False (as the recorded ir.model rows do,
// samples/ir.model.json), and only fields created through the ORM (Studio, Settings > Fields) carry dates.
// The fixtures hold no fields_get of ir.model.fields: the field list below is read off the same source.
// Access: only Administration/Access Rights reads it (base/security/ir.model.access.csv from 16.0 on, like
// ir.model, whose refusal of the demo user is recorded in faults/demo_access_ir_model.json).
import { type Db, ModelTable } from './store.ts';
import type { FieldMeta, ModelFields } from './versions.ts';

const f = (type: string, string: string, extra: Partial<FieldMeta> = {}): FieldMeta => ({ type, string, store: true, readonly: false, required: false, ...extra });

const TTYPES: [string, string][] = [
  'binary', 'boolean', 'char', 'date', 'datetime', 'float', 'html', 'integer', 'json', 'many2many', 'many2one', 'many2one_reference',
  'monetary', 'one2many', 'properties', 'properties_definition', 'reference', 'selection', 'text',
].map((t) => [t, t]);

export const MODEL_FIELDS_FIELDS: ModelFields = {
  id: f('integer', 'ID', { readonly: true }),
  name: f('char', 'Field Name', { required: true }),
  model: f('char', 'Model Name', { required: true }),
  model_id: f('many2one', 'Model', { relation: 'ir.model', required: true }),
  field_description: f('char', 'Field Label', { required: true }),
  ttype: f('selection', 'Field Type', { required: true, selection: TTYPES }),
  relation: f('char', 'Related Model'),
  required: f('boolean', 'Required'),
  readonly: f('boolean', 'Readonly'),
  store: f('boolean', 'Stored'),
  company_dependent: f('boolean', 'Company Dependent'),
  index: f('boolean', 'Indexed'),
  related: f('char', 'Related Field Definition'),
  state: f('selection', 'Type', { required: true, selection: [['manual', 'Custom Field'], ['base', 'Base Field']] }),
  display_name: f('char', 'Display Name', { store: false, readonly: true }),
  create_date: f('datetime', 'Created on', { readonly: true }),
  create_uid: f('many2one', 'Created by', { relation: 'res.users', readonly: true }),
  write_date: f('datetime', 'Last Updated on', { readonly: true }),
  write_uid: f('many2one', 'Last Updated by', { relation: 'res.users', readonly: true }),
};

/** Serves ir.model.fields in `db`, reflecting every served model's fields. */
export function installModelFields(db: Db): void {
  db.tables.set('ir.model.fields', new ModelTable('ir.model.fields', MODEL_FIELDS_FIELDS));
  reflectFields(db);
}

/**
 * (Re)writes the ir.model.fields rows from the served models' fields: a row per field, its id kept across
 * reflections (keyed by model and name), the rows of fields gone deleted, dates left False.
 */
export function reflectFields(db: Db): void {
  const table = db.tables.get('ir.model.fields');
  if (!table) return;
  const ids = new Map<string, number>();
  for (const r of table.records.values()) ids.set(`${r.model as string}.${r.name as string}`, r.id);
  const irModels = new Map<string, number>();
  for (const r of db.tables.get('ir.model')?.records.values() ?? []) irModels.set(r.model as string, r.id);
  const seen = new Set<number>();
  for (const t of db.tables.values()) {
    for (const [name, meta] of Object.entries(t.fields)) {
      const values = {
        name, model: t.name, model_id: irModels.get(t.name) ?? false, field_description: meta.string, ttype: meta.type,
        relation: meta.relation ?? false, required: !!meta.required, readonly: !!meta.readonly, store: !!meta.store,
        company_dependent: !!meta.company_dependent, index: false, related: false, state: 'base',
        create_date: false, create_uid: false, write_date: false, write_uid: false,
      };
      const id = ids.get(`${t.name}.${name}`);
      if (id !== undefined) {
        Object.assign(table.records.get(id)!, values);
        seen.add(id);
      } else seen.add(db.insert('ir.model.fields', values).id);
    }
  }
  for (const id of [...table.records.keys()]) if (!seen.has(id)) table.records.delete(id);
  table.version++;
}
