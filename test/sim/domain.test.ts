// The domain engine against cases whose results are what PostgreSQL-backed Odoo returns for them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { xmlrpcCall } from './helpers.ts';

let sim: Simulator;
const ids: Record<string, number> = {};

beforeAll(async () => {
  sim = await startSimulator({ version: '17.0', scale: 1, seed: 7 });
  const base = { ref: 'DOMTEST', company_id: false, parent_id: false };
  ids.A = sim.create('res.partner', { ...base, name: 'Alpha Shop', email: 'alpha@x.com', city: 'Lyon', color: 1 });
  ids.B = sim.create('res.partner', { ...base, name: 'beta_market', email: false, city: 'Ghent', color: 5 });
  ids.C = sim.create('res.partner', { ...base, name: 'Gamma 100%', email: 'gamma@x.com', city: false, color: 10, parent_id: ids.A });
  ids.D = sim.create('res.partner', { ...base, name: 'Delta', email: 'delta@y.org', city: 'Lyon', color: 0, active: false });
});
afterAll(async () => {
  await sim?.close();
});

async function names(domain: unknown[], context: Record<string, unknown> = {}): Promise<string[]> {
  const rows = (await xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [
    sim.db, sim.admin.uid, sim.admin.password, 'res.partner', 'search_read',
    [[['ref', '=', 'DOMTEST'], ...domain]], { fields: ['name'], order: 'name asc', context },
  ])) as { name: string }[];
  return rows.map((r) => r.name).sort();
}

const [A, B, C, D] = ['Alpha Shop', 'beta_market', 'Gamma 100%', 'Delta'];

describe('domain engine (Odoo semantics)', () => {
  const cases: [string, () => unknown[], string[], Record<string, unknown>?][] = [
    ['= False matches empty values', () => [['email', '=', false]], [B]],
    ['!= False matches set values (archived hidden)', () => [['email', '!=', false]], [A, C]],
    ['!= value also matches NULL', () => [['city', '!=', 'Lyon']], [B, C]],
    ['not in also matches NULL', () => [['city', 'not in', ['Lyon']]], [B, C]],
    ['in with False matches NULL too', () => [['city', 'in', ['Lyon', false]]], [A, C]],
    ['in without False', () => [['city', 'in', ['Lyon']]], [A]],
    ['! negates a leaf', () => ['!', ['city', '=', 'Lyon']], [B, C]],
    ['| of two leaves', () => ['|', ['color', '>', 4], ['name', '=like', 'Al%']], [A, B, C]],
    ['nested | and &', () => ['|', '&', ['color', '>=', 5], ['city', '=', 'Ghent'], ['name', 'ilike', 'alp']], [A, B]],
    ['! over |', () => ['!', '|', ['city', '=', 'Lyon'], ['city', '=', 'Ghent']], [C]],
    ['implicit & between leaves', () => [['email', 'ilike', 'x.com'], ['city', '=', 'Lyon']], [A]],
    ['ilike keeps _ as a wildcard', () => [['name', 'ilike', 'BETA_M']], [B]],
    ['ilike keeps % as a wildcard', () => [['name', 'ilike', 'ma%100']], [C]],
    ['like is case-sensitive', () => [['name', 'like', 'alpha']], []],
    ['=ilike is an exact case-insensitive pattern', () => [['name', '=ilike', 'alpha shop']], [A]],
    ['=like with _', () => [['name', '=like', '_elta']], [D], { active_test: false }],
    ['not ilike matches NULL', () => [['city', 'not ilike', 'ly']], [B, C]],
    ['a leaf on active disables active_test', () => [['active', '=', false]], [D]],
    ['active_test false shows archived', () => [['city', '=', 'Lyon']], [A, D], { active_test: false }],
    ['many2one = False', () => [['parent_id', '=', false]], [A, B]],
    ['dotted path through many2one', () => [['parent_id.name', '=', 'Alpha Shop']], [C]],
    ['dotted negative: empty many2one never matches', () => [['parent_id.city', '!=', 'Ghent']], [C]],
    ['many2one ilike searches the display name', () => [['parent_id', 'ilike', 'alpha']], [C]],
    ['child_of on the record itself', () => [['id', 'child_of', ids.A]], [A, C]],
    ['child_of through parent_id', () => [['parent_id', 'child_of', ids.A]], [C]],
    ['parent_of', () => [['id', 'parent_of', ids.C]], [A, C]],
    ['=? with False is always true', () => [['city', '=?', false]], [A, B, C]],
    ['< on NULL never matches', () => [['color', '<', 100], ['city', '<', 'M']], [A, B]],
    ['TRUE_LEAF and FALSE_LEAF', () => ['|', [0, '=', 1], [1, '=', 1]], [A, B, C]],
  ];
  for (const [title, domain, expected, context] of cases) {
    it(title, async () => {
      expect(await names(domain(), context)).toEqual([...expected].sort());
    });
  }

  it('child_of on product.category follows the category tree', async () => {
    const food = sim.records('product.category').find((c) => c.complete_name === 'All / Saleable / Food')!;
    const under = new Set(sim.records('product.category').filter((c) => String(c.complete_name).startsWith('All / Saleable / Food')).map((c) => c.id));
    const expected = sim.records('product.template').filter((t) => t.active !== false && under.has(t.categ_id as number)).map((t) => t.id).sort((a, b) => a - b);
    const got = (await xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [
      sim.db, sim.admin.uid, sim.admin.password, 'product.template', 'search', [[['categ_id', 'child_of', food.id]]], { order: 'id asc' },
    ])) as number[];
    expect(expected.length).toBeGreaterThan(0);
    expect(got).toEqual(expected);
  });

  it('two-level dotted path product_tmpl_id.categ_id.name', async () => {
    const cats = new Map(sim.records('product.category').map((c) => [c.id, String(c.name)]));
    const tmplCat = new Map(sim.records('product.template').map((t) => [t.id, t.categ_id as number]));
    const expected = sim.records('product.product')
      .filter((p) => p.active !== false && /dairy/i.test(cats.get(tmplCat.get(p.product_tmpl_id as number)!) ?? ''))
      .map((p) => p.id).sort((a, b) => a - b);
    const got = (await xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [
      sim.db, sim.admin.uid, sim.admin.password, 'product.product', 'search', [[['product_tmpl_id.categ_id.name', 'ilike', 'dairy']]], { order: 'id asc' },
    ])) as number[];
    expect(got).toEqual(expected);
  });

  it('orders by several keys with desc, limit and offset', async () => {
    const all = sim.records('pos.order').sort((a, b) => (String(a.write_date) < String(b.write_date) ? 1 : String(a.write_date) > String(b.write_date) ? -1 : a.id - b.id));
    const got = (await xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [
      sim.db, sim.admin.uid, sim.admin.password, 'pos.order', 'search_read', [[]],
      { fields: ['write_date'], order: 'write_date desc, id asc', limit: 7, offset: 3, context: { allowed_company_ids: sim.records('res.company').map((c) => c.id) } },
    ])) as { id: number }[];
    expect(got.map((r) => r.id)).toEqual(all.slice(3, 10).map((r) => r.id));
  });

  it('allowed_company_ids restricts multi-company models; default is the user company', async () => {
    const call = (ctx: Record<string, unknown>) =>
      xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [sim.db, sim.admin.uid, sim.admin.password, 'pos.order', 'search_count', [[]], { context: ctx }]);
    const byCompany = (ids: number[]) => sim.records('pos.order').filter((o) => ids.includes(o.company_id as number)).length;
    expect(await call({})).toBe(byCompany([1]));
    expect(await call({ allowed_company_ids: [2, 3] })).toBe(byCompany([2, 3]));
  });
});
