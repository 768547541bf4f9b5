// The simulator's company-dependent fields against Odoo's contract: values per company, answered for
// env.company = allowed_company_ids[0], the user's company when the context names none; 16/17 keep them
// outside the record (ir.property: fields_get store false, a property write leaves write_date alone),
// 18/19 on it (store true, written through write(), which stamps write_date).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { expectFault, xmlrpcCall } from './helpers.ts';

describe.each(['16.0', '17.0', '18.0', '19.0'] as const)('company-dependent fields on Odoo %s', (version) => {
  let sim: Simulator;
  let product: number;
  let template: number;
  beforeAll(async () => {
    sim = await startSimulator({ version, scale: 1, seed: 9, users: [{ login: 'etl', password: 'pw', companyIds: [2, 1] }] });
    template = sim.create('product.template', { name: 'Contract Item', company_id: false });
    product = sim.create('product.product', { product_tmpl_id: template, standard_price: 8 }, { company: 1 });
    sim.write('product.product', [product], { standard_price: 5 }, { company: 2 });
  });
  afterAll(async () => {
    await sim?.close();
  });

  const read = async (model: string, id: number, fields: string[], context?: Record<string, unknown>, login = 'admin', password = 'admin') => {
    const uid = login === 'admin' ? sim.admin.uid : ((await xmlrpcCall(sim.url, '/xmlrpc/2/common', 'authenticate', [sim.db, login, password, {}])) as number);
    const [rec] = (await xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [
      sim.db, uid, password, model, 'read', [[id], fields], context ? { context } : {},
    ])) as Array<Record<string, unknown>>;
    return rec!;
  };

  it('fields_get flags standard_price company-dependent, stored on 18+ only', async () => {
    const fields = (await xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [
      sim.db, sim.admin.uid, sim.admin.password, 'product.product', 'fields_get', [], { attributes: ['company_dependent', 'store'] },
    ])) as Record<string, { company_dependent: boolean; store: boolean }>;
    expect(fields.standard_price).toEqual({ company_dependent: true, store: version === '18.0' || version === '19.0' });
  });

  it('answers for the first allowed company, each company its own value, 0.0 where unset', async () => {
    expect((await read('product.product', product, ['standard_price'], { allowed_company_ids: [1, 2] })).standard_price).toBe(8);
    expect((await read('product.product', product, ['standard_price'], { allowed_company_ids: [2, 1] })).standard_price).toBe(5);
    expect((await read('product.product', product, ['standard_price'], { allowed_company_ids: [3, 1, 2] })).standard_price).toBe(0);
    // a template's cost is its only variant's, in the same company
    expect((await read('product.template', template, ['standard_price'], { allowed_company_ids: [2, 1] })).standard_price).toBe(5);
  });

  it('without allowed_company_ids answers for the user\'s own company', async () => {
    expect((await read('product.product', product, ['standard_price'])).standard_price).toBe(8); // admin: company 1
    expect((await read('product.product', product, ['standard_price'], undefined, 'etl', 'pw')).standard_price).toBe(5); // etl: company 2
  });

  it('refuses a company the user does not have', async () => {
    const fault = await expectFault(read('product.product', product, ['standard_price'], { allowed_company_ids: [3, 2] }, 'etl', 'pw'));
    expect(fault.faultString).toMatch(/compan/i);
  });

  it(version === '16.0' || version === '17.0' ? 'an ir.property write changes the value and leaves write_date alone' : 'has no ir.property: a write in a company changes its value and stamps write_date', async () => {
    const before = sim.records('product.product').find((r) => r.id === product)!.write_date;
    sim.advanceClock(60_000);
    if (version === '16.0' || version === '17.0') {
      sim.setProperty('product.product', product, 'standard_price', 2, 6.5);
      expect(sim.records('product.product').find((r) => r.id === product)!.write_date).toBe(before);
    } else {
      expect(() => sim.setProperty('product.product', product, 'standard_price', 2, 6.5)).toThrow(/no ir.property/);
      sim.write('product.product', [product], { standard_price: 6.5 }, { company: 2 });
      expect(sim.records('product.product').find((r) => r.id === product)!.write_date).not.toBe(before);
    }
    expect((await read('product.product', product, ['standard_price'], { allowed_company_ids: [2, 1] })).standard_price).toBe(6.5);
    expect((await read('product.product', product, ['standard_price'], { allowed_company_ids: [1, 2] })).standard_price).toBe(8);
  });
});
