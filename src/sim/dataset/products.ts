// Units, product and POS categories, optional brands, and the catalogue: templates with variants whose
// cost is company-dependent.
import { PerCompany } from '../store.ts';
import { r2, type Gen } from './context.ts';
import { ADJ, DEPTS, NOUN } from './names.ts';

export interface Variant {
  id: number;
  price: number;
  cost: number;
  name: string;
  storable: boolean;
}

export function generateCatalogue(g: Gen, vendors: number[]): Variant[] {
  const { db, o, put, pick, chance, rnd, has, dimStamp } = g;
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
  const variants: Variant[] = [];
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
  return variants;
}
