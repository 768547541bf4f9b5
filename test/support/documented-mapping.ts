/**
 * The documented mapping, written by hand: for every warehouse table, which Odoo field (per version) fills
 * each column. test/sync/mapping-real-odoo.test.ts checks the specs against it and the synced rows against
 * the recorded real-Odoo records through it, so nothing here may be computed from src/entities.
 *
 * An entry is one of:
 * - `'field'`: the recorded field of that name (normalized by its Odoo type, see the test);
 * - `null`: the column is NULL (the source does not fill it, or that version has no such field);
 * - `constant(value)`: the same value on every row of the source;
 * - `readCompany`: the company the row was read for (per-company sources);
 * - `related(field, path, target)`: a field Odoo does not store on the model (so the recording lacks it)
 *   whose value is `target` of the recorded record reached through `path` (many2one hops);
 * - `computed(fields, why, value)`: a column made from several fields, by the rule written in `value`;
 * - `notRecorded(field, why)`: the field is read, but no recording holds its value: the column is not
 *   checked against data (the spec check still names the field).
 * `v(a16, a17, a18, a19)` gives an entry per Odoo version.
 */
export type Series = '16.0' | '17.0' | '18.0' | '19.0';
export const SERIES: Series[] = ['16.0', '17.0', '18.0', '19.0'];

/** A recorded record, as search_read returned it. */
export type RecordedRecord = Record<string, unknown> & { id: number };
/** Recorded records by model, for entries that read another record. */
export type Recorded = Record<string, RecordedRecord[]>;

/** A computed entry returns this when the recording cannot tell the value. */
export const UNKNOWN = Symbol('not in the recording');

export type Entry =
  | string
  | null
  | { constant: string }
  | { readCompany: true }
  | { related: string; path: Array<[via: string, model: string]>; target: string }
  | { computed: string[]; why: string; value: (record: RecordedRecord, recorded: Recorded) => unknown }
  | { notRecorded: string; why: string };

export type PerVersion = { byVersion: [Entry, Entry, Entry, Entry] };

export interface DocumentedSource {
  model: string;
  /** Derived sources: the rows are this selection field's values (fields_get), not records. */
  selectionOf?: string;
  columns: Record<string, Entry | PerVersion>;
}

export interface DocumentedTable {
  /** Key columns, to find a recorded record's row. */
  key: string[];
  /** The table mirrors Odoo's `active`. */
  active: boolean;
  sources: DocumentedSource[];
}

export const v = (a16: Entry, a17: Entry, a18: Entry, a19: Entry): PerVersion => ({ byVersion: [a16, a17, a18, a19] });
export const constant = (value: string): Entry => ({ constant: value });
export const readCompany: Entry = { readCompany: true };
export const related = (field: string, path: Array<[string, string]>, target: string): Entry => ({ related: field, path, target });
export const notRecorded = (field: string, why: string): Entry => ({ notRecorded: field, why });
export const computed = (fields: string[], why: string, value: (record: RecordedRecord, recorded: Recorded) => unknown): Entry => ({ computed: fields, why, value });

export function entryFor(entry: Entry | PerVersion, series: Series): Entry {
  return entry !== null && typeof entry === 'object' && 'byVersion' in entry ? entry.byVersion[SERIES.indexOf(series)]! : entry;
}

const m2oId = (value: unknown): number | null => (Array.isArray(value) ? (value[0] as number) : null);

// ---- the few columns a rule makes -------------------------------------------------------------------

/** Odoo 18 split 16/17's detailed_type 'product' (storable) into type 'consu' + is_storable: one shape, 18's. */
const productType16 = computed(['detailed_type'], "16/17's detailed_type, with 'product' (storable) written as 18's 'consu'", (r) =>
  r.detailed_type === 'product' ? 'consu' : r.detailed_type,
);
const productStorable16 = computed(['detailed_type'], "16/17: storable is detailed_type = 'product'", (r) => r.detailed_type === 'product');
// 18/19 have both fields; the spec reads them together for either column
const productType18 = computed(['type', 'is_storable'], '18/19: type as Odoo has it', (r) => r.type);
const productStorable18 = computed(['type', 'is_storable'], '18/19: is_storable as Odoo has it', (r) => r.is_storable);
const NOT_STORED_COST = 'company-dependent cost kept in ir.property on 16/17: not a stored field, not recorded';
/** product.template's barcode and (18/19) cost are its variant's: Odoo computes them from product_variant_ids. */
const ofVariant = (field: string): Entry =>
  computed([field], `the template's ${field} is its only variant's (the recorded demo templates 1-3 have one)`, (r, recorded) => {
    const variant = (recorded['product.product'] ?? []).find((p) => m2oId(p.product_tmpl_id) === r.id);
    return variant && field in variant ? variant[field] : UNKNOWN;
  });
/** 19 computes hr.department.complete_name (no longer stored): the parents' names and its own, ' / ' between. */
const departmentPath = computed(['complete_name'], "19: complete_name is computed, 'Parent / Child'", (r, recorded) => {
  const names: string[] = [];
  for (let d: RecordedRecord | undefined = r; d; ) {
    names.unshift(String(d.name));
    const parent = m2oId(d.parent_id);
    if (parent === null) return names.join(' / ');
    d = (recorded['hr.department'] ?? []).find((x) => x.id === parent);
  }
  return UNKNOWN;
});
const VERSION_FIELD = '19 moved it to hr.version (not stored on hr.employee): not recorded';
const TEMPLATE_CATEGORY: Array<[string, string]> = [['product_tmpl_id', 'product.template'], ['categ_id', 'product.category']];

/**
 * A sale's or purchase's business date: date_order (UTC) as a calendar day in its company's timezone, which is the tz of
 * the company's partner (res.company.partner_id → res.partner.tz), UTC when that partner has none (the test
 * harness sets no BUSINESS_TIMEZONE). Unknown when the recording lacks the company or its partner.
 */
/** A datetime field's day in the tz of the record's company's partner, else UTC. */
function dayInCompanyZone(value: unknown, companyId: unknown, recorded: Recorded): unknown {
  if (typeof value !== 'string') return null;
  const company = (recorded['res.company'] ?? []).find((c) => c.id === m2oId(companyId));
  const partner = company && (recorded['res.partner'] ?? []).find((p) => p.id === m2oId(company.partner_id));
  if (!partner) return UNKNOWN;
  const zone = typeof partner.tz === 'string' && partner.tz ? partner.tz : 'UTC';
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(`${value.replace(' ', 'T')}Z`));
}
const moveBusinessDate = computed(['date', 'company_id'], "date's day in the tz of the company's partner, else UTC", (r, recorded) => dayInCompanyZone(r.date, r.company_id, recorded));

const businessDate = computed(['date_order', 'company_id'], "date_order's day in the tz of the company's partner, else UTC", (r, recorded) => {
  if (typeof r.date_order !== 'string') return null;
  const company = (recorded['res.company'] ?? []).find((c) => c.id === m2oId(r.company_id));
  const partner = company && (recorded['res.partner'] ?? []).find((p) => p.id === m2oId(company.partner_id));
  if (!partner) return UNKNOWN;
  const zone = typeof partner.tz === 'string' && partner.tz ? partner.tz : 'UTC';
  // en-CA writes YYYY-MM-DD
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return day.format(new Date(`${r.date_order.replace(' ', 'T')}Z`));
});

// finance: from 18.0 an account.account can be shared by several companies (company_ids) and its code is the
// company-dependent code_store (the recording read it as the admin's company sees it); code and
// internal_group are no longer stored
const accountGroup18 = computed(['account_type'], "18/19: internal_group is computed from account_type: its prefix ('asset_current' → 'asset'), 'off_balance' kept whole", (r) =>
  typeof r.account_type !== 'string' ? null : r.account_type === 'off_balance' ? 'off_balance' : r.account_type.split('_')[0]);
const accountCompany18 = computed(['company_ids'], '18/19: the first of the companies that share the account', (r) =>
  Array.isArray(r.company_ids) && r.company_ids.length > 0 ? r.company_ids[0] : null);
const accountCode = v('code', 'code', 'code_store', 'code_store');
/**
 * 18/19 store only the tax's override of its company's default (price_include is computed, not stored, from
 * price_include_override, else res.company.account_price_include). Unknown when the recording lacks the company.
 */
const taxPriceInclude18 = computed(['price_include_override', 'company_id'], "18/19: the override ('tax_included' true, 'tax_excluded' false), else the company's account_price_include", (r, recorded) => {
  const effective = r.price_include_override || (recorded['res.company'] ?? []).find((c) => c.id === m2oId(r.company_id))?.account_price_include;
  return effective === 'tax_included' ? true : effective === 'tax_excluded' ? false : UNKNOWN;
});

export const DOCUMENTED_MAPPING: Record<string, DocumentedTable> = {
  dim_branches: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'res.company', columns: {
      name: 'name', parent_id: 'parent_id', partner_id: 'partner_id', currency_id: 'currency_id', email: 'email', phone: 'phone',
      sequence: 'sequence', create_date: 'create_date',
    } }],
  },
  dim_branches_branch_ref: {
    key: ['ref_model', 'odoo_id'],
    active: true,
    sources: [
      { model: 'pos.config', columns: {
        ref_model: constant('pos.config'), name: 'name', code: null, company_id: 'company_id', partner_id: null, warehouse_id: 'warehouse_id',
        crm_team_id: 'crm_team_id', picking_type_id: 'picking_type_id', create_date: 'create_date',
      } },
      { model: 'stock.warehouse', columns: {
        ref_model: constant('stock.warehouse'), name: 'name', code: 'code', company_id: 'company_id', partner_id: 'partner_id', warehouse_id: null,
        crm_team_id: null, picking_type_id: null, create_date: 'create_date',
      } },
    ],
  },
  dim_categories: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'product.category', columns: {
      name: 'name', complete_name: 'complete_name', parent_id: 'parent_id', parent_path: 'parent_path', create_date: 'create_date',
    } }],
  },
  dim_brands: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'product.brand', columns: { name: 'name', partner_id: 'partner_id', create_date: 'create_date' } }],
  },
  dim_pos_categories: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'pos.category', columns: { name: 'name', parent_id: 'parent_id', sequence: 'sequence', create_date: 'create_date' } }],
  },
  dim_products: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'product.template', columns: {
      name: 'name',
      default_code: 'default_code',
      barcode: ofVariant('barcode'),
      categ_id: 'categ_id',
      type: v(productType16, productType16, productType18, productType18),
      is_storable: v(productStorable16, productStorable16, productStorable18, productStorable18),
      list_price: 'list_price',
      standard_price: v(notRecorded('standard_price', NOT_STORED_COST), notRecorded('standard_price', NOT_STORED_COST), ofVariant('standard_price'), ofVariant('standard_price')),
      uom_id: 'uom_id',
      sale_ok: 'sale_ok',
      purchase_ok: 'purchase_ok',
      available_in_pos: 'available_in_pos',
      // 16 has one POS category (many2one), 17+ several (many2many): always a list
      pos_categ_ids: v(computed(['pos_categ_id'], '16: the one POS category as a list', (r) => (Array.isArray(r.pos_categ_id) ? [r.pos_categ_id[0]] : [])),
        'pos_categ_ids', 'pos_categ_ids', 'pos_categ_ids'),
      product_brand_id: 'product_brand_id',
      company_id: 'company_id',
      invoice_policy: 'invoice_policy',
      tracking: 'tracking',
      weight: 'weight',
      volume: 'volume',
      create_date: 'create_date',
    } }],
  },
  dim_products_product: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'product.product', columns: {
      product_tmpl_id: 'product_tmpl_id', default_code: 'default_code', barcode: 'barcode',
      standard_price: v(notRecorded('standard_price', NOT_STORED_COST), notRecorded('standard_price', NOT_STORED_COST), 'standard_price', 'standard_price'),
      weight: 'weight', volume: 'volume', create_date: 'create_date',
    } }],
  },
  dim_product_costs: {
    key: ['product_id', 'company_id'],
    active: false,
    sources: [{ model: 'product.product', columns: {
      product_id: 'id',
      company_id: readCompany,
      standard_price: v(notRecorded('standard_price', NOT_STORED_COST), notRecorded('standard_price', NOT_STORED_COST), 'standard_price', 'standard_price'),
      cost_method: v(notRecorded('cost_method', 'the category property is in ir.property on 16/17: not recorded'), notRecorded('cost_method', 'the category property is in ir.property on 16/17: not recorded'),
        related('cost_method', TEMPLATE_CATEGORY, 'property_cost_method'), related('cost_method', TEMPLATE_CATEGORY, 'property_cost_method')),
      valuation: v(notRecorded('valuation', 'the category property is in ir.property on 16/17: not recorded'), notRecorded('valuation', 'the category property is in ir.property on 16/17: not recorded'),
        related('valuation', TEMPLATE_CATEGORY, 'property_valuation'), related('valuation', TEMPLATE_CATEGORY, 'property_valuation')),
    } }],
  },
  dim_departments: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'hr.department', columns: {
      name: 'name', complete_name: v('complete_name', 'complete_name', 'complete_name', departmentPath), parent_id: 'parent_id',
      manager_id: 'manager_id', company_id: 'company_id', create_date: 'create_date',
    } }],
  },
  dim_work_locations: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'hr.work.location', columns: {
      name: 'name', location_type: v(null, 'location_type', 'location_type', 'location_type'), location_number: 'location_number',
      address_id: 'address_id', company_id: 'company_id', create_date: 'create_date',
    } }],
  },
  dim_jobs: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'hr.job', columns: {
      name: 'name', department_id: 'department_id', company_id: 'company_id', no_of_recruitment: 'no_of_recruitment',
      expected_employees: v('expected_employees', 'expected_employees', 'expected_employees', notRecorded('expected_employees', '19 computes it (not stored): not recorded')),
      no_of_employee: v('no_of_employee', 'no_of_employee', 'no_of_employee', notRecorded('no_of_employee', '19 computes it (not stored): not recorded')),
      create_date: 'create_date',
    } }],
  },
  dim_emps: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'hr.employee', columns: {
      name: 'name',
      job_title: v('job_title', 'job_title', 'job_title', notRecorded('job_title', VERSION_FIELD)),
      job_id: v('job_id', 'job_id', 'job_id', notRecorded('job_id', VERSION_FIELD)),
      department_id: v('department_id', 'department_id', 'department_id', notRecorded('department_id', VERSION_FIELD)),
      parent_id: 'parent_id',
      coach_id: 'coach_id',
      user_id: 'user_id',
      work_location_id: v('work_location_id', 'work_location_id', 'work_location_id', notRecorded('work_location_id', VERSION_FIELD)),
      company_id: 'company_id',
      work_email: 'work_email',
      work_phone: 'work_phone',
      mobile_phone: 'mobile_phone',
      employee_type: v('employee_type', 'employee_type', 'employee_type', notRecorded('employee_type', VERSION_FIELD)),
      gender: v('gender', 'gender', 'gender', null),
      barcode: 'barcode',
      create_date: 'create_date',
    } }],
  },
  dim_users: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'res.users', columns: {
      login: 'login',
      // res.users inherits its name from its partner (_inherits): not stored on res.users
      name: related('name', [['partner_id', 'res.partner']], 'name'),
      partner_id: 'partner_id', company_id: 'company_id', company_ids: 'company_ids', sale_team_id: 'sale_team_id', share: 'share',
      create_date: 'create_date',
    } }],
  },
  dim_teams: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'crm.team', columns: {
      name: 'name', user_id: 'user_id', company_id: 'company_id', invoiced_target: 'invoiced_target', sequence: 'sequence', create_date: 'create_date',
    } }],
  },
  dim_customers: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'res.partner', columns: {
      name: 'name',
      complete_name: v('display_name', 'complete_name', 'complete_name', 'complete_name'),
      ref: 'ref', is_company: 'is_company', parent_id: 'parent_id', commercial_partner_id: 'commercial_partner_id', company_id: 'company_id',
      user_id: 'user_id',
      team_id: v('team_id', 'team_id', null, null),
      type: 'type', email: 'email', phone: 'phone',
      mobile: v('mobile', 'mobile', 'mobile', null),
      street: 'street', city: 'city', zip: 'zip', state_id: 'state_id', country_id: 'country_id', vat: 'vat', industry_id: 'industry_id',
      category_id: 'category_id', customer_rank: 'customer_rank', supplier_rank: 'supplier_rank', lang: 'lang', create_date: 'create_date',
    } }],
  },
  dim_promotions: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'loyalty.program', columns: {
      name: 'name', program_type: 'program_type', applies_on: 'applies_on', trigger: 'trigger',
      date_from: v(null, 'date_from', 'date_from', 'date_from'),
      date_to: 'date_to', company_id: 'company_id', currency_id: 'currency_id', pos_ok: 'pos_ok', sale_ok: 'sale_ok',
      pos_config_ids: 'pos_config_ids', limit_usage: 'limit_usage', max_usage: 'max_usage', sequence: 'sequence', create_date: 'create_date',
    } }],
  },
  dim_promotion_types: {
    key: ['code'],
    active: false,
    // the rows are fields_get's selection of loyalty.program.program_type: code ← its value, name ← its label
    sources: [{ model: 'loyalty.program', selectionOf: 'program_type', columns: { code: 'code', name: 'name' } }],
  },
  dim_purchases: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'purchase.order', columns: {
      name: 'name', partner_id: 'partner_id', partner_ref: 'partner_ref', state: 'state', date_order: 'date_order', business_date: businessDate, date_approve: 'date_approve',
      date_planned: 'date_planned', effective_date: 'effective_date', amount_untaxed: 'amount_untaxed', amount_tax: 'amount_tax',
      amount_total: 'amount_total', currency_id: 'currency_id', company_id: 'company_id', user_id: 'user_id', picking_type_id: 'picking_type_id',
      invoice_status: 'invoice_status', receipt_status: 'receipt_status', origin: 'origin', create_date: 'create_date',
    } }],
  },
  dim_stock_picking_type: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'stock.picking.type', columns: {
      name: 'name', code: 'code', sequence_code: 'sequence_code', warehouse_id: 'warehouse_id', company_id: 'company_id',
      default_location_src_id: 'default_location_src_id', default_location_dest_id: 'default_location_dest_id',
      return_picking_type_id: 'return_picking_type_id', sequence: 'sequence', barcode: 'barcode', create_date: 'create_date',
    } }],
  },
  fact_warehouse: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'stock.warehouse', columns: {
      name: 'name', code: 'code', company_id: 'company_id', partner_id: 'partner_id', lot_stock_id: 'lot_stock_id', view_location_id: 'view_location_id',
      reception_steps: 'reception_steps', delivery_steps: 'delivery_steps', sequence: 'sequence', create_date: 'create_date',
    } }],
  },
  fact_stock_locations: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'stock.location', columns: {
      name: 'name', complete_name: 'complete_name', location_id: 'location_id', usage: 'usage', company_id: 'company_id', warehouse_id: 'warehouse_id',
      barcode: 'barcode', scrap_location: v('scrap_location', 'scrap_location', 'scrap_location', null), replenish_location: 'replenish_location',
      create_date: 'create_date',
    } }],
  },
  fact_stock: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'stock.quant', columns: {
      product_id: 'product_id', location_id: 'location_id', company_id: 'company_id', lot_id: 'lot_id', package_id: 'package_id', owner_id: 'owner_id',
      quantity: 'quantity', reserved_quantity: 'reserved_quantity', inventory_quantity: 'inventory_quantity', in_date: 'in_date',
      inventory_date: 'inventory_date', create_date: 'create_date',
    } }],
  },
  fact_stock_moves: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'stock.move.line', columns: {
      product_id: 'product_id', lot_id: 'lot_id',
      lot_name: computed(['lot_id', 'lot_name'], "the lot's name (lot_id's display name), else the line's lot_name", (r) =>
        Array.isArray(r.lot_id) ? r.lot_id[1] : typeof r.lot_name === 'string' && r.lot_name !== '' ? r.lot_name : null),
      location_id: 'location_id', location_dest_id: 'location_dest_id',
      // in the product's unit: 16 has only the line's qty_done (in product_uom_id); 17+ store Odoo's conversion
      quantity: v('qty_done', 'quantity_product_uom', 'quantity_product_uom', 'quantity_product_uom'),
      quantity_uom: v('qty_done', 'quantity', 'quantity', 'quantity'),
      uom_id: 'product_uom_id', date: 'date', business_date: moveBusinessDate,
      // stored on 16–18; on 19 a non-stored related field of the move
      reference: v('reference', 'reference', 'reference', related('reference', [['move_id', 'stock.move']], 'reference')),
      // not stored on any version: the picking's type (_compute_picking_type_id), none without a picking
      picking_type_id: computed(['picking_type_id'], "the picking's operation type; false without a picking", (r, recorded) => {
        if (r.picking_id === false) return false;
        const picking = (recorded['stock.picking'] ?? []).find((p) => p.id === m2oId(r.picking_id));
        return picking ? picking.picking_type_id : UNKNOWN;
      }),
      picking_id: 'picking_id', move_id: 'move_id', company_id: 'company_id', create_date: 'create_date',
    } }],
  },
  all_sales: {
    key: ['source', 'odoo_id'],
    active: false,
    sources: [
      { model: 'pos.order', columns: {
        source: constant('pos'), name: 'name', state: 'state', date_order: 'date_order', business_date: businessDate, partner_id: 'partner_id', company_id: 'company_id',
        user_id: 'user_id', team_id: 'crm_team_id', config_id: 'config_id', session_id: 'session_id', employee_id: 'employee_id',
        warehouse_id: null, pricelist_id: 'pricelist_id',
        // pos.order has no untaxed amount: total minus tax
        amount_untaxed: computed(['amount_total', 'amount_tax'], 'pos.order has no untaxed total: amount_total − amount_tax', (r) =>
          Math.round(((r.amount_total as number) - (r.amount_tax as number)) * 1e6) / 1e6),
        amount_tax: 'amount_tax', amount_total: 'amount_total', amount_paid: 'amount_paid', currency_rate: 'currency_rate',
        pos_reference: 'pos_reference', client_order_ref: null, invoice_status: null, origin: null, create_date: 'create_date',
      } },
      { model: 'sale.order', columns: {
        source: constant('sale'), name: 'name', state: 'state', date_order: 'date_order', business_date: businessDate, partner_id: 'partner_id', company_id: 'company_id',
        user_id: 'user_id', team_id: 'team_id', config_id: null, session_id: null, employee_id: null, warehouse_id: 'warehouse_id',
        pricelist_id: 'pricelist_id', amount_untaxed: 'amount_untaxed', amount_tax: 'amount_tax', amount_total: 'amount_total', amount_paid: null,
        currency_rate: 'currency_rate', pos_reference: null, client_order_ref: 'client_order_ref', invoice_status: 'invoice_status',
        origin: 'origin', create_date: 'create_date',
      } },
    ],
  },
  fact_sales_lines: {
    key: ['source', 'odoo_id'],
    active: false,
    sources: [
      { model: 'pos.order.line', columns: {
        source: constant('pos'), order_id: 'order_id', product_id: 'product_id',
        // pos.order.line's `name` is a line reference; the product label is full_product_name
        name: 'full_product_name',
        qty: 'qty', price_unit: 'price_unit', discount: 'discount', price_subtotal: 'price_subtotal', price_total: 'price_subtotal_incl',
        qty_delivered: v(null, null, 'qty_delivered', 'qty_delivered'), qty_invoiced: null, total_cost: 'total_cost', company_id: 'company_id',
        salesman_id: null, state: null, is_reward_line: 'is_reward_line', create_date: 'create_date',
      } },
      { model: 'sale.order.line', columns: {
        source: constant('sale'), order_id: 'order_id', product_id: 'product_id', name: 'name', qty: 'product_uom_qty', price_unit: 'price_unit',
        discount: 'discount', price_subtotal: 'price_subtotal', price_total: 'price_total', qty_delivered: 'qty_delivered',
        qty_invoiced: 'qty_invoiced', total_cost: null, company_id: 'company_id', salesman_id: 'salesman_id', state: 'state',
        is_reward_line: null, create_date: 'create_date',
      } },
    ],
  },
  fact_purchases: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'purchase.order.line', columns: {
      order_id: 'order_id', product_id: 'product_id', name: 'name', product_qty: 'product_qty', qty_received: 'qty_received',
      qty_invoiced: 'qty_invoiced', price_unit: 'price_unit', discount: v(null, 'discount', 'discount', 'discount'),
      price_subtotal: 'price_subtotal', price_tax: 'price_tax', price_total: 'price_total', date_planned: 'date_planned',
      partner_id: 'partner_id', company_id: 'company_id',
      // 19 no longer stores the order's currency and state on its lines (related fields)
      currency_id: v('currency_id', 'currency_id', 'currency_id', related('currency_id', [['order_id', 'purchase.order']], 'currency_id')),
      state: v('state', 'state', 'state', related('state', [['order_id', 'purchase.order']], 'state')),
      create_date: 'create_date',
    } }],
  },
  dim_currencies: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'res.currency', columns: {
      name: 'name', symbol: 'symbol', full_name: 'full_name', rounding: 'rounding', decimal_places: 'decimal_places', position: 'position',
      create_date: 'create_date',
    } }],
  },
  fact_currency_rates: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'res.currency.rate', columns: {
      currency_id: 'currency_id', company_id: 'company_id',
      // a rate's `name` is its day
      date: 'name',
      rate: 'rate',
      // Odoo's inverse_company_rate (not stored): company currency per unit, 1 / rate; 12 significant digits
      inverse_rate: computed(['rate'], '1 / rate, to 12 significant digits; NULL for no or a zero rate', (r) =>
        typeof r.rate === 'number' && r.rate !== 0 ? Number((1 / r.rate).toPrecision(12)) : null),
      create_date: 'create_date',
    } }],
  },
  dim_accounts: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'account.account', columns: {
      code: accountCode, name: 'name', account_type: 'account_type',
      internal_group: v('internal_group', 'internal_group', accountGroup18, accountGroup18),
      reconcile: 'reconcile',
      // 19 replaced `deprecated` by `active`: each is NULL where the version lacks it
      deprecated: v('deprecated', 'deprecated', 'deprecated', null),
      active: v(null, null, null, 'active'),
      currency_id: 'currency_id',
      company_id: v('company_id', 'company_id', accountCompany18, accountCompany18),
      company_ids: v(null, null, 'company_ids', 'company_ids'),
      create_date: 'create_date',
    } }],
  },
  dim_account_codes: {
    key: ['account_id', 'company_id'],
    active: false,
    // one row per account and company it was read for; the recording holds the admin's company's code
    sources: [{ model: 'account.account', columns: { account_id: 'id', company_id: readCompany, code: accountCode } }],
  },
  dim_journals: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'account.journal', columns: {
      name: 'name', code: 'code', type: 'type', company_id: 'company_id', currency_id: 'currency_id', default_account_id: 'default_account_id',
      sequence: 'sequence', create_date: 'create_date',
    } }],
  },
  dim_taxes: {
    key: ['odoo_id'],
    active: true,
    sources: [{ model: 'account.tax', columns: {
      name: 'name', amount: 'amount', amount_type: 'amount_type', type_tax_use: 'type_tax_use',
      price_include: v('price_include', 'price_include', taxPriceInclude18, taxPriceInclude18),
      price_include_override: v(null, null, 'price_include_override', 'price_include_override'),
      include_base_amount: 'include_base_amount', company_id: 'company_id', tax_group_id: 'tax_group_id', sequence: 'sequence',
      create_date: 'create_date',
    } }],
  },
  fact_invoices: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'account.move', columns: {
      name: 'name', move_type: 'move_type', state: 'state', payment_state: 'payment_state', partner_id: 'partner_id',
      commercial_partner_id: 'commercial_partner_id', invoice_date: 'invoice_date', invoice_date_due: 'invoice_date_due', date: 'date',
      journal_id: 'journal_id', company_id: 'company_id', currency_id: 'currency_id', amount_untaxed: 'amount_untaxed', amount_tax: 'amount_tax',
      amount_total: 'amount_total', amount_residual: 'amount_residual', amount_untaxed_signed: 'amount_untaxed_signed',
      amount_tax_signed: 'amount_tax_signed', amount_total_signed: 'amount_total_signed', amount_residual_signed: 'amount_residual_signed',
      invoice_user_id: 'invoice_user_id', team_id: 'team_id', invoice_origin: 'invoice_origin', ref: 'ref', payment_reference: 'payment_reference',
      reversed_entry_id: 'reversed_entry_id', create_date: 'create_date',
    } }],
  },
  fact_journal_items: {
    key: ['odoo_id'],
    active: false,
    sources: [{ model: 'account.move.line', columns: {
      move_id: 'move_id', account_id: 'account_id', partner_id: 'partner_id', product_id: 'product_id', journal_id: 'journal_id',
      company_id: 'company_id', date: 'date', date_maturity: 'date_maturity', name: 'name', debit: 'debit', credit: 'credit', balance: 'balance',
      amount_currency: 'amount_currency', currency_id: 'currency_id', quantity: 'quantity', price_unit: 'price_unit', discount: 'discount',
      price_subtotal: 'price_subtotal', price_total: 'price_total', tax_ids: 'tax_ids', tax_line_id: 'tax_line_id',
      analytic_distribution: 'analytic_distribution', display_type: 'display_type', reconciled: 'reconciled', matching_number: 'matching_number',
      amount_residual: 'amount_residual', amount_residual_currency: 'amount_residual_currency', parent_state: 'parent_state',
      sale_line_ids: 'sale_line_ids', purchase_line_id: 'purchase_line_id', create_date: 'create_date',
    } }],
  },
};
