// Each company's premises and channels: stock locations, a warehouse with its picking types, a sales team
// and a POS shop (plus the standard partner/virtual locations and an archived Website team).
import { ADMIN_UID, type Gen } from './context.ts';
import type { Company, User } from './company.ts';

export interface Branch {
  wh: number;
  /** Internal locations: Stock and its shelves. */
  stock: number[];
  posType: number;
  receipt: number;
  config: number;
  team: number;
  cashier: number;
}

export function generateSites(g: Gen, companies: Company[], users: User[]): Record<number, Branch> {
  const { put, chance, dimStamp } = g;
  put('stock.location', { id: 1, name: 'Physical Locations', complete_name: 'Physical Locations', usage: 'view', location_id: false, company_id: false, active: true, ...dimStamp() });
  put('stock.location', { id: 2, name: 'Partners', complete_name: 'Partners', usage: 'view', location_id: false, company_id: false, active: true, ...dimStamp() });
  put('stock.location', { id: 3, name: 'Virtual Locations', complete_name: 'Virtual Locations', usage: 'view', location_id: false, company_id: false, active: true, ...dimStamp() });
  put('stock.location', { id: 4, name: 'Vendors', complete_name: 'Partners/Vendors', usage: 'supplier', location_id: 2, company_id: false, active: true, ...dimStamp() });
  put('stock.location', { id: 5, name: 'Customers', complete_name: 'Partners/Customers', usage: 'customer', location_id: 2, company_id: false, active: true, ...dimStamp() });
  put('stock.location', { id: 6, name: 'Inventory adjustment', complete_name: 'Virtual Locations/Inventory adjustment', usage: 'inventory', location_id: 3, company_id: false, active: true, ...dimStamp() });
  let locId = 7;
  let ptId = 1;
  const branch: Record<number, Branch> = {};
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
  return branch;
}
