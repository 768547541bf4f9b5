// Real Odoo stamps write_date with microseconds but reads it back truncated to the second. A minimal
// JSON-2 endpoint with exactly that behaviour (over real HTTP) shows the keyset walk stays exact, where
// the textbook `write_date > w OR (write_date = w AND id > i)` cursor would skip or repeat records.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createOdooClient, type OdooClient } from '../../src/odoo/index.ts';
import { nextByWriteDate, writeDateStart, type WriteDateStepCursor } from '../../src/odoo/keyset-step.ts';
import { startReplayServer, type ReplayServer } from './replay-server.ts';

interface Row {
  id: number;
  /** Microseconds since the epoch, as PostgreSQL keeps `timestamp`. */
  us: number;
}

const BASE_US = Date.UTC(2026, 0, 1, 8, 0, 0) * 1000;
let rows: Row[];
let server: ReplayServer;
let client: OdooClient;

const toUs = (s: string): number => Date.parse(`${s.replace(' ', 'T')}Z`) * 1000;
const truncated = (us: number): string => new Date(Math.floor(us / 1_000_000) * 1000).toISOString().slice(0, 19).replace('T', ' ');

type Pred = (r: Row) => boolean;
function compile(domain: unknown[]): Pred {
  let i = 0;
  const term = (): Pred => {
    const t = domain[i++];
    if (t === '|' || t === '&') {
      const a = term();
      const b = term();
      return t === '|' ? (r) => a(r) || b(r) : (r) => a(r) && b(r);
    }
    const [field, op, value] = t as [string, string, unknown];
    const get = (r: Row): number => (field === 'id' ? r.id : r.us);
    if (value === false) return () => op === '!=';
    const v = field === 'id' ? (value as number) : toUs(value as string);
    switch (op) {
      case '>':
        return (r) => get(r) > v;
      case '>=':
        return (r) => get(r) >= v;
      case '<':
        return (r) => get(r) < v;
      case '=':
        return (r) => get(r) === v;
      default:
        throw new Error(`operator ${op}`);
    }
  };
  const preds: Pred[] = [];
  while (i < domain.length) preds.push(term());
  return (r) => preds.every((p) => p(r));
}

beforeAll(async () => {
  // 6000 records over 12 seconds, microsecond stamps, ids unrelated to time; some transactions share a stamp.
  let seed = 42;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  rows = Array.from({ length: 6000 }, (_, k) => ({ id: k + 1, us: BASE_US + Math.floor(rnd() * 12_000_000) }));
  for (let k = 0; k < 600; k++) rows[k * 10]!.us = rows[5]!.us; // one transaction stamping 600 records
  server = await startReplayServer((req) => {
    if (req.url === '/json/2/res.users/context_get') return { headers: { 'Content-Type': 'application/json' }, body: '{"uid": 2}' };
    const body = JSON.parse(req.body) as { domain: unknown[]; order: string; limit: number; fields: string[] };
    const match = compile(body.domain);
    const byDate = body.order.startsWith('write_date');
    const out = rows.filter(match).sort((a, b) => (byDate ? a.us - b.us || a.id - b.id : a.id - b.id)).slice(0, body.limit);
    return { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(out.map((r) => ({ id: r.id, write_date: truncated(r.us) }))) };
  });
  client = createOdooClient({ url: server.url, db: 'odoo', username: 'admin', apiKey: 'k', transport: 'json2', retries: 0 });
});

afterAll(async () => {
  client.close();
  await server.close();
});

it('the textbook (write_date, id) domain repeats records on such a server (why keyset-step.ts reads by second)', async () => {
  const seen: number[] = [];
  let cursor: { w: string; i: number } | undefined;
  for (let calls = 0; calls < 40; calls++) {
    const domain = cursor ? ['|', ['write_date', '>', cursor.w], '&', ['write_date', '=', cursor.w], ['id', '>', cursor.i]] : [];
    const batch = await client.searchRead('res.partner', { domain: domain as never, fields: ['write_date'], order: 'write_date asc, id asc', limit: 500 });
    if (batch.length === 0) break;
    seen.push(...batch.map((r) => r.id));
    const last = batch.at(-1)!;
    cursor = { w: String(last.write_date), i: last.id };
  }
  expect(new Set(seen).size).toBeLessThan(seen.length);
});

it.each([50, 299, 1000, 7000])('the stored-cursor step walk (keyset-step.ts) reads every record once too (batch %i)', async (batchSize) => {
  const seen: number[] = [];
  let stored: string | null = null; // the cursor as a job would keep it in the database, between steps
  for (let steps = 0; ; steps++) {
    expect(steps).toBeLessThan(1000);
    const cursor = stored === null ? undefined : (JSON.parse(stored) as WriteDateStepCursor | undefined);
    const step = await nextByWriteDate(client, 'res.partner', cursor, { fields: [], batchSize });
    seen.push(...step.records.map((r) => r.id));
    stored = JSON.stringify(step.cursor ?? null);
    if (step.done) break;
  }
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBe(rows.length);
});

it('the step walk resumes from any cursor it stored', async () => {
  const stored: Array<{ cursor: WriteDateStepCursor | undefined; ids: number[] }> = [];
  for (let cursor: WriteDateStepCursor | undefined, steps = 0; ; steps++) {
    expect(steps).toBeLessThan(1000);
    const step = await nextByWriteDate(client, 'res.partner', cursor, { fields: [], batchSize: 400 });
    stored.push({ cursor: step.cursor, ids: step.records.map((r) => r.id) });
    cursor = step.cursor;
    if (step.done) break;
  }
  for (const k of [0, 3, 7, stored.length - 2]) {
    const before = stored.slice(0, k + 1).flatMap((s) => s.ids);
    const after: number[] = [];
    for (let cursor = JSON.parse(JSON.stringify(stored[k]!.cursor)) as WriteDateStepCursor | undefined; ; ) {
      const step = await nextByWriteDate(client, 'res.partner', cursor, { fields: [], batchSize: 400 });
      after.push(...step.records.map((r) => r.id));
      cursor = step.cursor;
      if (step.done) break;
    }
    const all = [...before, ...after];
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(rows.length);
  }
});

it('writeDateStart re-reads from a second on (the lookback window)', async () => {
  const since = truncated(BASE_US + 6_000_000);
  const wanted = rows.filter((r) => r.us >= toUs(since)).length;
  const seen: number[] = [];
  let cursor: WriteDateStepCursor | undefined = writeDateStart(since);
  for (;;) {
    const step = await nextByWriteDate(client, 'res.partner', cursor, { fields: [], batchSize: 333 });
    seen.push(...step.records.map((r) => r.id));
    cursor = step.cursor;
    if (step.done) break;
  }
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBe(wanted);
});
