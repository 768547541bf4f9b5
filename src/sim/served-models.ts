// The models the simulator serves: every model of the version's recorded fields_get, plus the few that
// recording leaves out (ir.config_parameter, and the OCA product.brand when asked for). The finance models
// (recorded fields_get in finance.json) come after them: res.currency(.rate) always (module base), the
// account.* models unless the simulated Odoo lacks the `account` module.
import { Db, ModelTable } from './store.ts';
import { loadVersionFile, type ModelFields, type OdooVersion } from './versions.ts';

const STAMP_FIELDS: ModelFields = {
  display_name: { type: 'char', string: 'Display Name', store: false, readonly: true, required: false },
  create_date: { type: 'datetime', string: 'Created on', store: true, readonly: true, required: false },
  create_uid: { type: 'many2one', string: 'Created by', relation: 'res.users', store: true, readonly: true, required: false },
  write_date: { type: 'datetime', string: 'Last Updated on', store: true, readonly: true, required: false },
  write_uid: { type: 'many2one', string: 'Last Updated by', relation: 'res.users', store: true, readonly: true, required: false },
};

const BRAND_FIELDS: ModelFields = {
  id: { type: 'integer', string: 'ID', store: true, readonly: true, required: false },
  name: { type: 'char', string: 'Brand Name', store: true, readonly: false, required: true },
  description: { type: 'text', string: 'Description', store: true, readonly: false, required: false },
  partner_id: { type: 'many2one', string: 'Partner', relation: 'res.partner', store: true, readonly: false, required: false },
  logo: { type: 'binary', string: 'Logo File', store: true, readonly: false, required: false },
  active: { type: 'boolean', string: 'Active', store: true, readonly: false, required: false },
  product_ids: { type: 'one2many', string: 'Brand Products', relation: 'product.template', store: true, readonly: false, required: false },
  products_count: { type: 'integer', string: 'Number of products', store: false, readonly: true, required: false },
  ...STAMP_FIELDS,
};

/** ir.config_parameter is in every Odoo; it is only here so the restricted user can be refused it. */
const CONFIG_PARAMETER_FIELDS: ModelFields = {
  id: { type: 'integer', string: 'ID', store: true, readonly: true, required: false },
  key: { type: 'char', string: 'Key', store: true, readonly: false, required: true },
  value: { type: 'text', string: 'Value', store: true, readonly: false, required: true },
  ...STAMP_FIELDS,
};

/** The models of finance.json and the module each comes from (account.* are absent without `account`). */
export const FINANCE_MODELS: Record<string, 'base' | 'account'> = {
  'res.currency': 'base',
  'res.currency.rate': 'base',
  'account.account': 'account',
  'account.journal': 'account',
  'account.tax': 'account',
  'account.move': 'account',
  'account.move.line': 'account',
};

/**
 * The stock movements (recorded fields_get in stock-moves.json): the done move lines Odoo keeps, with the
 * moves and pickings they belong to. Served after the finance models, so every other model's ir.model row
 * keeps its id.
 */
export const STOCK_MOVE_MODELS = ['stock.picking', 'stock.move', 'stock.move.line'] as const;

/** Models whose records Odoo creates without a company (shared by all companies) unless one is given. */
export const SHARED_BY_DEFAULT = new Set(['res.partner', 'product.template', 'product.product', 'loyalty.program', 'uom.uom', 'crm.team']);

/** An empty database with the version's models (product.template gains product_brand_id with the brand). */
export function emptyDb(version: OdooVersion, seed: number, withBrand: boolean, withAccount = true): Db {
  const db = new Db(version, seed);
  const all = loadVersionFile<Record<string, ModelFields>>(version, 'fields.json');
  for (const [model, fields] of Object.entries(all)) {
    if (model in FINANCE_MODELS) continue;
    const f = { ...fields };
    if (withBrand && model === 'product.template') {
      f.product_brand_id = { type: 'many2one', string: 'Brand', relation: 'product.brand', store: true, readonly: false, required: false, company_dependent: false };
    }
    db.tables.set(model, new ModelTable(model, f));
  }
  db.tables.set('ir.config_parameter', new ModelTable('ir.config_parameter', CONFIG_PARAMETER_FIELDS));
  if (withBrand) db.tables.set('product.brand', new ModelTable('product.brand', BRAND_FIELDS));
  // After the others, so the ids the dataset gives every other model's rows (ir.model) stay as they were.
  const finance = loadVersionFile<Record<string, ModelFields>>(version, 'finance.json');
  for (const [model, fields] of Object.entries(finance)) {
    if (FINANCE_MODELS[model] === 'account' && !withAccount) continue;
    db.tables.set(model, new ModelTable(model, fields));
  }
  const moves = loadVersionFile<Record<string, ModelFields>>(version, 'stock-moves.json');
  for (const model of STOCK_MOVE_MODELS) db.tables.set(model, new ModelTable(model, moves[model]!));
  return db;
}
