// The client against the Odoo simulator over real HTTP: every call on every version, every error type,
// retries only for transient failures, timeouts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOdooClient,
  decodeRecords,
  OdooAccessError,
  OdooAuthError,
  OdooError,
  OdooInvalidDomainError,
  OdooTimeoutError,
  OdooTransientError,
  OdooUnknownFieldError,
  OdooUnknownModelError,
  type OdooClient,
  type OdooClientOptions,
} from '../../src/odoo/index.ts';
import { startSimulator, type FaultKind, type Simulator } from '../../src/sim/index.ts';

type Version = '16.0' | '17.0' | '18.0' | '19.0';
const VERSIONS: Version[] = ['16.0', '17.0', '18.0', '19.0'];

function clientFor(sim: Simulator, extra: Partial<OdooClientOptions> = {}): OdooClient {
  return createOdooClient({
    url: sim.url,
    db: sim.db,
    username: sim.admin.login,
    password: sim.admin.password,
    apiKey: sim.version === '19.0' ? sim.admin.apiKey : undefined,
    timeoutMs: 5000,
    retries: 3,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    ...extra,
  });
}

describe.each(VERSIONS)('Odoo %s simulator', (version) => {
  let sim: Simulator;
  let client: OdooClient;
  beforeAll(async () => {
    sim = await startSimulator({ port: 0, version, scale: 1, seed: 7 });
    client = clientFor(sim);
  });
  afterAll(async () => {
    client.close();
    await sim.close();
  });

  it('chooses the transport from the version and authenticates', async () => {
    expect((await client.version()).server_serie).toBe(version);
    expect(await client.transportKind()).toBe(version === '19.0' ? 'json2' : 'xmlrpc');
    expect(await client.authenticate()).toBe(sim.admin.uid);
  });

  it('search, search_read, read, search_count and fields_get with domain, order, limit, offset and context', async () => {
    const all = await client.search('res.partner', [], { order: 'id asc', context: { active_test: false } });
    const active = await client.search('res.partner', [], { order: 'id asc' });
    expect(all.length).toBeGreaterThan(active.length); // the dataset has archived partners
    expect(await client.searchCount('res.partner', [], { active_test: false })).toBe(all.length);
    expect(await client.searchCount('res.partner')).toBe(active.length);
    const page = await client.search('res.partner', [], { order: 'id asc', limit: 3, offset: 2, context: { active_test: false } });
    expect(page).toEqual(all.slice(2, 5));

    const fields = await client.fieldsGet('res.partner');
    expect(fields.name!.type).toBe('char');
    expect(fields.parent_id).toMatchObject({ type: 'many2one', relation: 'res.partner' });

    const rows = await client.searchRead('res.partner', {
      domain: ['|', ['is_company', '=', true], ['parent_id', '!=', false]],
      fields: ['name', 'is_company', 'parent_id', 'write_date', 'active'],
      order: 'name desc, id asc',
      limit: 5,
      context: { active_test: false },
    });
    expect(rows.length).toBeGreaterThan(0);
    const decoded = decodeRecords('res.partner', rows, fields, ['name', 'is_company', 'parent_id', 'write_date', 'active']);
    for (const r of decoded) expect(r.values.is_company === true || typeof r.values.parent_id === 'number').toBe(true);
    const names = decoded.map((r) => r.values.name as string);
    expect([...names].sort().reverse()).toEqual(names);

    const again = await client.read('res.partner', rows.map((r) => r.id), ['name']);
    expect(again.map((r) => r.name)).toEqual(rows.map((r) => r.name));
    expect(await client.read('res.partner', [999_999_999], ['name'])).toEqual([]);
  });

  it('decodes every field of every served model', async () => {
    for (const model of ['res.company', 'product.template', 'sale.order.line', 'stock.quant', 'hr.employee']) {
      const fields = await client.fieldsGet(model);
      const names = Object.entries(fields)
        .filter(([, f]) => f.store !== false && f.type !== 'one2many' && f.type !== 'binary')
        .map(([n]) => n);
      const rows = await client.searchRead(model, { fields: names, limit: 20, context: { active_test: false } });
      expect(rows.length, model).toBeGreaterThan(0);
      expect(decodeRecords(model, rows, fields, names)).toHaveLength(rows.length);
    }
  });

  it.each([
    ['unknown model', () => client.searchRead('no.such.model', { fields: ['name'] }), OdooUnknownModelError],
    ['unknown field', () => client.searchRead('res.partner', { fields: ['no_such_field'] }), OdooUnknownFieldError],
    ['unknown field in the domain', () => client.searchCount('res.partner', [['no_such_field', '=', 1]]), OdooUnknownFieldError],
    ['bad domain operator', () => client.search('res.partner', [['name', 'bogus_op', 'x']]), OdooInvalidDomainError],
    ['unknown method', () => client.call({ model: 'res.partner', method: 'no_such_method', kwargs: {} }), OdooError],
  ])('%s is a typed error, not retried', async (_name, call, Expected) => {
    sim.resetCounts();
    const before = client.stats().total;
    const err = await call().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Expected);
    expect((err as Error).constructor).toBe(Expected);
    expect((err as OdooError).transient).toBe(false);
    expect(client.stats().total - before).toBe(1);
    expect((err as Error).message).not.toContain(sim.admin.password);
    expect((err as Error).message).not.toContain(sim.admin.apiKey);
  });

  it('a restricted user gets OdooAccessError naming model and method', async () => {
    const demo = clientFor(sim, { username: sim.demo.login, password: sim.demo.password, apiKey: version === '19.0' ? sim.demo.apiKey : undefined });
    try {
      const err = await demo.searchRead('ir.model', { fields: ['model'], limit: 1 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OdooAccessError);
      expect((err as Error).message).toMatch(/^Odoo ir\.model\.search_read failed: You are not allowed to access 'Models' \(ir\.model\) records\.$/);
      expect(demo.stats().calls['ir.model.search_read']).toBe(1);
    } finally {
      demo.close();
    }
  });

  it('a wrong password (or key) is one clear OdooAuthError, with no retry', async () => {
    sim.resetCounts();
    const wrong = clientFor(sim, { password: 'not-the-password', apiKey: version === '19.0' ? 'not-the-key' : undefined });
    try {
      const err = await wrong.searchCount('res.partner').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OdooAuthError);
      expect((err as Error).message).not.toContain('not-the-password');
      expect((err as Error).message).not.toContain('not-the-key');
      expect(wrong.stats()).toMatchObject({ retries: 0, failures: 1 });
      const counts = sim.callCounts();
      const authCalls = version === '19.0' ? counts['res.users:context_get'] : counts['common:authenticate'];
      expect(authCalls).toBe(1);
      expect(counts['res.partner:search_count']).toBeUndefined();
    } finally {
      wrong.close();
    }
  });

  it('an Access Denied fault during a call is not retried', async () => {
    await client.authenticate();
    const id = sim.injectFault({ kind: 'accessDenied', model: 'res.partner', method: 'search_count', onCall: 1 });
    try {
      const before = client.stats().calls['res.partner.search_count'] ?? 0;
      await expect(client.searchCount('res.partner')).rejects.toBeInstanceOf(OdooAuthError);
      expect(client.stats().calls['res.partner.search_count']! - before).toBe(1);
    } finally {
      sim.clearFaults(id);
    }
  });

  const transientKinds: FaultKind[] = ['http502', 'http503', 'http504', 'http429', 'html500', 'reset', 'serialization'];
  it.each(transientKinds)('%s is retried, then the call succeeds', async (kind) => {
    await client.authenticate();
    const expected = await client.searchCount('res.partner');
    sim.resetCounts();
    const id = sim.injectFault({ kind, model: 'res.partner', method: 'search_count', onCall: 1, times: 2 });
    try {
      const before = client.stats();
      expect(await client.searchCount('res.partner')).toBe(expected);
      const after = client.stats();
      expect(after.retries - before.retries).toBe(2);
      expect(after.calls['res.partner.search_count']! - before.calls['res.partner.search_count']!).toBe(3);
      expect(sim.callCounts()['res.partner:search_count']).toBe(3);
    } finally {
      sim.clearFaults(id);
    }
  });

  it('gives up after the bounded retries with OdooTransientError', async () => {
    await client.authenticate();
    const id = sim.injectFault({ kind: 'http502', model: 'res.partner', method: 'search_count' });
    try {
      const before = client.stats().calls['res.partner.search_count'] ?? 0;
      const err = await client.searchCount('res.partner').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OdooTransientError);
      expect((err as OdooError).httpStatus).toBe(502);
      expect(client.stats().calls['res.partner.search_count']! - before).toBe(4);
    } finally {
      sim.clearFaults(id);
    }
  });

  it('a call with no answer times out, and the retry succeeds', async () => {
    const quick = clientFor(sim, { timeoutMs: 200 });
    try {
      await quick.authenticate();
      const id = sim.injectFault({ kind: 'timeout', model: 'res.partner', method: 'search_count', onCall: 1 });
      try {
        expect(await quick.searchCount('res.partner')).toBeGreaterThan(0);
        expect(quick.stats()).toMatchObject({ retries: 1 });
      } finally {
        sim.clearFaults(id);
      }
      const always = sim.injectFault({ kind: 'timeout', model: 'res.partner', method: 'search_count' });
      try {
        const noRetry = clientFor(sim, { timeoutMs: 100, retries: 0 });
        await expect(noRetry.searchCount('res.partner')).rejects.toBeInstanceOf(OdooTimeoutError);
        noRetry.close();
      } finally {
        sim.clearFaults(always);
      }
    } finally {
      quick.close();
    }
  });
});

describe('concurrency', () => {
  it.each(['17.0', '19.0'] as const)('%s: 40 calls in parallel with latency each get their own answer', async (version) => {
    const sim = await startSimulator({ port: 0, version, scale: 1, seed: 5 });
    const client = clientFor(sim);
    try {
      await client.authenticate();
      sim.setLatency(50);
      const ids = await client.search('res.partner', [], { order: 'id asc', limit: 40, context: { active_test: false } });
      // Not one after the other: the server sees several of them in flight at once (it is in this process,
      // so its count of calls being served is read exactly, each turn of the event loop until all answered).
      let answered = false;
      let mostAtOnce = 0;
      const all = Promise.all(ids.map((id) => client.read('res.partner', [id], ['name'], { active_test: false }))).finally(() => {
        answered = true;
      });
      while (!answered) {
        mostAtOnce = Math.max(mostAtOnce, sim.load().busy);
        await new Promise((resolve) => setImmediate(resolve));
      }
      const rows = await all;
      expect(rows.map((r) => r[0]!.id)).toEqual(ids);
      expect(mostAtOnce).toBeGreaterThan(1);
    } finally {
      client.close();
      await sim.close();
    }
  });
});

describe('forcing the transport', () => {
  it('XML-RPC on an Odoo 19 server when asked', async () => {
    const sim = await startSimulator({ port: 0, version: '19.0', scale: 1, seed: 3 });
    const client = clientFor(sim, { transport: 'xmlrpc' });
    try {
      expect(await client.transportKind()).toBe('xmlrpc');
      expect(await client.searchCount('res.partner', [], { active_test: false })).toBe(sim.records('res.partner').length);
      expect(client.stats().calls['common.version']).toBeUndefined();
    } finally {
      client.close();
      await sim.close();
    }
  });
});
