// Stock at any date on the simulator of Odoo 16–19: fact_stock_moves mirrors the done move lines, and
// fact_stock_daily (etl.refresh_stock_daily) gives the end-of-day quantity per product, internal location and
// company. The expectations are computed here, from what the simulator answers over XML-RPC: today's rows are
// its quants; every past day is summed FORWARD from its done move lines (the SQL reconstructs backwards from
// the quants), in each company's timezone (its partner's tz, else UTC). After a picking (moveStock: a move
// line and the quants written through the ORM) and after a raw-SQL quant change (setQuantQuantity: no move
// line), as Odoo would. Twice: with fact_stock's history turned off (every past day rebuilt from the moves,
// which cannot place a raw-SQL change in time: it shows on every earlier day) and with it on (migrate's
// default: the days since history began are its versions, so the raw-SQL change shows from the day the sync
// saw it, and the days before come from the moves counted back from history's start).
import { sql } from 'slonik';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { makeTaskList } from '../../tasks/index.ts';
import { applyHistory } from '../../src/history/apply.ts';
import type { OdooVersion } from '../../src/sim/index.ts';
import { xmlrpcCall } from '../sim/helpers.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

const VERSIONS: OdooVersion[] = ['16.0', '17.0', '18.0', '19.0'];
// History on: the version with qty_done and the newest one (the history of fact_stock does not depend on the version).
const CASES: Array<{ version: OdooVersion; history: boolean }> = [
  ...VERSIONS.map((version) => ({ version, history: false })),
  { version: '16.0', history: true },
  { version: '19.0', history: true },
];
const DAY = 86_400_000;

type M2o = [number, string] | false;
const id = (v: unknown): number => (Array.isArray(v) ? (v[0] as number) : (v as number));

interface Truth {
  internal: Set<number>;
  zoneOf: (company: number) => string;
  lines: Array<{ product: number; from: number; to: number; company: number; qty: number; date: string }>;
  quants: Array<{ id: number; product: number; location: number; company: number; qty: number }>;
}

/** What the simulator says, over XML-RPC as any client would read it (16 has qty_done, 17+ quantity). */
async function readTruth(h: SyncHarness, version: OdooVersion): Promise<Truth> {
  const call = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}) =>
    xmlrpcCall(h.sim.url, '/xmlrpc/2/object', 'execute_kw', [h.sim.db, h.sim.admin.uid, h.sim.admin.password, model, method, args, kwargs]) as Promise<Array<Record<string, unknown>>>;
  // Every company of the user (Odoo shows one company's records without allowed_company_ids).
  const companies = await call('res.company', 'search_read', [[]], { fields: ['partner_id'], context: { active_test: false } });
  const ctx = { context: { active_test: false, allowed_company_ids: companies.map((c) => c.id) } };
  const locations = await call('stock.location', 'search_read', [[]], { fields: ['usage'], ...ctx });
  const partners = await call('res.partner', 'read', [companies.map((c) => id(c.partner_id))], { fields: ['tz'] });
  const known = (zone: unknown): zone is string => {
    if (typeof zone !== 'string' || zone === '') return false;
    try {
      new Intl.DateTimeFormat('en-CA', { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  };
  const zones = new Map(companies.map((c) => {
    const tz = partners.find((p) => p.id === id(c.partner_id))?.tz;
    return [c.id as number, known(tz) ? tz : 'UTC'];
  }));
  const qtyField = version === '16.0' ? 'qty_done' : 'quantity';
  const lines = await call('stock.move.line', 'search_read', [[['state', '=', 'done']]], { fields: ['product_id', 'location_id', 'location_dest_id', 'company_id', qtyField, 'date'], ...ctx });
  const quants = await call('stock.quant', 'search_read', [[]], { fields: ['product_id', 'location_id', 'company_id', 'quantity'], ...ctx });
  return {
    internal: new Set(locations.filter((l) => l.usage === 'internal').map((l) => l.id as number)),
    zoneOf: (company) => zones.get(company) ?? 'UTC',
    lines: lines.map((l) => ({ product: id(l.product_id), from: id(l.location_id), to: id(l.location_dest_id), company: id(l.company_id as M2o), qty: l[qtyField] as number, date: l.date as string })),
    quants: quants.map((q) => ({ id: q.id as number, product: id(q.product_id), location: id(q.location_id), company: id(q.company_id as M2o), qty: q.quantity as number })),
  };
}

const dayIn = (utc: string | number, zone: string): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(typeof utc === 'number' ? new Date(utc) : new Date(`${utc.replace(' ', 'T')}Z`));
const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

type Rows = Map<string, number>; // `${product}/${location}/${company}/${day}` -> quantity

/**
 * The rows fact_stock_daily should hold, summed forward from the move lines: every day from a group's first
 * move to its company's today while the quantity is not zero, and the day it reaches zero. `offsets` adds a
 * quantity no move line explains to a group's days from `from` (all its days without `from`).
 */
function expectedRows(t: Truth, now: number, offsets: Map<string, { qty: number; from?: string }> = new Map()): Rows {
  const byGroup = new Map<string, Map<string, number>>();
  const add = (product: number, location: number, company: number, day: string, delta: number) => {
    const key = `${product}/${location}/${company}`;
    const days = byGroup.get(key) ?? new Map<string, number>();
    days.set(day, (days.get(day) ?? 0) + delta);
    byGroup.set(key, days);
  };
  for (const l of t.lines) {
    const day = dayIn(l.date, t.zoneOf(l.company));
    if (t.internal.has(l.to)) add(l.product, l.to, l.company, day, l.qty);
    if (t.internal.has(l.from)) add(l.product, l.from, l.company, day, -l.qty);
  }
  const rows: Rows = new Map();
  for (const [key, deltas] of byGroup) {
    const company = Number(key.split('/')[2]);
    const today = dayIn(now, t.zoneOf(company));
    const offset = offsets.get(key);
    let applied = false;
    let qty = 0;
    let prev: number | undefined;
    for (let day = [...deltas.keys()].sort()[0]!; day <= today; day = nextDay(day)) {
      qty += deltas.get(day) ?? 0;
      // added once, on its first day: the quantity carries it on
      if (offset && !applied && (offset.from === undefined || day >= offset.from)) {
        qty += offset.qty;
        applied = true;
      }
      if (qty !== 0 || (prev !== undefined && prev !== 0)) rows.set(`${key}/${day}`, qty);
      prev = qty;
    }
  }
  return rows;
}

async function tableRows(h: SyncHarness): Promise<Rows> {
  const rows = await h.db.pool.any(sql.type(z.object({ k: z.string(), q: z.number() }))`
    select product_id || '/' || location_id || '/' || company_id || '/' || to_char(day, 'YYYY-MM-DD') as k, quantity::float8 as q
      from fact_stock_daily`);
  return new Map(rows.map((r) => [r.k, r.q]));
}

async function refreshAll(h: SyncHarness): Promise<number> {
  return h.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select etl.refresh_stock_daily('2024-01-01', current_date + 1) as n`);
}

/** The differences between two row sets, at most a few, for a readable failure. */
function diff(actual: Rows, expected: Rows): string[] {
  const out: string[] = [];
  for (const [k, q] of expected) if (actual.get(k) !== q) out.push(`${k}: expected ${q}, got ${actual.get(k)}`);
  for (const [k, q] of actual) if (!expected.has(k)) out.push(`${k}: unexpected ${q}`);
  return out.slice(0, 10);
}

describe.each(CASES)('stock at any date on Odoo $version (history $history)', ({ version, history }) => {
  let h: SyncHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("gives today's quants and every past day's moves, after a picking and after a raw-SQL quant change", async () => {
    h = await startHarness({ sim: { version, scale: 1, seed: 23 } });
    const sim = h.sim;
    // migrate keeps fact_stock's history by default (HISTORY); off, the function must not read the stale table.
    if (!history) await applyHistory(h.db.pool, ['dim_customers', 'dim_product_costs', 'dim_products', 'dim_products_product'], { recompile: false });
    expect(await h.db.pool.oneFirst(sql.type(z.object({ kept: z.boolean() }))`
      select coalesce(bool_or(enabled), false) as kept from etl.history_table where table_name = 'fact_stock'`)).toBe(history);
    // The head office's business day is Bangkok's (UTC+7): its midnight is not UTC's.
    const hq = sim.records('res.company').find((c) => c.id === 1)!;
    sim.write('res.partner', [hq.partner_id as number], { tz: 'Asia/Bangkok' });

    const first = await h.sync({ full: true });
    expect(first.run.status).toBe('succeeded');
    let truth = await readTruth(h, version);
    expect(truth.lines.length).toBeGreaterThan(300);
    const mirrored = await h.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from fact_stock_moves where deleted_at is null`);
    expect(mirrored).toBe(truth.lines.length);

    // The run's own refresh wrote yesterday and today: today's rows are the quants.
    const todayRows = (rows: Rows, t: Truth): Rows => new Map([...rows].filter(([k, q]) => q !== 0 && k.endsWith(`/${dayIn(Date.now(), t.zoneOf(Number(k.split('/')[2])))}`)));
    const quantsToday = (t: Truth): Rows => {
      const out: Rows = new Map();
      for (const q of t.quants.filter((q) => t.internal.has(q.location))) {
        const k = `${q.product}/${q.location}/${q.company}/${dayIn(Date.now(), t.zoneOf(q.company))}`;
        out.set(k, (out.get(k) ?? 0) + q.qty);
      }
      return new Map([...out].filter(([, q]) => q !== 0));
    };
    expect(diff(todayRows(await tableRows(h), truth), quantsToday(truth))).toEqual([]);
    expect(quantsToday(truth).size).toBeGreaterThan(50);

    // Every day back to the first move, rebuilt from the moves: by the daily task, which on an empty table
    // starts at the first move's day.
    await h.db.pool.query(sql.unsafe`truncate fact_stock_daily`);
    await makeTaskList(h.ctx).refresh_stock_daily!({}, {} as never);
    expect((await tableRows(h)).size).toBeGreaterThan(1000);
    expect(diff(await tableRows(h), expectedRows(truth, Date.now()))).toEqual([]);

    // A picking now, over the control API: 5 units from a quant's shelf to another shelf of its company.
    const quant = truth.quants.find((q) => q.qty >= 10 && truth.internal.has(q.location))!;
    const shelf = [...truth.internal].find((l) => l !== quant.location && sim.records('stock.location').find((r) => r.id === l)?.company_id === quant.company)!;
    const internalType = sim.records('stock.picking.type').find((p) => p.company_id === quant.company && p.code === 'internal')!.id;
    const res = await fetch(`${sim.url}/__sim/moveStock`, { method: 'POST', body: JSON.stringify([{ product: quant.product, from: quant.location, to: shelf, quantity: 5, pickingType: internalType, company: quant.company }]) });
    expect(res.status).toBe(200);
    const second = await h.sync();
    expect(second.run.status).toBe('succeeded');
    truth = await readTruth(h, version);
    expect(truth.quants.find((q) => q.id === quant.id)!.qty).toBe(quant.qty - 5);
    const rows = await tableRows(h);
    expect(diff(todayRows(rows, truth), quantsToday(truth))).toEqual([]);
    const today = dayIn(Date.now(), truth.zoneOf(quant.company));
    expect(rows.get(`${quant.product}/${shelf}/${quant.company}/${today}`)).toBe(5);
    expect(diff(await tableRows(h), expectedRows(truth, Date.now()))).toEqual([]);

    // A raw-SQL quant change: +7 with no move line, write_date unchanged. The snapshot sees it, so today follows
    // the quants. Without history the moves cannot place it in time: the reconstruction carries it into every
    // earlier day. With history it is a version observed today: today only; earlier days are counted back
    // from history's start, before the change.
    sim.setQuantQuantity(quant.id, quant.qty - 5 + 7);
    const third = await h.sync();
    expect(third.run.status).toBe('succeeded');
    truth = await readTruth(h, version);
    expect(diff(todayRows(await tableRows(h), truth), quantsToday(truth))).toEqual([]);
    await refreshAll(h);
    const seenOn = dayIn(Date.now(), truth.zoneOf(quant.company));
    const offsets = new Map([[`${quant.product}/${quant.location}/${quant.company}`, history ? { qty: 7, from: seenOn } : { qty: 7 }]]);
    if (history) {
      const sources = await h.db.pool.anyFirst(sql.type(z.object({ source: z.string() }))`
        select distinct source from fact_stock_daily where day = ${seenOn}::date and product_id = ${quant.product} and location_id = ${quant.location}`);
      expect(sources).toEqual(['history']);
    }
    expect(diff(await tableRows(h), expectedRows(truth, Date.now(), offsets))).toEqual([]);
    // three runs and three rebuilds of two years of days: a minute alone, more on a busy machine
  }, 240_000);
});
