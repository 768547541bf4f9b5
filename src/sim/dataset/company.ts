// Companies (a head office and branches), their partners, the users, customers and vendors.
import { ADMIN_UID, type Gen } from './context.ts';
import { ADJ, CITIES, NOUN } from './names.ts';

export interface Company {
  id: number;
  partner: number;
  city: string;
}
export interface User {
  id: number;
  login: string;
  name: string;
  company: number;
  companies: number[];
  active: boolean;
}
export interface Parties {
  companies: Company[];
  allCompanyIds: number[];
  users: User[];
  customers: number[];
  vendors: number[];
}

export function generateParties(g: Gen): Parties {
  const { o, put, pick, chance, dimStamp, person } = g;
  const nBranches = Math.min(CITIES.length, 2 + Math.floor(Math.sqrt(o.scale) * 1.5));
  const companies: Company[] = [];
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
  let partnerId = companies.length + 1;
  const addPartner = (name: string, values: Record<string, unknown> = {}): number => {
    const id = partnerId++;
    put('res.partner', { id, name, complete_name: name, is_company: false, active: true, type: 'contact', company_id: false, email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}${id}@example.com`, customer_rank: 0, supplier_rank: 0, ...dimStamp(), ...values });
    return id;
  };
  const users: User[] = [
    { id: 1, login: '__system__', name: 'OdooBot', company: 1, companies: allCompanyIds, active: false },
    { id: ADMIN_UID, login: 'admin', name: 'Mitchell Admin', company: 1, companies: allCompanyIds, active: true },
    { id: o.demoUid, login: 'demo', name: 'Marc Demo', company: 1, companies: [1], active: true },
  ];
  for (const c of companies.slice(1)) users.push({ id: 6 + c.id, login: `cashier.${c.city.toLowerCase()}`, name: person(), company: c.id, companies: [c.id], active: true });
  for (const u of users) {
    const p = addPartner(u.name, { active: u.active, company_id: false });
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
  return { companies, allCompanyIds, users, customers, vendors };
}
