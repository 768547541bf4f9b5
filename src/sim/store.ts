// Over ~300 lines: the record store and its deterministic field values are one concept (a record is
// what it stores plus what the hash gives); splitting them would spread one rule over two files.
// The simulator's records: one compact object per record holding only the fields the dataset (or a test)
// set; every other field of the model's `fields_get` gets a deterministic value from a hash of
// (seed, model, field, id) when read, so any field a client asks for exists without storing it.
import { PyFloat, type WireValue } from './xmlrpc-codec.ts';
import type { FieldMeta, ModelFields, OdooVersion } from './versions.ts';

export interface Rec {
  id: number;
  [field: string]: unknown;
}

/**
 * A company-dependent field's values, one per company (Odoo 16/17 keep them as ir.property rows, 18+ as a
 * jsonb column keyed by company). A company without a value reads the field's fallback (0.0 / false).
 */
export class PerCompany {
  constructor(readonly values: Record<number, unknown> = {}) {}
  with(company: number, value: unknown): PerCompany {
    return new PerCompany({ ...this.values, [company]: value });
  }
}

/** The company whose values a read without allowed_company_ids sees: Odoo's env.company is the user's company. */
export const DEFAULT_COMPANY = 1;

/** one2many fields and the many2one that is their inverse (fields_get does not record `relation_field`). */
const INVERSES: Record<string, string> = {
  'pos.order.lines': 'order_id',
  'sale.order.order_line': 'order_id',
  'purchase.order.order_line': 'order_id',
  'product.template.product_variant_ids': 'product_tmpl_id',
  'res.company.child_ids': 'parent_id',
  'res.partner.ref_company_ids': 'partner_id', // base: One2many('res.company', 'partner_id')
  'res.partner.child_ids': 'parent_id',
  'product.category.child_id': 'parent_id',
  'pos.category.child_id': 'parent_id',
  'pos.category.child_ids': 'parent_id',
  'hr.department.child_ids': 'parent_id',
  'hr.employee.child_ids': 'parent_id',
  'stock.location.child_ids': 'location_id',
  'pos.session.order_ids': 'session_id',
  'res.company.user_ids': 'company_id',
  'base.automation.action_server_ids': 'base_automation_id',
};

export class ModelTable {
  readonly records = new Map<number, Rec>();
  /** Bumped on every change, so derived indexes (one2many inverses) know when to rebuild. */
  version = 0;
  /** True once a record was inserted with an id below an existing one (then id order needs a sort). */
  outOfOrder = false;
  nextId = 1;
  /** The highest id ever inserted. */
  maxId = 0;
  /** Ids present when the dataset was generated: the stable pool generic many2one values pick from. */
  pool: number[] = [];
  readonly hasActive: boolean;
  readonly multiCompany: boolean;
  constructor(
    readonly name: string,
    readonly fields: ModelFields,
  ) {
    this.hasActive = fields.active?.type === 'boolean';
    const c = fields.company_id;
    this.multiCompany = !!c && c.type === 'many2one' && c.relation === 'res.company' && c.store === true && name !== 'res.users' && name !== 'res.company';
  }
}

/** Display names of records of models the simulator does not serve but Odoo always has. */
const EXTERNAL_NAMES: Record<string, Record<number, string>> = {
  'res.currency': { 1: 'USD', 2: 'EUR' },
  'res.country': { 233: 'United States', 75: 'France', 21: 'Belgium' },
  'res.lang': { 1: 'English (US)' },
  'resource.calendar': { 1: 'Standard 40 hours/week' },
  'account.journal': { 9: 'Point of Sale' },
  'product.pricelist': { 1: 'Default' },
};

/** The parent field of hierarchical models (Odoo's `_parent_name`). */
export function parentField(model: string): string {
  return model === 'stock.location' ? 'location_id' : 'parent_id';
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function mix(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

export class Db {
  readonly tables = new Map<string, ModelTable>();
  private readonly salts = new Map<string, number>();
  constructor(
    readonly version: OdooVersion,
    readonly seed: number,
  ) {}

  table(model: string): ModelTable | undefined {
    return this.tables.get(model);
  }

  insert(model: string, values: Record<string, unknown>): Rec {
    const t = this.tables.get(model);
    if (!t) throw new Error(`model ${model} is not served`);
    const id = typeof values.id === 'number' ? values.id : t.nextId;
    // The id fast path of searches relies on the map's insertion order being id order.
    // (A create reserves its id before its transaction commits, so compare with the ids present, not nextId.)
    if (id < t.maxId) t.outOfOrder = true;
    t.maxId = Math.max(t.maxId, id);
    t.nextId = Math.max(t.nextId, id + 1);
    const rec: Rec = { ...values, id };
    t.records.set(id, rec);
    t.version++;
    return rec;
  }

  private readonly inverseIndexes = new Map<string, { version: number; index: Map<number, number[]> }>();

  /** Ids of `relation` records whose `inverse` many2one points at `id` (a one2many read). */
  private inverse(relation: string, inverse: string, id: number): number[] {
    const t = this.tables.get(relation);
    if (!t) return [];
    const key = `${relation}.${inverse}`;
    let cached = this.inverseIndexes.get(key);
    if (!cached || cached.version !== t.version) {
      const index = new Map<number, number[]>();
      for (const r of t.records.values()) {
        const p = this.value(t, r, inverse);
        if (typeof p !== 'number') continue;
        const list = index.get(p);
        if (list) list.push(r.id);
        else index.set(p, [r.id]);
      }
      cached = { version: t.version, index };
      this.inverseIndexes.set(key, cached);
    }
    return cached.index.get(id) ?? [];
  }

  private salt(model: string, field: string): number {
    const key = `${model}\u0000${field}`;
    let s = this.salts.get(key);
    if (s === undefined) {
      s = fnv(`${this.seed}:${key}`);
      this.salts.set(key, s);
    }
    return s;
  }

  /**
   * The raw value of a field: many2one as id or false, x2many as id list, floats as numbers. `company` is
   * the reading environment's company (env.company = allowed_company_ids[0]): company-dependent fields, and
   * the fields Odoo computes from them, answer for it.
   */
  value(t: ModelTable, rec: Rec, field: string, company = DEFAULT_COMPANY): unknown {
    if (field === 'id') return rec.id;
    const meta = t.fields[field];
    if (Object.prototype.hasOwnProperty.call(rec, field)) {
      const own = rec[field];
      if (own instanceof PerCompany) return company in own.values ? own.values[company] : fallback(meta);
      return own;
    }
    if (!meta) return false;
    const related = this.companyRelated(t, rec, field, company);
    if (related !== undefined) return related;
    if (field === 'display_name') return this.displayName(t.name, rec.id);
    // ir.model.count is computed: SELECT COUNT(*) of the model's table (IrModel._compute_count), archived included.
    if (t.name === 'ir.model' && field === 'count') return this.tables.get(rec.model as string)?.records.size ?? 0;
    if (field === '__last_update') return rec.write_date ?? rec.create_date ?? false; // Odoo 16's magic field
    const inverse = meta.type === 'one2many' ? INVERSES[`${t.name}.${field}`] : undefined;
    if (inverse && meta.relation) return this.inverse(meta.relation, inverse, rec.id);
    return this.generic(t, rec, field, meta, company);
  }

  /**
   * Fields Odoo derives from another record or from env.company (undefined: not one of them):
   * product.product's company_id is its template's; a template's cost is its only variant's in the
   * environment's company (0.0 with several variants); cost method and valuation are the category's
   * company-dependent properties.
   */
  private companyRelated(t: ModelTable, rec: Rec, field: string, company: number): unknown {
    if (t.name === 'product.product' && field === 'company_id') {
      const tmpl = this.tables.get('product.template');
      const parent = tmpl?.records.get(rec.product_tmpl_id as number);
      return tmpl && parent ? this.value(tmpl, parent, 'company_id', company) : false;
    }
    if (t.name === 'product.template' && field === 'standard_price') {
      const variants = this.inverse('product.product', 'product_tmpl_id', rec.id);
      const pp = this.tables.get('product.product');
      const only = variants.length === 1 && pp ? pp.records.get(variants[0]!) : undefined;
      return only && pp ? this.value(pp, only, 'standard_price', company) : 0;
    }
    // A move line's operation type is its picking's (stock.move.line._compute_picking_type_id), its
    // reference its move's (a related field, not stored on 19).
    if (t.name === 'stock.move.line' && (field === 'picking_type_id' || field === 'reference')) {
      const [model, link, of] = field === 'picking_type_id' ? ['stock.picking', 'picking_id', 'picking_type_id'] : ['stock.move', 'move_id', 'reference'];
      const parentTable = this.tables.get(model);
      const parent = parentTable?.records.get(rec[link] as number);
      return parentTable && parent ? this.value(parentTable, parent, of, company) : false;
    }
    if ((t.name === 'product.product' || t.name === 'product.template') && (field === 'cost_method' || field === 'valuation')) {
      const cat = this.tables.get('product.category');
      const categ = cat?.records.get(this.value(t, rec, 'categ_id', company) as number);
      return cat && categ ? this.value(cat, categ, field === 'cost_method' ? 'property_cost_method' : 'property_valuation', company) : false;
    }
    return undefined;
  }

  private generic(t: ModelTable, rec: Rec, field: string, meta: FieldMeta, company = DEFAULT_COMPANY): unknown {
    // A company-dependent field not set anywhere has a value per company (the default company's is the
    // value every other field's hash would give, so the dataset reads the same as before per company).
    const perCompany = meta.company_dependent && company !== DEFAULT_COMPANY ? Math.imul(company, 0x85ebca6b) : 0;
    const h = mix(this.salt(t.name, field) ^ Math.imul(rec.id, 0x9e3779b1) ^ perCompany);
    switch (meta.type) {
      case 'boolean':
        return field === 'active' ? true : (h & 7) === 0;
      case 'integer':
        return field === 'sequence' ? 10 : field === 'color' ? h % 12 : h % 100;
      case 'float':
      case 'monetary':
        return field.includes('rate') || field.includes('factor') ? 1 : (h % 10000) / 100;
      case 'char':
        if (field.includes('email')) return `${t.name.replace(/\./g, '-')}-${rec.id}@example.com`;
        if (field.includes('phone') || field === 'mobile') return `+1 555-01${String(h % 100).padStart(2, '0')}`;
        return (h & 3) === 0 ? false : `${meta.string} ${rec.id}`;
      case 'text':
        return (h & 3) === 0 ? false : `${meta.string} ${rec.id}`;
      case 'selection': {
        const sel = meta.selection ?? [];
        return sel.length > 0 ? sel[h % sel.length]![0] : false;
      }
      case 'date': {
        const base = typeof rec.create_date === 'string' ? rec.create_date : '2025-01-01 00:00:00';
        const d = new Date(`${base.slice(0, 10)}T00:00:00Z`);
        d.setUTCDate(d.getUTCDate() + (h % 60));
        return (h & 3) === 0 ? false : d.toISOString().slice(0, 10);
      }
      case 'datetime':
        return typeof rec.write_date === 'string' && (h & 1) === 0 ? rec.write_date : false;
      case 'many2one': {
        const rel = meta.relation ?? '';
        const target = this.tables.get(rel);
        if (field === 'create_uid' || field === 'write_uid') return 2;
        if (field === 'currency_id') return 1;
        if (field.endsWith('country_id')) return (h & 1) === 0 ? 233 : false;
        if (target) return (h & 1) === 0 && target.pool.length > 0 ? target.pool[h % Math.min(target.pool.length, 5)]! : false;
        return false;
      }
      case 'many2many':
      case 'one2many':
        return [];
      default:
        return false; // binary, html, json, properties: never interesting, and never sampled
    }
  }

  displayName(model: string, id: number): string {
    const t = this.tables.get(model);
    const rec = t?.records.get(id);
    if (!t || !rec) return EXTERNAL_NAMES[model]?.[id] ?? `${model},${id}`;
    if (model === 'product.product') {
      const code = rec.default_code;
      const attrs = typeof rec.variant_label === 'string' ? ` (${rec.variant_label})` : '';
      return `${typeof code === 'string' && code ? `[${code}] ` : ''}${String(rec.name)}${attrs}`;
    }
    if (typeof rec.complete_name === 'string') return rec.complete_name;
    if (typeof rec.name === 'string') return rec.name;
    return `${model},${id}`;
  }

  /** A field's value in Odoo's read() shape, as a user whose env.company is `company` reads it. */
  readValue(t: ModelTable, rec: Rec, field: string, company = DEFAULT_COMPANY): WireValue {
    const meta = t.fields[field];
    const raw = this.value(t, rec, field, company);
    if (!meta) return raw as WireValue;
    switch (meta.type) {
      case 'many2one': {
        if (raw === false || raw === null || raw === undefined) return false;
        const id = raw as number;
        return [id, this.displayName(meta.relation ?? '', id)];
      }
      case 'many2many':
      case 'one2many':
        return Array.isArray(raw) ? (raw as number[]) : [];
      case 'float':
      case 'monetary':
        return new PyFloat(typeof raw === 'number' ? raw : 0);
      case 'integer':
        return typeof raw === 'number' ? raw : 0;
      case 'boolean':
        return raw === true;
      default:
        return raw === null || raw === undefined || raw === '' ? (raw === '' ? '' : false) : (raw as WireValue);
    }
  }
}

/** What a company-dependent field reads for a company that has no value: Odoo's empty value of its type. */
function fallback(meta: FieldMeta | undefined): unknown {
  if (!meta) return false;
  if (meta.type === 'float' || meta.type === 'monetary' || meta.type === 'integer') return 0;
  return false;
}

export const DEFAULT_ORDER: Record<string, string> = {
  'res.partner': 'complete_name ASC, id DESC',
  'res.company': 'sequence, name',
  'res.users': 'name, login',
  'product.template': 'is_favorite desc, name, id',
  'product.product': 'default_code, name, id',
  'product.category': 'complete_name',
  'stock.location': 'complete_name, id',
  'sale.order': 'date_order desc, id desc',
  'pos.order': 'id desc',
  'purchase.order': 'priority desc, id desc',
  'hr.employee': 'name',
  'uom.uom': 'factor DESC, id',
};
