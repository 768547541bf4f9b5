// The dataset: same seed and scale give the same data; amounts add up; relations point at existing
// records; the fields follow each version's fields_get; the control API stamps like Odoo.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { fixturesDir } from '../support/fixtures-dir.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { xmlrpcCall } from './helpers.ts';

const started: Simulator[] = [];
async function sim(opts: Parameters<typeof startSimulator>[0]): Promise<Simulator> {
  const s = await startSimulator(opts);
  started.push(s);
  return s;
}
afterAll(async () => {
  await Promise.all(started.map((s) => s.close()));
});

describe('dataset', () => {
  it('is deterministic: same seed and scale, same checksum; another seed, another one', async () => {
    const a = await sim({ version: '17.0', seed: 1, scale: 2 });
    const b = await sim({ version: '17.0', seed: 1, scale: 2 });
    const c = await sim({ version: '17.0', seed: 2, scale: 2 });
    expect(a.checksum()).toBe(b.checksum());
    expect(a.checksum()).not.toBe(c.checksum());
  });

  it('order totals are the sum of their lines', async () => {
    const s = await sim({ version: '18.0', seed: 3, scale: 1 });
    const sum = (lines: Record<string, unknown>[], key: string, field: string) => {
      const m = new Map<number, number>();
      for (const l of lines) m.set(l[key] as number, (m.get(l[key] as number) ?? 0) + (l[field] as number));
      return m;
    };
    const posTotals = sum(s.records('pos.order.line'), 'order_id', 'price_subtotal_incl');
    for (const o of s.records('pos.order')) expect(o.amount_total).toBeCloseTo(posTotals.get(o.id)!, 2);
    const saleTotals = sum(s.records('sale.order.line'), 'order_id', 'price_total');
    for (const o of s.records('sale.order')) expect(o.amount_total).toBeCloseTo(saleTotals.get(o.id)!, 2);
    const purchaseTotals = sum(s.records('purchase.order.line'), 'order_id', 'price_subtotal');
    for (const o of s.records('purchase.order')) expect(o.amount_untaxed).toBeCloseTo(purchaseTotals.get(o.id)!, 2);
  });

  it('many2one values point at existing records', async () => {
    const s = await sim({ version: '17.0', seed: 4, scale: 1 });
    const checks: [string, string, string][] = [
      ['pos.order.line', 'product_id', 'product.product'], ['pos.order.line', 'order_id', 'pos.order'], ['pos.order', 'session_id', 'pos.session'],
      ['sale.order', 'partner_id', 'res.partner'], ['stock.quant', 'location_id', 'stock.location'], ['product.product', 'product_tmpl_id', 'product.template'],
      ['hr.employee', 'department_id', 'hr.department'], ['stock.warehouse', 'company_id', 'res.company'], ['pos.config', 'picking_type_id', 'stock.picking.type'],
    ];
    for (const [model, field, target] of checks) {
      const ids = new Set(s.records(target).map((r) => r.id));
      for (const r of s.records(model)) if (r[field] !== false) expect(ids.has(r[field] as number), `${model}.${field} → ${target}(${String(r[field])})`).toBe(true);
    }
  });

  it('follows the version: detailed_type on 16/17, type + is_storable on 18/19, pos_categ_id(s)', async () => {
    for (const [version, typeField, posCateg] of [['16.0', 'detailed_type', 'pos_categ_id'], ['17.0', 'detailed_type', 'pos_categ_ids'], ['18.0', 'is_storable', 'pos_categ_ids'], ['19.0', 'is_storable', 'pos_categ_ids']] as const) {
      const s = await sim({ version, scale: 1 });
      const rows = (await xmlrpcCall(s.url, '/xmlrpc/2/object', 'execute_kw', [s.db, s.admin.uid, s.admin.password, 'product.template', 'search_read', [[]], { fields: ['name', 'type', typeField, posCateg], limit: 3, order: 'id' }])) as Record<string, unknown>[];
      expect(rows).toHaveLength(3);
      for (const r of rows) {
        expect(r[typeField]).toBeDefined();
        if (posCateg === 'pos_categ_id') expect(Array.isArray(r[posCateg]) && (r[posCateg] as unknown[]).length).toBe(2);
        else expect(Array.isArray(r[posCateg])).toBe(true);
      }
      if (typeField === 'is_storable') expect(rows.every((r) => ['consu', 'service', 'combo'].includes(r.type as string))).toBe(true);
    }
  });

  // How fast it starts is measured by the bench, not asserted here.
  it('scale 100 holds at least 100k order lines', async () => {
    const s = await sim({ version: '17.0', scale: 100 });
    expect(s.records('pos.order.line').length + s.records('sale.order.line').length).toBeGreaterThanOrEqual(100_000);
  });
});

describe('control API', () => {
  it('stamps write_date with the clock, or an earlier time; quant changes leave it alone; unlink leaves nothing', async () => {
    const s = await sim({ version: '17.0', scale: 1 });
    s.setClock('2027-01-01T10:00:00Z');
    const id = s.create('res.partner', { name: 'New Customer', company_id: false });
    expect(s.records('res.partner').find((r) => r.id === id)).toMatchObject({ create_date: '2027-01-01 10:00:00', write_date: '2027-01-01 10:00:00', active: true });
    s.advanceClock(60_000);
    s.write('res.partner', [id], { city: 'Ghent' });
    expect(s.records('res.partner').find((r) => r.id === id)!.write_date).toBe('2027-01-01 10:01:00');
    s.write('res.partner', [id], { city: 'Lyon' }, { writeDate: '2027-01-01T09:55:00Z' });
    expect(s.records('res.partner').find((r) => r.id === id)!.write_date).toBe('2027-01-01 09:55:00');
    s.archive('res.partner', [id]);
    const search = (ctx: Record<string, unknown>) => xmlrpcCall(s.url, '/xmlrpc/2/object', 'execute_kw', [s.db, s.admin.uid, s.admin.password, 'res.partner', 'search', [[['id', '=', id]]], { context: ctx }]);
    expect(await search({})).toEqual([]);
    expect(await search({ active_test: false })).toEqual([id]);

    const [q1, q2] = s.records('stock.quant').filter((q) => q.company_id === 1);
    const before = q1!.write_date;
    s.setQuantQuantity(q1!.id, 42);
    expect(s.records('stock.quant').find((q) => q.id === q1!.id)).toMatchObject({ quantity: 42, write_date: before });
    s.mergeQuants([q1!.id, q2!.id]);
    expect(s.records('stock.quant').find((q) => q.id === q2!.id)).toBeUndefined();
    expect(s.records('stock.quant').find((q) => q.id === q1!.id)!.quantity).toBe(42 + (q2!.quantity as number));
    s.unlink('res.partner', [id]);
    expect(await search({ active_test: false })).toEqual([]);
  });

  it('counts calls, adds latency and injects faults, also over HTTP', async () => {
    const s = await sim({ version: '17.0', scale: 1 });
    const control = async (action: string, args: unknown[] = []) => {
      const res = await fetch(`${s.url}/__sim/${action}`, { method: 'POST', body: JSON.stringify(args) });
      return ((await res.json()) as { result: unknown }).result;
    };
    const count = () => xmlrpcCall(s.url, '/xmlrpc/2/object', 'execute_kw', [s.db, s.admin.uid, s.admin.password, 'res.partner', 'search_count', [[]]]);
    await control('resetCounts');
    await count();
    await count();
    expect(await control('callCounts')).toEqual({ 'res.partner:search_count': 2 });

    await control('injectFault', [{ kind: 'http502', onCall: 2 }]);
    await count();
    const err = (await count().catch((e: unknown) => e)) as { res?: { statusCode: number } };
    expect(err.res?.statusCode).toBe(502);
    await count();

    await control('injectFault', [{ kind: 'serialization', method: 'search_count', times: 1 }]);
    const fault = (await count().catch((e: unknown) => e)) as { faultString: string };
    expect(fault.faultString).toContain('SerializationFailure');

    s.injectFault({ kind: 'reset', onCall: 1 });
    await expect(count()).rejects.toThrow();
    // Latency: the answer waits on a timer of that length (fake timers: nothing here measures time).
    s.setLatency(150);
    vi.useFakeTimers({ toFake: ['setTimeout'] });
    try {
      let answered = false;
      const call = count().then(() => (answered = true));
      while (vi.getTimerCount() === 0) await new Promise((resolve) => setImmediate(resolve));
      await vi.advanceTimersByTimeAsync(149);
      for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(answered).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await call;
      expect(answered).toBe(true);
    } finally {
      vi.useRealTimers();
      s.setLatency(0);
    }
  });
});

describe('one2many fields', () => {
  it('read as the ids of the records pointing back', async () => {
    const s = await sim({ version: '17.0', scale: 1 });
    const order = s.records('pos.order')[0]!;
    const lines = s.records('pos.order.line').filter((l) => l.order_id === order.id).map((l) => l.id);
    const [row] = (await xmlrpcCall(s.url, '/xmlrpc/2/object', 'execute_kw', [s.db, s.admin.uid, s.admin.password, 'pos.order', 'read', [[order.id], ['lines']], { context: {} }])) as { lines: number[] }[];
    expect(lines.length).toBeGreaterThan(0);
    expect(row!.lines).toEqual(lines);
  });
});

describe('values have the shapes real Odoo gives', () => {
  const kind = (v: unknown): string => (v === false ? 'false' : Array.isArray(v) ? (v.length === 2 && typeof v[1] === 'string' ? 'm2o' : 'list') : typeof v);
  for (const version of ['16.0', '17.0', '18.0', '19.0'] as const) {
    it(`${version}: every sampled field has a value of the recorded kind, selections are valid`, async () => {
      const s = await sim({ version, scale: 1 });
      const dir = path.join(fixturesDir, version, 'samples');
      const problems: string[] = [];
      for (const file of fs.readdirSync(dir)) {
        const model = file.replace(/\.json$/, '');
        const sample = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { records: Record<string, unknown>[] };
        if (sample.records.length === 0) continue;
        const fields = Object.keys(sample.records[0]!);
        const rows = (await xmlrpcCall(s.url, '/xmlrpc/2/object', 'execute_kw', [s.db, s.admin.uid, s.admin.password, model, 'search_read', [[]], { fields, limit: 20, order: 'id asc', context: { active_test: false } }])) as Record<string, unknown>[];
        const meta = (await xmlrpcCall(s.url, '/xmlrpc/2/object', 'execute_kw', [s.db, s.admin.uid, s.admin.password, model, 'fields_get', [fields], { attributes: ['type', 'selection'] }])) as Record<string, { type: string; selection?: [string, string][] }>;
        for (const field of fields) {
          const recorded = new Set(sample.records.map((r) => kind(r[field])).filter((k) => k !== 'false'));
          for (const row of rows) {
            const k = kind(row[field]);
            if (k !== 'false' && recorded.size > 0 && !recorded.has(k)) problems.push(`${model}.${field}: ${k} where Odoo gave ${[...recorded].join('/')}`);
            const sel = meta[field]?.selection;
            if (meta[field]?.type === 'selection' && row[field] !== false && sel && !sel.some(([key]) => key === row[field])) problems.push(`${model}.${field}: ${String(row[field])} not a selection value`);
          }
        }
      }
      expect([...new Set(problems)]).toEqual([]);
    });
  }
});
