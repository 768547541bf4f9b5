// Models a company adds to its Odoo, served when asked for (SimulatorOptions.customModels) for the tests of
// user-declared tables (src/declared):
// - stock.picking, as real Odoo 16–19 described it (fields_get recorded into src/sim/fields/<v>/stock.picking.json);
// - x_delivery_slot, a model made with Odoo Studio. Studio names a model `x_<name>` and its fields
//   `x_name`, `x_active` and `x_studio_<label>` (odoo/addons/web_studio, models/ir_model.py); a custom
//   model has Odoo's magic fields (id, create/write date and uid, display_name). Written by hand from
//   those conventions, not recorded: Studio is Enterprise-only and was not on the recorded servers.
import { type Db, ModelTable } from './store.ts';
import { loadVersionFile, type ModelFields, type OdooVersion } from './versions.ts';

const f = (type: string, string: string, extra: Partial<ModelFields[string]> = {}): ModelFields[string] => ({
  type, string, store: true, readonly: false, required: false, company_dependent: false, ...extra,
});

export const STUDIO_MODEL = 'x_delivery_slot';

function studioFields(): ModelFields {
  return {
    id: f('integer', 'ID', { readonly: true }),
    x_name: f('char', 'Description', { required: true }),
    x_active: f('boolean', 'Active'),
    x_studio_partner_id: f('many2one', 'Customer', { relation: 'res.partner' }),
    x_studio_product_id: f('many2one', 'Product', { relation: 'product.product' }),
    x_studio_quantity: f('float', 'Quantity'),
    x_studio_slot_date: f('date', 'Slot date'),
    x_studio_state: { ...f('selection', 'State'), selection: [['open', 'Open'], ['full', 'Full'], ['done', 'Done']] },
    x_studio_tag_ids: f('many2many', 'Tags', { relation: 'res.partner.category' }),
    x_studio_line_ids: f('one2many', 'Lines', { relation: 'x_delivery_slot_line' }),
    x_studio_photo: f('binary', 'Photo'),
    x_studio_notes: f('html', 'Notes'),
    x_studio_total: f('float', 'Total', { store: false, readonly: true }),
    company_id: f('many2one', 'Company', { relation: 'res.company' }),
    display_name: f('char', 'Display Name', { store: false, readonly: true }),
    create_date: f('datetime', 'Created on', { readonly: true }),
    create_uid: f('many2one', 'Created by', { relation: 'res.users', readonly: true }),
    write_date: f('datetime', 'Last Updated on', { readonly: true }),
    write_uid: f('many2one', 'Last Updated by', { relation: 'res.users', readonly: true }),
  };
}

/** Adds stock.picking and the Studio model (empty) to the served models. */
export function installCustomModels(data: Db, version: OdooVersion): void {
  data.tables.set('stock.picking', new ModelTable('stock.picking', loadVersionFile<ModelFields>(version, 'stock.picking.json')));
  data.tables.set(STUDIO_MODEL, new ModelTable(STUDIO_MODEL, studioFields()));
}
