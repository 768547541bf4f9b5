// The stock movements behind the quants (src/sim/dataset/stock.ts): for every quant, done move lines whose
// ins minus outs at each internal location equal what the quants say, so stock on any past day is defined.
// A quant of quantity Q at location L, last written at W (its in_date), came from:
// - a receipt from Vendors (picking type Receipts) or an inventory adjustment (no picking, reference
//   "Product Quantity Updated", as the recordings show) of Q + D into another internal location M of the
//   company, 3 to 90 days before W;
// - zero to two deliveries of D in total from M to Customers (Delivery Orders) between the two;
// - an internal transfer of Q from M to L at W (none when Q is 0).
// So M ends at 0 (Odoo removes zero quants: M has none) and L at Q. One picking per move, one line per move,
// in the product's unit (Units). It reads the quants from the store and draws from a random sequence of its
// own, so every record generated before it stays byte for byte what it was.
import { ADMIN_UID, DAY, dt, mulberry32, type Gen } from './context.ts';

const VENDORS = 4;
const CUSTOMERS = 5;
const INVENTORY = 6;
const UNITS = 1;

export function generateStockMoves(g: Gen): void {
  const { db, o, put } = g;
  const rnd = mulberry32(o.seed * 69069 + Math.round(o.scale * 1000) + 0x570c);
  const int = (a: number, b: number): number => a + Math.floor(rnd() * (b - a + 1));
  const chance = (p: number): boolean => rnd() < p;
  const records = <T>(model: string): T[] => [...db.table(model)!.records.values()] as unknown as T[];

  type Loc = { id: number; usage: string; company_id: number | false };
  type PickingType = { id: number; code: string; company_id: number; sequence_code: string; warehouse_id: number };
  const internal = new Map<number, number[]>();
  for (const l of records<Loc>('stock.location')) {
    if (l.usage === 'internal' && typeof l.company_id === 'number') internal.set(l.company_id, [...(internal.get(l.company_id) ?? []), l.id]);
  }
  const types = records<PickingType>('stock.picking.type');
  const typeOf = (company: number, code: string): PickingType | undefined => types.find((t) => t.company_id === company && t.code === code && t.sequence_code !== 'POS');
  const codes = new Map(records<{ id: number; code: string }>('stock.warehouse').map((w) => [w.id, w.code]));
  const productNames = new Map(records<{ id: number; product_tmpl_id: number }>('product.product').map((p) => [p.id, p.product_tmpl_id]));
  const templates = db.table('product.template')!.records;
  const productName = (id: number): string => String(templates.get(productNames.get(id)!)?.name ?? `Product ${id}`);

  const numbers = new Map<number, number>();
  let pickingId = 1;
  let moveId = 1;
  let lineId = 1;
  const stamp = (ms: number) => ({ create_date: dt(ms), write_date: dt(ms), create_uid: ADMIN_UID, write_uid: ADMIN_UID });

  const move = (product: number, company: number, from: number, to: number, qty: number, at: number, type: PickingType | undefined): void => {
    let picking: number | false = false;
    let reference = 'Product Quantity Updated';
    if (type) {
      const n = (numbers.get(type.id) ?? 0) + 1;
      numbers.set(type.id, n);
      reference = `${codes.get(type.warehouse_id) ?? 'WH'}/${type.sequence_code}/${String(n).padStart(5, '0')}`;
      picking = pickingId++;
      put('stock.picking', {
        id: picking, name: reference, picking_type_id: type.id, location_id: from, location_dest_id: to, state: 'done', scheduled_date: dt(at), date: dt(at), date_done: dt(at),
        origin: false, partner_id: false, company_id: company, move_type: 'direct', ...stamp(at),
      });
    }
    const m = moveId++;
    const label = type ? productName(product) : reference;
    put('stock.move', {
      id: m, name: label, reference, product_id: product, product_uom: UNITS, product_uom_qty: qty, product_qty: qty, quantity: qty, quantity_done: qty, picked: true,
      location_id: from, location_dest_id: to, location_final_id: false, picking_id: picking, picking_type_id: type ? type.id : false, state: 'done', date: dt(at),
      company_id: company, procure_method: 'make_to_stock', origin: false, ...stamp(at),
    });
    put('stock.move.line', {
      id: lineId++, move_id: m, picking_id: picking, picking_type_id: type ? type.id : false, reference, product_id: product, product_uom_id: UNITS,
      qty_done: qty, quantity: qty, quantity_product_uom: qty, picked: true, reserved_qty: 0, reserved_uom_qty: 0,
      location_id: from, location_dest_id: to, lot_id: false, lot_name: false, package_id: false, result_package_id: false, owner_id: false,
      state: 'done', date: dt(at), company_id: company, ...stamp(at),
    });
  };

  type Quant = { id: number; product_id: number; location_id: number; company_id: number; quantity: number; write_date: string };
  for (const q of records<Quant>('stock.quant')) {
    const at = Date.parse(`${q.write_date.replace(' ', 'T')}Z`);
    const others = (internal.get(q.company_id) ?? []).filter((l) => l !== q.location_id);
    const via = others[int(0, others.length - 1)]!;
    const delivered = chance(0.7) ? int(1, 30) : 0;
    if (q.quantity + delivered === 0) continue;
    const received = at - int(3, 90) * DAY - int(0, 86_399) * 1000;
    const adjustment = chance(0.25);
    move(q.product_id, q.company_id, adjustment ? INVENTORY : VENDORS, via, q.quantity + delivered, received, adjustment ? undefined : typeOf(q.company_id, 'incoming'));
    if (delivered > 0) {
      const first = chance(0.5) ? int(1, delivered) : delivered;
      const span = at - received;
      move(q.product_id, q.company_id, via, CUSTOMERS, first, received + Math.floor(span * 0.3), typeOf(q.company_id, 'outgoing'));
      if (first < delivered) move(q.product_id, q.company_id, via, CUSTOMERS, delivered - first, received + Math.floor(span * 0.6), typeOf(q.company_id, 'outgoing'));
    }
    if (q.quantity > 0) move(q.product_id, q.company_id, via, q.location_id, q.quantity, at, typeOf(q.company_id, 'internal'));
  }
}
