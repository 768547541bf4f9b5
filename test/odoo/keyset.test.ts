// Keyset iteration against the simulator: 100k records whose write_dates are shared by a thousand records
// each and do not follow id order must come out exactly once, in incremental and in full order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient, iterateById, iterateByWriteDate, type OdooClient, type WriteDateCursor } from '../../src/odoo/index.ts';
import { nextById, nextByWriteDate, type WriteDateStepCursor } from '../../src/odoo/keyset-step.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';

const MODEL = 'res.partner';
const CREATED = 100_000;
const SECONDS = 97; // distinct write_dates among the created records: ~1030 records share each
const BASE = Date.UTC(2026, 0, 1, 8, 0, 0);

let sim: Simulator;
let client: OdooClient;
let expected: number[];
let context: Record<string, unknown>;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, version: '17.0', scale: 1, seed: 11 });
  for (let i = 0; i < CREATED; i++) {
    // Scatter the write_dates so that id order and write_date order disagree.
    sim.setClock(BASE + ((i * 7919) % SECONDS) * 1000);
    sim.create(MODEL, { name: `Keyset ${i}`, is_company: i % 10 === 0, active: i % 17 !== 0 });
  }
  expected = sim.records(MODEL).map((r) => r.id).sort((a, b) => a - b);
  context = { active_test: false, allowed_company_ids: sim.records('res.company').map((c) => c.id) };
  expect(expected.length).toBeGreaterThan(CREATED);
  client = createOdooClient({ url: sim.url, db: sim.db, username: sim.admin.login, password: sim.admin.password, timeoutMs: 30_000 });
}, 120_000);

afterAll(async () => {
  client?.close();
  await sim?.close();
});

function expectEachOnce(seen: number[], wanted: number[]): void {
  const unique = new Set(seen);
  expect(unique.size).toBe(seen.length);
  expect([...unique].sort((a, b) => a - b)).toEqual(wanted);
}

describe('iterateByWriteDate', () => {
  it('yields each of 100k records exactly once with heavily shared write_dates', async () => {
    const seen: number[] = [];
    let batches = 0;
    let previous: WriteDateCursor | undefined;
    for await (const batch of iterateByWriteDate(client, MODEL, { fields: ['name'], batchSize: 2000, context })) {
      batches++;
      expect(batch.records.length).toBeLessThanOrEqual(2000);
      for (const r of batch.records) seen.push(r.id);
      // The cursor only moves forward.
      if (previous) {
        const { writeDate, id } = batch.cursor;
        expect(writeDate > previous.writeDate || (writeDate === previous.writeDate && id > previous.id)).toBe(true);
      }
      previous = batch.cursor;
    }
    expectEachOnce(seen, expected);
    expect(batches).toBeLessThan(expected.length / 2000 + 2 * SECONDS + 40);
  });

  it('combines with a user domain and resumes from a cursor without losing or repeating records', async () => {
    const domain = [['is_company', '=', true]] as Array<[string, string, unknown]>;
    const wanted = sim.records(MODEL).filter((r) => r.is_company === true).map((r) => r.id).sort((a, b) => a - b);
    const first: number[] = [];
    let cursor: WriteDateCursor | undefined;
    for await (const batch of iterateByWriteDate(client, MODEL, { domain, fields: ['name'], batchSize: 300, context })) {
      first.push(...batch.records.map((r) => r.id));
      cursor = batch.cursor;
      if (first.length > wanted.length / 2) break; // stop mid-way, as a crashed run would
    }
    const rest: number[] = [];
    for await (const batch of iterateByWriteDate(client, MODEL, { domain, fields: ['name'], batchSize: 300, after: cursor, context })) {
      rest.push(...batch.records.map((r) => r.id));
    }
    expectEachOnce([...first, ...rest], wanted);
  });

  it('finds nothing with one call when nothing changed, and then only what changed', async () => {
    // The cursor a finished run would have stored: the newest second, and the highest id in it.
    const records = sim.records(MODEL);
    const newest = records.reduce((w, r) => (String(r.write_date) > w ? String(r.write_date) : w), '');
    const last: WriteDateCursor = { writeDate: newest, id: Math.max(...records.filter((r) => r.write_date === newest).map((r) => r.id)) };
    const before = client.stats().calls['res.partner.search_read'] ?? 0;
    const nothing = [];
    for await (const batch of iterateByWriteDate(client, MODEL, { fields: ['name'], batchSize: 5000, after: last, context })) nothing.push(batch);
    expect(nothing).toEqual([]);
    expect(client.stats().calls['res.partner.search_read']! - before).toBe(1);

    sim.setClock(Date.parse(`${last.writeDate.replace(' ', 'T')}Z`) + 3_600_000);
    sim.write(MODEL, [expected[5]!, expected[50]!, expected[500]!], { name: 'changed' });
    const changed: number[] = [];
    for await (const batch of iterateByWriteDate(client, MODEL, { fields: ['name'], batchSize: 5000, after: last, context })) {
      changed.push(...batch.records.map((r) => r.id));
    }
    expect(changed).toEqual([expected[5], expected[50], expected[500]]);
  });
});

describe('iterateById', () => {
  it('yields each of 100k records exactly once in id order', async () => {
    const seen: number[] = [];
    for await (const batch of iterateById(client, MODEL, { fields: ['name'], batchSize: 5000, context })) {
      seen.push(...batch.records.map((r) => r.id));
      expect(batch.cursor.id).toBe(batch.records.at(-1)!.id);
    }
    expect(seen).toEqual(expected);
  });

  it('resumes after an id', async () => {
    const from = expected[70_000]!;
    const seen: number[] = [];
    for await (const batch of iterateById(client, MODEL, { fields: ['name'], batchSize: 7000, afterId: from, context })) {
      seen.push(...batch.records.map((r) => r.id));
    }
    expect(seen).toEqual(expected.filter((id) => id > from));
  });
});

describe('keyset-step (one batch a job, cursor stored in between)', () => {
  it('the (write_date, id) walk reads each of 100k records once', async () => {
    const seen: number[] = [];
    let stored = 'null';
    for (let steps = 0; ; steps++) {
      expect(steps).toBeLessThan(500);
      const cursor = (JSON.parse(stored) as WriteDateStepCursor | null) ?? undefined;
      const step = await nextByWriteDate(client, MODEL, cursor, { fields: ['name'], batchSize: 3000, context });
      seen.push(...step.records.map((r) => r.id));
      stored = JSON.stringify(step.cursor ?? null);
      if (step.done) break;
    }
    expectEachOnce(seen, expected);
  });

  it('the id walk reads each record once, bounded by beforeId', async () => {
    const bound = expected[60_000]!;
    const seen: number[] = [];
    let after = 0;
    for (;;) {
      const step = await nextById(client, MODEL, after, { fields: ['name'], batchSize: 9000, beforeId: bound, context });
      seen.push(...step.records.map((r) => r.id));
      after = step.cursor;
      if (step.done) break;
    }
    expect(seen).toEqual(expected.filter((id) => id <= bound));
  });
});
