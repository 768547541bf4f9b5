// Grouped aggregates over the wire, in each version's method and shape (src/sim/read-group.ts): read_group
// on 16–18 (XML-RPC), formatted_read_group on 19 (JSON-2), and each refused where the version lacks it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient, type OdooClient } from '../../src/odoo/index.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';

type Version = '16.0' | '17.0' | '18.0' | '19.0';

describe.each(['17.0', '19.0'] as Version[])('Odoo %s grouped read', (version) => {
  let sim: Simulator;
  let client: OdooClient;
  beforeAll(async () => {
    sim = await startSimulator({ version, scale: 1, seed: 3 });
    client = createOdooClient({
      url: sim.url, db: sim.db, username: sim.admin.login, password: sim.admin.password,
      apiKey: version === '19.0' ? sim.admin.apiKey : undefined, timeoutMs: 5000, retries: 0,
    });
  });
  afterAll(async () => {
    client?.close();
    await sim?.close();
  });

  /** The truth: count and sums of the quants of company 1, per location. */
  function expected(): Map<number, { n: number; quantity: number }> {
    const out = new Map<number, { n: number; quantity: number }>();
    for (const q of sim.records('stock.quant').filter((r) => r.company_id === 1)) {
      const g = out.get(q.location_id as number) ?? { n: 0, quantity: 0 };
      out.set(q.location_id as number, { n: g.n + 1, quantity: g.quantity + Number(q.quantity) });
    }
    return out;
  }

  it('groups by many2one with count and sums in the version\'s shape', async () => {
    const context = { allowed_company_ids: [1] };
    const domain = [['company_id', '=', 1]];
    const truth = expected();
    if (version === '19.0') {
      const groups = (await client.call({
        model: 'stock.quant', method: 'formatted_read_group',
        kwargs: { domain, groupby: ['location_id'], aggregates: ['__count', 'quantity:sum'] }, context,
      })) as Array<Record<string, any>>;
      expect(groups).toHaveLength(truth.size);
      for (const g of groups) {
        expect(g.location_id).toEqual([expect.any(Number), expect.any(String)]);
        expect({ n: g.__count, quantity: g['quantity:sum'] }).toEqual(truth.get(g.location_id[0]));
        expect(g.__extra_domain).toEqual([['location_id', '=', g.location_id[0]]]);
      }
      await expect(client.call({ model: 'stock.quant', method: 'read_group', kwargs: { domain, fields: ['quantity:sum'], groupby: ['location_id'] } })).rejects.toThrow();
    } else {
      const lazy = (await client.call({
        model: 'stock.quant', method: 'read_group', positional: ['domain', 'fields', 'groupby'],
        kwargs: { domain, fields: ['quantity:sum'], groupby: ['location_id', 'company_id'] }, context,
      })) as Array<Record<string, any>>;
      // lazy (the default): only the first groupby, counted as `<groupby>_count`
      expect(lazy).toHaveLength(truth.size);
      for (const g of lazy) {
        expect(Object.keys(g).sort()).toEqual(['__domain', 'location_id', 'location_id_count', 'quantity']);
        expect({ n: g.location_id_count, quantity: g.quantity }).toEqual(truth.get(g.location_id[0]));
      }
      const strict = (await client.call({
        model: 'stock.quant', method: 'read_group', positional: ['domain', 'fields', 'groupby'],
        kwargs: { domain, fields: ['quantity:sum'], groupby: ['location_id', 'company_id'], lazy: false }, context,
      })) as Array<Record<string, any>>;
      for (const g of strict) {
        expect(g.company_id).toEqual([1, expect.any(String)]);
        expect({ n: g.__count, quantity: g.quantity }).toEqual(truth.get(g.location_id[0]));
      }
      await expect(client.call({ model: 'stock.quant', method: 'formatted_read_group', kwargs: { domain, groupby: ['location_id'] } })).rejects.toThrow();
    }
  });
});
