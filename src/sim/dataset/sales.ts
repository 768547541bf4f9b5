// Sale orders spread evenly over the two years (`400 × scale` lines, about 2.5 an order), amounts summed
// from the lines, states drawn from those the version has.
import { DATA_EPOCH, DAY, SPAN, dt, r2, type Gen } from './context.ts';
import type { Company } from './company.ts';
import type { Variant } from './products.ts';
import type { Branch } from './sites.ts';

export function generateSales(g: Gen, companies: Company[], branch: Record<number, Branch>, saleable: Variant[], customers: number[], salesmen: number[]): void {
  const { o, start, put, pick, int, chance, state } = g;
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
}
