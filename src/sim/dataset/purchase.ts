// Purchase orders from the vendors at cost, spread evenly over the two years (`10 × scale` orders, at least 10).
import { ADMIN_UID, DATA_EPOCH, DAY, SPAN, dt, r2, type Gen } from './context.ts';
import type { Company } from './company.ts';
import type { Variant } from './products.ts';
import type { Branch } from './sites.ts';

export function generatePurchases(g: Gen, companies: Company[], branch: Record<number, Branch>, saleable: Variant[], vendors: number[]): void {
  const { o, start, put, pick, int, state } = g;
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
}
