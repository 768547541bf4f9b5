// Point of sale: a weekly closed session per shop, and orders spread evenly over the two years whose totals
// are the sum of their lines (`600 × scale` lines, about 3 an order).
import { ADMIN_UID, DATA_EPOCH, DAY, SPAN, dt, r2, type Gen } from './context.ts';
import type { Company } from './company.ts';
import type { Variant } from './products.ts';
import type { Branch } from './sites.ts';

export function generatePos(g: Gen, companies: Company[], branch: Record<number, Branch>, saleable: Variant[], customers: number[]): void {
  const { o, start, put, pick, int, chance, state } = g;
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
}
