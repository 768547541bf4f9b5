// Done means: Python's standard xmlrpc.client talks to the simulator as to Odoo.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ version: '17.0', scale: 1, seed: 1 });
});
afterAll(async () => {
  await sim?.close();
});

const SCRIPT = `
import json, sys, xmlrpc.client as x
url, db = sys.argv[1], sys.argv[2]
common = x.ServerProxy(url + '/xmlrpc/2/common')
out = {'version': common.version()}
uid = common.authenticate(db, 'admin', 'admin', {})
out['uid'] = uid
out['bad'] = common.authenticate(db, 'admin', 'wrong-password', {})
models = x.ServerProxy(url + '/xmlrpc/2/object')
out['orders'] = models.execute_kw(db, uid, 'admin', 'pos.order', 'search_read',
    [['|', ('amount_total', '>', 50), ('partner_id', '!=', False)]],
    {'fields': ['name', 'amount_total', 'partner_id', 'date_order', 'write_date', 'state'], 'order': 'write_date asc, id asc',
     'limit': 5, 'context': {'active_test': False, 'allowed_company_ids': [1, 2]}})
out['fields'] = models.execute_kw(db, uid, 'admin', 'res.partner', 'fields_get', [], {'attributes': ['string', 'type', 'relation']})
out['count'] = models.execute_kw(db, uid, 'admin', 'res.partner', 'search_count', [[]], {'context': {'active_test': False}})
out['dbs'] = x.ServerProxy(url + '/xmlrpc/2/db').list()
try:
    models.execute_kw(db, uid, 'wrong-password', 'res.partner', 'search_count', [[]])
except x.Fault as f:
    out['denied'] = [f.faultCode, f.faultString]
print(json.dumps(out))
`;

describe("Python's xmlrpc.client", () => {
  it('gets version, authenticates, searches with domain/order/limit/context and reads fields_get in Odoo shapes', async () => {
    // async: the simulator runs in this process, a synchronous spawn would block it
    const run = await promisify(execFile)('python3', ['-c', SCRIPT, sim.url, sim.db], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout) as Record<string, any>;
    expect(out.version).toEqual({ protocol_version: 1, server_serie: '17.0', server_version: '17.0', server_version_info: [17, 0, 0, 'final', 0, ''] });
    expect(out.uid).toBe(2);
    expect(out.bad).toBe(false);
    expect(out.orders).toHaveLength(5);
    const writeDates = out.orders.map((o: any) => `${o.write_date}|${String(o.id).padStart(9, '0')}`);
    expect([...writeDates].sort()).toEqual(writeDates);
    for (const o of out.orders) {
      expect(Object.keys(o)).toEqual(['id', 'name', 'amount_total', 'partner_id', 'date_order', 'write_date', 'state']);
      expect(o.partner_id === false || (Array.isArray(o.partner_id) && typeof o.partner_id[1] === 'string')).toBe(true);
      expect(o.amount_total > 50 || o.partner_id !== false).toBe(true);
      expect(o.write_date).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    }
    expect(out.fields.parent_id).toEqual({ relation: 'res.partner', string: 'Related Company', type: 'many2one' });
    expect(out.count).toBe(sim.records('res.partner').length);
    expect(out.dbs).toEqual([sim.db]);
    expect(out.denied).toEqual([3, 'Access Denied']);
  });
});
