// Wire details clients depend on: big integers as doubles, floats with their decimal point, timeouts that
// never answer, extra users.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { postRaw, xmlrpcCall } from './helpers.ts';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ version: '17.0', scale: 1, users: [{ login: 'etl', password: 's3cret', companyIds: [1, 2] }] });
});
afterAll(async () => {
  await sim?.close();
});

function call(model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): string {
  const value = (v: unknown): string =>
    typeof v === 'number' ? `<value><int>${v}</int></value>` : typeof v === 'string' ? `<value><string>${v}</string></value>` : Array.isArray(v) ? `<value><array><data>${v.map(value).join('')}</data></array></value>` : `<value><struct>${Object.entries(v as object).map(([k, x]) => `<member><name>${k}</name>${value(x)}</member>`).join('')}</struct></value>`;
  const params = [sim.db, sim.admin.uid, sim.admin.password, model, method, args, kwargs].map((p) => `<param>${value(p)}</param>`).join('');
  return `<?xml version="1.0"?><methodCall><methodName>execute_kw</methodName><params>${params}</params></methodCall>`;
}

describe('XML-RPC wire format', () => {
  it('sends integers beyond 32 bits as <double>, floats as Python prints them, False as <boolean>0</boolean>', async () => {
    const id = sim.create('hr.job', { name: 'Big Counter', no_of_recruitment: 3_000_000_000, company_id: 1 });
    const res = await postRaw(sim.url, '/xmlrpc/2/object', call('hr.job', 'read', [[id], ['no_of_recruitment', 'name', 'description']]));
    expect(res.text).toContain('<name>no_of_recruitment</name>\n<value><double>3000000000.0</double></value>');
    expect(res.text).toContain('<name>description</name>\n<value><boolean>0</boolean></value>');
    const orders = await postRaw(sim.url, '/xmlrpc/2/object', call('pos.order', 'search_read', [[]], { fields: ['amount_return'], limit: 1 }));
    expect(orders.text).toContain('<name>amount_return</name>\n<value><double>0.0</double></value>');
  });

  it('a timeout fault never answers; the next call does', async () => {
    sim.injectFault({ kind: 'timeout', onCall: 1 });
    const slow = fetch(`${sim.url}/xmlrpc/2/common`, { method: 'POST', body: '<?xml version="1.0"?><methodCall><methodName>version</methodName><params></params></methodCall>', signal: AbortSignal.timeout(300) });
    await expect(slow).rejects.toThrow();
    expect(await xmlrpcCall(sim.url, '/xmlrpc/2/common', 'version', [])).toMatchObject({ server_version: '17.0' });
  });

  it('HTTP error faults answer with the status and an HTML page', async () => {
    for (const [kind, status] of [['http503', 503], ['http504', 504], ['http429', 429], ['html500', 500]] as const) {
      sim.injectFault({ kind, onCall: 1 });
      const res = await postRaw(sim.url, '/xmlrpc/2/object', call('res.partner', 'search_count', [[]]));
      expect(res.status).toBe(status);
      expect(res.text).toMatch(/<html|<!doctype html>/i);
    }
  });

  it('serves extra users with their own companies', async () => {
    const uid = await xmlrpcCall(sim.url, '/xmlrpc/2/common', 'authenticate', [sim.db, 'etl', 's3cret', {}]);
    expect(typeof uid).toBe('number');
    const companies = await xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [sim.db, uid, 's3cret', 'res.company', 'search', [[]]]);
    expect(companies).toEqual([1, 2]);
  });
});
