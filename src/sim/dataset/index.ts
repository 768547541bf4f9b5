// The deterministic retail dataset: a head office and branch companies, a warehouse, a POS and a team per
// branch, a product catalogue with variants, stock, people, and two years of POS, sales and purchase orders
// whose amounts add up (order totals are the sum of their lines). `scale` 1 is about Odoo's demo size; order
// lines grow linearly with it (scale 1000 ≈ 1M lines), dimensions sub-linearly. Only the fields that carry
// meaning are stored; `Db.value` derives the rest. Values for fields a version lacks are dropped on insert,
// so the data follows each version's fields_get (detailed_type vs type+is_storable, pos_categ_id(s), ...).
// The parts draw from one random sequence: their order below is part of what a seed means.
import type { Db } from '../store.ts';
import { ADMIN_UID, createGen, type DatasetOptions } from './context.ts';
import { generateParties } from './company.ts';
import { generateFinance } from './finance.ts';
import { generateHr } from './hr.ts';
import { FIRST, LAST } from './names.ts';
import { generatePos } from './pos.ts';
import { generateCatalogue } from './products.ts';
import { generatePromotions } from './promotions.ts';
import { generatePurchases } from './purchase.ts';
import { generateSales } from './sales.ts';
import { generateSites } from './sites.ts';
import { generateQuants } from './stock.ts';
import { generateStockMoves } from './stock-moves.ts';
import { STOCK_MOVE_MODELS } from '../served-models.ts';

export { ADMIN_UID, DATA_EPOCH, demoUid, dt, type DatasetOptions } from './context.ts';

export function generateDataset(db: Db, o: DatasetOptions): void {
  const g = createGen(db, o, { first: FIRST, last: LAST });
  const { companies, allCompanyIds, users, customers, vendors } = generateParties(g);
  const variants = generateCatalogue(g, vendors);
  const branch = generateSites(g, companies, users);
  generateHr(g, companies);
  generatePromotions(g, allCompanyIds);
  generateQuants(g, variants, companies, branch);
  const saleable = variants.filter((v) => v.price > 0);
  generatePos(g, companies, branch, saleable, customers);
  generateSales(g, companies, branch, saleable, customers, [ADMIN_UID, o.demoUid]);
  generatePurchases(g, companies, branch, saleable, vendors);
  generateFinance(g, companies); // a random sequence of its own: the records above stay as they were
  generateStockMoves(g); // the moves behind the quants, a random sequence of its own too

  g.put('ir.config_parameter', { id: 1, key: 'web.base.url', value: 'http://localhost:8069', ...g.dimStamp() });
  g.put('ir.config_parameter', { id: 2, key: 'database.uuid', value: `00000000-0000-4000-8000-${String(o.seed).padStart(12, '0')}`, ...g.dimStamp() });

  // ir.model: one row per served model
  let irId = 1;
  for (const t of db.tables.values()) {
    if (t.name === 'ir.model') continue;
    g.put('ir.model', { id: irId++, model: t.name, name: t.name, state: 'base', transient: false, ...g.dimStamp() });
  }

  for (const t of db.tables.values()) t.pool = [...t.records.keys()].slice(0, 5);
  // No derived many2one points at them (account.move.stock_move_id stays false, as before they were served).
  for (const model of STOCK_MOVE_MODELS) db.table(model)!.pool = [];
}
