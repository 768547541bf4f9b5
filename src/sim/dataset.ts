// The deterministic retail dataset: a head office and branch companies, a warehouse, a POS and a team per
// branch, a product catalogue with variants, stock, people, and two years of POS, sales and purchase orders
// whose amounts add up (order totals are the sum of their lines). `scale` 1 is about Odoo's demo size; order
// lines grow linearly with it (scale 1000 ≈ 1M lines), dimensions sub-linearly. Only the fields that carry
// meaning are stored; `Db.value` derives the rest. Values for fields a version lacks are dropped on insert,
// so the data follows each version's fields_get (detailed_type vs type+is_storable, pos_categ_id(s), ...).
import { toOdooDatetime } from '../odoo/datetime.ts';
import { PerCompany, type Db, type Rec } from './store.ts';

const DAY = 86_400_000;
/** Data "now": fixed so that the same seed and scale give the same bytes on any day. */
export const DATA_EPOCH = Date.UTC(2026, 10, 24, 0, 0, 0);
const SPAN = 730 * DAY;

export function dt(ms: number): string {
  return toOdooDatetime(new Date(ms));
}
const d10 = (ms: number): string => dt(ms).slice(0, 10);
const r2 = (x: number): number => Math.round(x * 100) / 100;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = ['Lyon', 'Ghent', 'Porto', 'Leeds', 'Turin', 'Bremen', 'Utrecht', 'Graz', 'Malmo', 'Cork', 'Bilbao', 'Krakow', 'Brno', 'Aarhus', 'Nantes', 'Basel', 'Lille', 'Lodz', 'Split', 'Riga'];
const DEPTS: Record<string, string[]> = {
  Food: ['Dairy', 'Bakery', 'Produce', 'Frozen', 'Pantry'],
  Beverages: ['Coffee & Tea', 'Soft Drinks', 'Wine', 'Beer'],
  Home: ['Kitchen', 'Cleaning', 'Decor', 'Garden'],
  Apparel: ['Men', 'Women', 'Kids', 'Shoes'],
  Electronics: ['Audio', 'Phones', 'Accessories'],
};
const ADJ = ['Classic', 'Organic', 'Premium', 'Everyday', 'Fresh', 'Urban', 'Nordic', 'Golden', 'Smart', 'Eco', 'Mini', 'Family'];
const NOUN = ['Blend', 'Pack', 'Set', 'Box', 'Selection', 'Bundle', 'Kit', 'Jar', 'Bottle', 'Bag', 'Tray', 'Case'];
const FIRST = ['Anna', 'Ben', 'Clara', 'David', 'Eva', 'Felix', 'Greta', 'Hugo', 'Ines', 'Jonas', 'Kim', 'Lea', 'Marc', 'Nora', 'Omar', 'Paula', 'Quentin', 'Rosa', 'Sven', 'Tara', 'Umut', 'Vera', 'Wim', 'Yara', 'Zoe'];
const LAST = ['Peeters', 'Martin', 'Silva', 'Smith', 'Rossi', 'Meyer', 'de Vries', 'Novak', 'Berg', 'Murphy', 'Garcia', 'Kowalski', 'Dvorak', 'Jensen', 'Dubois', 'Keller'];
const JOBS = ['Chief Executive Officer', 'Store Manager', 'Cashier', 'Stock Clerk', 'Sales Associate', 'Buyer', 'Accountant', 'HR Officer'];

export interface DatasetOptions {
  seed: number;
  scale: number;
  withBrand: boolean;
  demoUid: number;
}

/** Ids of the people the simulator authenticates (Odoo's demo uses 2 for admin, 6 for demo). */
export const ADMIN_UID = 2;
export function demoUid(version: string): number {
  return version === '19.0' ? 5 : 6;
}

export function generateDataset(db: Db, o: DatasetOptions): void {
  const DEMO_UID = o.demoUid;
  const rnd = mulberry32(o.seed * 2654435761 + Math.round(o.scale * 1000));
  const int = (a: number, b: number): number => a + Math.floor(rnd() * (b - a + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number): boolean => rnd() < p;
  const start = DATA_EPOCH - SPAN;
  // Imports and upgrades stamp many records with one write_date, as Odoo does.
  const imports = [start, start + 30 * DAY, start + 200 * DAY, start + 400 * DAY, DATA_EPOCH - 20 * DAY].map((t) => t + 9 * 3600_000);
  const dimStamp = (): Record<string, unknown> => {
    const created = pick(imports.slice(0, 3));
    const written = chance(0.6) ? pick(imports.filter((t) => t >= created)) : created + int(0, 600) * DAY * 0.99;
    return { create_date: dt(created), write_date: dt(Math.min(written, DATA_EPOCH)), create_uid: ADMIN_UID, write_uid: ADMIN_UID };
  };
  const put = (model: string, values: Record<string, unknown>): Rec => {
    const t = db.table(model)!;
    const clean: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(values)) if (k === 'id' || k.startsWith('_') || k in t.fields) clean[k] = v;
    return db.insert(model, clean);
  };
  const has = (model: string, field: string): boolean => field in (db.table(model)?.fields ?? {});
  // States come and go between versions (19 has no 'invoiced' POS or 'done' purchase state).
  const state = (model: string, wanted: string, fallback: string): string =>
    (db.table(model)?.fields.state?.selection ?? []).some(([k]) => k === wanted) ? wanted : fallback;

  // --- companies, partners, users ------------------------------------------------------------------
  const nBranches = Math.min(CITIES.length, 2 + Math.floor(Math.sqrt(o.scale) * 1.5));
  const companies: { id: number; partner: number; city: string }[] = [];
  for (let i = 0; i <= nBranches; i++) {
    const city = i === 0 ? 'Brussels' : CITIES[i - 1]!;
    companies.push({ id: i + 1, partner: i + 1, city });
  }
  for (const c of companies) {
    const name = c.id === 1 ? 'Northwind Retail HQ' : `Northwind ${c.city}`;
    put('res.partner', { id: c.partner, name, complete_name: name, is_company: true, company_id: false, city: c.city, email: `${c.city.toLowerCase()}@northwind.example.com`, active: true, type: 'contact', ...dimStamp() });
    put('res.company', { id: c.id, name, parent_id: c.id === 1 ? false : 1, partner_id: c.partner, sequence: c.id, currency_id: 1, city: c.city, active: true, parent_path: c.id === 1 ? '1/' : `1/${c.id}/`, ...dimStamp() });
  }
  const allCompanyIds = companies.map((c) => c.id);
  const person = (): string => `${pick(FIRST)} ${pick(LAST)}`;
  let partnerId = companies.length + 1;
  const addPartner = (name: string, values: Record<string, unknown> = {}): number => {
    const id = partnerId++;
    put('res.partner', { id, name, complete_name: name, is_company: false, active: true, type: 'contact', company_id: false, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}${id}@example.com`, customer_rank: 0, supplier_rank: 0, ...dimStamp(), ...values });
    return id;
  };
  const users: { id: number; login: string; name: string; company: number; companies: number[]; active: boolean }[] = [
    { id: 1, login: '__system__', name: 'OdooBot', company: 1, companies: allCompanyIds, active: false },
    { id: ADMIN_UID, login: 'admin', name: 'Mitchell Admin', company: 1, companies: allCompanyIds, active: true },
    { id: DEMO_UID, login: 'demo', name: 'Marc Demo', company: 1, companies: [1], active: true },
  ];
  for (const c of companies.slice(1)) users.push({ id: 6 + c.id, login: `cashier.${c.city.toLowerCase()}`, name: person(), company: c.id, companies: [c.id], active: true });
  const userPartner = new Map<number, number>();
  for (const u of users) {
    const p = addPartner(u.name, { active: u.active, company_id: false });
    userPartner.set(u.id, p);
    put('res.users', { id: u.id, login: u.login, name: u.name, partner_id: p, company_id: u.company, company_ids: u.companies, active: u.active, share: false, ...dimStamp() });
  }
  const nCustomers = Math.round(40 * Math.pow(o.scale, 0.75));
  const customers: number[] = [];
  for (let i = 0; i < nCustomers; i++) {
    const company = chance(0.2);
    const name = company ? `${pick(ADJ)} ${pick(NOUN)} ${pick(['Ltd', 'SA', 'GmbH', 'BV'])}` : person();
    customers.push(addPartner(name, { is_company: company, customer_rank: 1, active: !chance(0.05), city: pick(CITIES) }));
  }
  const vendors: number[] = [];
  for (let i = 0; i < Math.max(5, Math.round(8 * Math.pow(o.scale, 0.4))); i++) {
    const name = `${pick(ADJ)} ${pick(['Foods', 'Supplies', 'Trading', 'Wholesale', 'Imports'])}`;
    vendors.push(addPartner(name, { is_company: true, supplier_rank: 1 }));
  }

  // --- units, categories, products -------------------------------------------------------------------
  const uoms: [string, string, number][] = [['Units', 'unit', 1], ['Dozens', 'unit', 1 / 12], ['kg', 'weight', 1], ['g', 'weight', 1000], ['L', 'volume', 1], ['Hours', 'time', 1]];
  const uomCat: Record<string, number> = { unit: 1, weight: 2, volume: 3, time: 4 };
  uoms.forEach(([name, cat, factor], i) => {
    put('uom.uom', { id: i + 1, name, category_id: uomCat[cat], factor, relative_factor: 1 / factor, rounding: 0.01, uom_type: factor === 1 ? 'reference' : factor > 1 ? 'smaller' : 'bigger', active: true, ...dimStamp() });
  });
  put('product.category', { id: 1, name: 'All', complete_name: 'All', parent_id: false, parent_path: '1/', ...dimStamp() });
  put('product.category', { id: 2, name: 'Saleable', complete_name: 'All / Saleable', parent_id: 1, parent_path: '1/2/', ...dimStamp() });
  const leafCats: number[] = [];
  let catId = 3;
  const extraPerDept = Math.floor(Math.log10(Math.max(1, o.scale)));
  for (const [dept, subs] of Object.entries(DEPTS)) {
    const did = catId++;
    put('product.category', { id: did, name: dept, complete_name: `All / Saleable / ${dept}`, parent_id: 2, parent_path: `1/2/${did}/`, ...dimStamp() });
    for (const sub of [...subs, ...Array.from({ length: extraPerDept }, (_, k) => `${dept} Line ${k + 1}`)]) {
      const sid = catId++;
      put('product.category', { id: sid, name: sub, complete_name: `All / Saleable / ${dept} / ${sub}`, parent_id: did, parent_path: `1/2/${did}/${sid}/`, ...dimStamp() });
      leafCats.push(sid);
    }
  }
  const posCats: number[] = [];
  Object.keys(DEPTS).forEach((dept, i) => {
    put('pos.category', { id: i + 1, name: dept, parent_id: false, sequence: i, ...dimStamp() });
    posCats.push(i + 1);
  });
  const brands: number[] = [];
  if (o.withBrand) {
    for (let i = 1; i <= 12; i++) {
      put('product.brand', { id: i, name: `${pick(ADJ)} ${pick(['Co', 'Brand', 'Makers', 'House'])} ${i}`, description: `Brand ${i}`, partner_id: pick(vendors), active: true, ...dimStamp() });
      brands.push(i);
    }
  }
  const nTemplates = Math.round(50 * Math.pow(o.scale, 0.6));
  const variants: { id: number; price: number; cost: number; name: string; storable: boolean }[] = [];
  let variantId = 1;
  for (let i = 1; i <= nTemplates; i++) {
    const name = `${pick(ADJ)} ${pick(NOUN)} ${i}`;
    const service = i % 25 === 0;
    const price = r2(1 + rnd() * (chance(0.1) ? 900 : 60));
    const cost = r2(price * (0.4 + rnd() * 0.3));
    const code = `NW${String(i).padStart(5, '0')}`;
    const typeVals = has('product.template', 'detailed_type')
      ? { detailed_type: service ? 'service' : 'product', type: service ? 'service' : 'product' }
      : { type: service ? 'service' : 'consu', is_storable: !service };
    const posCat = pick(posCats);
    const active = !chance(0.03);
    const stamp = dimStamp();
    put('product.template', {
      id: i, name, default_code: code, categ_id: pick(leafCats), list_price: price, sale_ok: true, purchase_ok: !service,
      available_in_pos: !service, pos_categ_id: posCat, pos_categ_ids: [posCat], uom_id: 1, uom_po_id: 1, active, company_id: false,
      barcode: service ? false : String(5400000000000 + i * 10), description_sale: false, product_brand_id: brands.length > 0 ? pick(brands) : undefined,
      ...typeVals, ...stamp,
    });
    const labels = !service && chance(0.2) ? pick([['S', 'M', 'L'], ['Red', 'Blue'], ['Small', 'Large']]) : [null];
    for (const label of labels) {
      const vid = variantId++;
      const vcode = label ? `${code}-${label.toUpperCase()}` : code;
      // The cost is company-dependent: set in the head office (the demo's company), unset elsewhere as in Odoo.
      put('product.product', { id: vid, product_tmpl_id: i, name, default_code: vcode, standard_price: new PerCompany({ 1: cost }), _variant_label: label ?? undefined, barcode: label ? String(5500000000000 + vid * 10) : false, active, ...stamp });
      variants.push({ id: vid, price, cost, name: label ? `${name} (${label})` : name, storable: !service });
    }
  }
  // product.product's display name carries the variant label ("[code] name (label)")
  for (const r of db.table('product.product')!.records.values()) if (r._variant_label) r.variant_label = r._variant_label;

  // --- warehouses, locations, picking types, POS, teams ----------------------------------------------
  put('stock.location', { id: 1, name: 'Physical Locations', complete_name: 'Physical Locations', usage: 'view', location_id: false, company_id: false, active: true, ...dimStamp() });
  put('stock.location', { id: 2, name: 'Partners', complete_name: 'Partners', usage: 'view', location_id: false, company_id: false, active: true, ...dimStamp() });
  put('stock.location', { id: 3, name: 'Virtual Locations', complete_name: 'Virtual Locations', usage: 'view', location_id: false, company_id: false, active: true, ...dimStamp() });
  put('stock.location', { id: 4, name: 'Vendors', complete_name: 'Partners/Vendors', usage: 'supplier', location_id: 2, company_id: false, active: true, ...dimStamp() });
  put('stock.location', { id: 5, name: 'Customers', complete_name: 'Partners/Customers', usage: 'customer', location_id: 2, company_id: false, active: true, ...dimStamp() });
  put('stock.location', { id: 6, name: 'Inventory adjustment', complete_name: 'Virtual Locations/Inventory adjustment', usage: 'inventory', location_id: 3, company_id: false, active: true, ...dimStamp() });
  let locId = 7;
  let ptId = 1;
  const branch: Record<number, { wh: number; stock: number[]; posType: number; receipt: number; config: number; team: number; cashier: number }> = {};
  for (const c of companies) {
    const code = c.id === 1 ? 'HQ' : c.city.slice(0, 3).toUpperCase() + c.id;
    const view = locId++;
    put('stock.location', { id: view, name: code, complete_name: code, usage: 'view', location_id: 1, company_id: c.id, active: true, ...dimStamp() });
    const stockLoc = locId++;
    put('stock.location', { id: stockLoc, name: 'Stock', complete_name: `${code}/Stock`, usage: 'internal', location_id: view, company_id: c.id, warehouse_id: c.id, active: true, barcode: `${code}-STOCK`, ...dimStamp() });
    const shelves = [stockLoc];
    for (let s = 1; s <= 2; s++) {
      const sid = locId++;
      put('stock.location', { id: sid, name: `Shelf ${s}`, complete_name: `${code}/Stock/Shelf ${s}`, usage: 'internal', location_id: stockLoc, company_id: c.id, warehouse_id: c.id, active: s === 1 || !chance(0.3), ...dimStamp() });
      shelves.push(sid);
    }
    put('stock.warehouse', { id: c.id, name: c.id === 1 ? 'Central Warehouse' : `${c.city} Store`, code, company_id: c.id, partner_id: c.partner, view_location_id: view, lot_stock_id: stockLoc, active: true, sequence: c.id, ...dimStamp() });
    const mk = (name: string, kind: string, seq: string, src: number | false, dest: number | false, active = true): number => {
      const id = ptId++;
      put('stock.picking.type', { id, name, code: kind, sequence_code: seq, warehouse_id: c.id, company_id: c.id, default_location_src_id: src, default_location_dest_id: dest, active, sequence: id, ...dimStamp() });
      return id;
    };
    const receipt = mk('Receipts', 'incoming', 'IN', 4, stockLoc);
    mk('Delivery Orders', 'outgoing', 'OUT', stockLoc, 5);
    const posType = mk('PoS Orders', 'outgoing', 'POS', stockLoc, 5);
    mk('Internal Transfers', 'internal', 'INT', stockLoc, stockLoc, false);
    const team = c.id;
    put('crm.team', { id: team, name: c.id === 1 ? 'Sales' : `POS ${c.city}`, company_id: c.id === 1 ? false : c.id, user_id: ADMIN_UID, active: true, sequence: c.id, ...dimStamp() });
    const config = c.id;
    put('pos.config', { id: config, name: c.id === 1 ? 'HQ Shop' : `${c.city} Shop`, company_id: c.id, picking_type_id: posType, warehouse_id: c.id, crm_team_id: team, active: true, currency_id: 1, ...dimStamp() });
    const cashier = users.find((u) => u.company === c.id && u.login.startsWith('cashier'))?.id ?? ADMIN_UID;
    branch[c.id] = { wh: c.id, stock: shelves, posType, receipt, config, team, cashier };
  }
  put('crm.team', { id: companies.length + 1, name: 'Website', company_id: false, user_id: ADMIN_UID, active: false, sequence: 99, ...dimStamp() });

  // --- people ----------------------------------------------------------------------------------------
  const deptNames = ['Management', 'Administration', 'Purchasing', 'Logistics', 'Store Operations'];
  deptNames.forEach((name, i) => put('hr.department', { id: i + 1, name, complete_name: name, parent_id: false, company_id: 1, active: true, ...dimStamp() }));
  const storeDept: Record<number, number> = {};
  for (const c of companies.slice(1)) {
    const id = deptNames.length + c.id - 1;
    put('hr.department', { id, name: `Store ${c.city}`, complete_name: `Store Operations / Store ${c.city}`, parent_id: 5, company_id: c.id, active: true, ...dimStamp() });
    storeDept[c.id] = id;
  }
  JOBS.forEach((name, i) => put('hr.job', { id: i + 1, name, department_id: i < 2 ? 1 : i < 5 ? 5 : 2, company_id: 1, active: true, no_of_recruitment: i % 3, ...dimStamp() }));
  for (const c of companies) {
    put('hr.work.location', { id: c.id, name: c.id === 1 ? 'Head Office' : `${c.city} Store`, address_id: c.partner, company_id: c.id, location_type: c.id === 1 ? 'office' : 'other', active: true, ...dimStamp() });
  }
  const nEmployees = Math.max(companies.length * 4, Math.round(20 * Math.pow(o.scale, 0.7)));
  const managers: Record<number, number> = {};
  for (let i = 1; i <= nEmployees; i++) {
    const c = companies[(i - 1) % companies.length]!;
    const job = i <= companies.length ? (c.id === 1 ? 1 : 2) : int(3, JOBS.length);
    const name = person();
    const manager = managers[c.id] ?? false;
    if (!managers[c.id]) managers[c.id] = i;
    put('hr.employee', {
      id: i, name, job_id: job, job_title: JOBS[job - 1], department_id: c.id === 1 ? 1 : storeDept[c.id], company_id: c.id, work_location_id: c.id,
      parent_id: manager, coach_id: manager, work_email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@northwind.example.com`, active: !chance(0.05),
      user_id: i === 1 ? ADMIN_UID : false, private_email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}${i}@mail.example.com`, private_street: `${int(1, 200)} ${pick(LAST)} Street`,
      work_contact_id: false, ...dimStamp(),
    });
  }

  // --- loyalty ----------------------------------------------------------------------------------------
  const programTypes = (db.table('loyalty.program')!.fields.program_type?.selection ?? []).map(([k]) => k);
  const nPrograms = Math.max(6, Math.round(6 * Math.pow(o.scale, 0.3)));
  for (let i = 1; i <= nPrograms; i++) {
    const type = programTypes[(i - 1) % programTypes.length] ?? 'promotion';
    const from = start + int(0, 600) * DAY;
    put('loyalty.program', {
      id: i, name: `${pick(ADJ)} ${type.replace(/_/g, ' ')} ${i}`, program_type: type, active: !chance(0.15), company_id: chance(0.5) ? false : pick(allCompanyIds),
      date_from: d10(from), date_to: chance(0.5) ? d10(from + int(14, 90) * DAY) : false, trigger: type === 'promo_code' ? 'with_code' : 'auto', applies_on: 'current',
      pos_ok: true, sale_ok: true, pos_config_ids: chance(0.5) ? allCompanyIds : [pick(allCompanyIds)], currency_id: 1, ...dimStamp(),
    });
    put('loyalty.rule', { id: i, program_id: i, minimum_qty: 1, minimum_amount: 0, reward_point_amount: 1, active: true, company_id: false, ...dimStamp() });
    put('loyalty.reward', { id: i, program_id: i, reward_type: 'discount', discount: 10, discount_mode: 'percent', required_points: 1, active: true, company_id: false, ...dimStamp() });
  }

  // --- stock quants --------------------------------------------------------------------------------
  let quantId = 1;
  for (const v of variants) {
    if (!v.storable) continue;
    for (const c of companies) {
      if (!chance(0.6)) continue;
      const b = branch[c.id]!;
      const when = start + int(0, 700) * DAY + int(0, 86399) * 1000;
      put('stock.quant', {
        id: quantId++, product_id: v.id, location_id: pick(b.stock), company_id: c.id, quantity: int(0, 120), reserved_quantity: 0, inventory_quantity: 0,
        in_date: dt(when), create_date: dt(when), write_date: dt(when), create_uid: ADMIN_UID, write_uid: ADMIN_UID,
      });
    }
  }

  // --- POS sessions, orders, lines -------------------------------------------------------------------
  const saleable = variants.filter((v) => v.price > 0);
  const weeks = Math.floor(SPAN / (7 * DAY));
  const sessionOf: Record<number, number[]> = {};
  let sessionId = 1;
  for (const c of companies) {
    sessionOf[c.id] = [];
    for (let w = 0; w < weeks; w++) {
      const open = start + w * 7 * DAY + 8 * 3600_000;
      const close = open + 7 * DAY - 10 * 3600_000;
      const id = sessionId++;
      put('pos.session', { id, name: `${c.id === 1 ? 'HQ Shop' : `${c.city} Shop`}/${String(w + 1).padStart(5, '0')}`, config_id: c.id, company_id: c.id, user_id: branch[c.id]!.cashier, state: 'closed', start_at: dt(open), stop_at: dt(close), create_date: dt(open), write_date: dt(close), create_uid: ADMIN_UID, write_uid: ADMIN_UID });
      sessionOf[c.id]!.push(id);
    }
  }
  const nPosLines = Math.round(600 * o.scale);
  const nPosOrders = Math.max(1, Math.round(nPosLines / 3));
  let posLineId = 1;
  const seqPerConfig: Record<number, number> = {};
  for (let i = 1; i <= nPosOrders; i++) {
    const c = companies[int(0, companies.length - 1)]!;
    const b = branch[c.id]!;
    const when = start + Math.floor(((i - 0.5) / nPosOrders) * (weeks * 7 * DAY));
    const week = Math.min(weeks - 1, Math.floor((when - start) / (7 * DAY)));
    const session = sessionOf[c.id]![week]!;
    const closeAt = start + week * 7 * DAY + 8 * 3600_000 + 7 * DAY - 10 * 3600_000;
    const seq = (seqPerConfig[c.id] = (seqPerConfig[c.id] ?? 0) + 1);
    const shop = c.id === 1 ? 'HQ Shop' : `${c.city} Shop`;
    const name = `${shop}/${String(seq).padStart(4, '0')}`;
    const nLines = i === nPosOrders ? Math.max(1, nPosLines - (posLineId - 1)) : int(1, 5);
    let total = 0;
    let untaxed = 0;
    const created = dt(when);
    // Closing the session rewrites every order of the week: one write_date shared by hundreds of orders.
    const written = dt(Math.min(closeAt, DATA_EPOCH));
    for (let l = 0; l < nLines && posLineId <= nPosLines + 4; l++) {
      const v = pick(saleable);
      const qty = int(1, 4);
      const discount = chance(0.1) ? pick([10, 20]) : 0;
      const sub = r2(qty * v.price * (1 - discount / 100));
      const incl = r2(sub * 1.15);
      untaxed += sub;
      total += incl;
      put('pos.order.line', {
        id: posLineId++, order_id: i, product_id: v.id, full_product_name: v.name, name, qty, price_unit: v.price, discount, price_subtotal: sub, price_subtotal_incl: incl,
        company_id: c.id, total_cost: r2(qty * v.cost), create_date: created, write_date: written, create_uid: b.cashier, write_uid: ADMIN_UID,
      });
    }
    total = r2(total);
    untaxed = r2(untaxed);
    put('pos.order', {
      id: i, name, pos_reference: `Order ${String(c.id).padStart(5, '0')}-${String(week + 1).padStart(3, '0')}-${String(seq).padStart(4, '0')}`, session_id: session, config_id: c.id,
      company_id: c.id, user_id: b.cashier, partner_id: chance(0.3) ? pick(customers) : false, date_order: created, state: chance(0.05) ? state('pos.order', 'invoiced', 'done') : 'done',
      amount_total: total, amount_tax: r2(total - untaxed), amount_paid: total, amount_return: 0, crm_team_id: b.team, sequence_number: seq, currency_rate: 1,
      create_date: created, write_date: written, create_uid: b.cashier, write_uid: ADMIN_UID,
    });
  }

  // --- sales -----------------------------------------------------------------------------------------
  const salesmen = [ADMIN_UID, DEMO_UID];
  const nSaleLines = Math.round(400 * o.scale);
  const nSaleOrders = Math.max(1, Math.round(nSaleLines / 2.5));
  let saleLineId = 1;
  for (let i = 1; i <= nSaleOrders; i++) {
    const c = companies[int(0, companies.length - 1)]!;
    const when = start + Math.floor(((i - 0.5) / nSaleOrders) * SPAN);
    const orderState = state('sale.order', pick(['sale', 'sale', 'sale', 'sale', 'sale', 'sale', 'draft', 'sent', 'cancel', 'done']), 'sale');
    const partner = pick(customers);
    const user = pick(salesmen);
    const name = `S${String(i).padStart(5, '0')}`;
    const created = dt(when);
    const written = dt(Math.min(DATA_EPOCH, when + (chance(0.2) ? int(1, 40) * DAY : int(5, 600) * 1000)));
    const nLines = i === nSaleOrders ? Math.max(1, nSaleLines - (saleLineId - 1)) : int(1, 4);
    let untaxed = 0;
    let tax = 0;
    for (let l = 0; l < nLines; l++) {
      const v = pick(saleable);
      const qty = int(1, 10);
      const discount = chance(0.1) ? 5 : 0;
      const sub = r2(qty * v.price * (1 - discount / 100));
      const t = r2(sub * 0.15);
      untaxed += sub;
      tax += t;
      const delivered = orderState === 'sale' ? qty : 0;
      put('sale.order.line', {
        id: saleLineId++, order_id: i, product_id: v.id, name: v.name, product_uom_qty: qty, product_uom: 1, product_uom_id: 1, price_unit: v.price, discount,
        price_subtotal: sub, price_tax: t, price_total: r2(sub + t), qty_delivered: delivered, qty_invoiced: delivered, salesman_id: user, order_partner_id: partner,
        company_id: c.id, currency_id: 1, state: orderState, sequence: 10 + l, create_date: created, write_date: written, create_uid: user, write_uid: user,
      });
    }
    untaxed = r2(untaxed);
    tax = r2(tax);
    put('sale.order', {
      id: i, name, partner_id: partner, partner_invoice_id: partner, partner_shipping_id: partner, date_order: created, state: orderState, user_id: user, team_id: branch[c.id]!.team,
      company_id: c.id, warehouse_id: c.id, amount_untaxed: untaxed, amount_tax: tax, amount_total: r2(untaxed + tax), currency_id: 1, currency_rate: 1,
      invoice_status: orderState === 'sale' ? 'invoiced' : 'no', create_date: created, write_date: written, create_uid: user, write_uid: user,
    });
  }

  // --- purchases -------------------------------------------------------------------------------------
  const nPurchases = Math.max(10, Math.round(10 * o.scale));
  let purchaseLineId = 1;
  for (let i = 1; i <= nPurchases; i++) {
    const c = companies[int(0, companies.length - 1)]!;
    const when = start + Math.floor(((i - 0.5) / nPurchases) * SPAN);
    const orderState = state('purchase.order', pick(['purchase', 'purchase', 'purchase', 'done', 'draft', 'cancel']), 'purchase');
    const vendor = pick(vendors);
    const created = dt(when);
    const written = dt(Math.min(DATA_EPOCH, when + int(1, 10) * DAY));
    let untaxed = 0;
    let tax = 0;
    const nLines = int(1, 5);
    for (let l = 0; l < nLines; l++) {
      const v = pick(saleable);
      const qty = int(5, 100);
      const sub = r2(qty * v.cost);
      const t = r2(sub * 0.15);
      untaxed += sub;
      tax += t;
      put('purchase.order.line', {
        id: purchaseLineId++, order_id: i, product_id: v.id, name: v.name, product_qty: qty, product_uom_qty: qty, product_uom: 1, product_uom_id: 1, price_unit: v.cost,
        price_subtotal: sub, price_tax: t, price_total: r2(sub + t), qty_received: orderState === 'done' ? qty : 0, qty_invoiced: orderState === 'done' ? qty : 0,
        date_planned: dt(when + 7 * DAY), partner_id: vendor, company_id: c.id, currency_id: 1, state: orderState, create_date: created, write_date: written, create_uid: ADMIN_UID, write_uid: ADMIN_UID,
      });
    }
    untaxed = r2(untaxed);
    tax = r2(tax);
    put('purchase.order', {
      id: i, name: `P${String(i).padStart(5, '0')}`, partner_id: vendor, date_order: created, date_approve: orderState === 'draft' ? false : created, state: orderState, user_id: ADMIN_UID,
      company_id: c.id, picking_type_id: branch[c.id]!.receipt, amount_untaxed: untaxed, amount_tax: tax, amount_total: r2(untaxed + tax), currency_id: 1, priority: '0',
      create_date: created, write_date: written, create_uid: ADMIN_UID, write_uid: ADMIN_UID,
    });
  }

  put('ir.config_parameter', { id: 1, key: 'web.base.url', value: 'http://localhost:8069', ...dimStamp() });
  put('ir.config_parameter', { id: 2, key: 'database.uuid', value: `00000000-0000-4000-8000-${String(o.seed).padStart(12, '0')}`, ...dimStamp() });

  // --- ir.model: one row per served model --------------------------------------------------------------
  let irId = 1;
  for (const t of db.tables.values()) {
    if (t.name === 'ir.model') continue;
    put('ir.model', { id: irId++, model: t.name, name: t.name, state: 'base', transient: false, ...dimStamp() });
  }

  for (const t of db.tables.values()) t.pool = [...t.records.keys()].slice(0, 5);
}
