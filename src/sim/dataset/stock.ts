// Stock on hand: a quant for about 60% of (storable variant, company) pairs, on one of the company's shelves.
import { ADMIN_UID, DAY, dt, type Gen } from './context.ts';
import type { Company } from './company.ts';
import type { Variant } from './products.ts';
import type { Branch } from './sites.ts';

export function generateQuants(g: Gen, variants: Variant[], companies: Company[], branch: Record<number, Branch>): void {
  const { start, put, pick, int, chance } = g;
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
}
