// The keyset walks the sync reads with (keyset-step.ts), one batch a job and the cursor stored in between, against
// the simulator: 100k records whose write_dates are shared by a thousand records each and do not follow id order
// must come out exactly once, in incremental and in full order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOdooClient, type OdooClient } from '../../src/odoo/index.ts';
import { nextById, nextByWriteDate, type StepOptions, type WriteDateStepCursor } from '../../src/odoo/keyset-step.ts';
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

/** A `(write_date, id)` walk from `from`, its cursor stored as JSON between steps as a job keeps it; stops early when `stop` says so. */
async function walkByWriteDate(
  from: WriteDateStepCursor | undefined,
  options: StepOptions,
  stop: (seen: number[]) => boolean = () => false,
): Promise<{ seen: number[]; cursor: WriteDateStepCursor | undefined; steps: number; cursors: WriteDateStepCursor[] }> {
  const seen: number[] = [];
  const cursors: WriteDateStepCursor[] = [];
  let stored = JSON.stringify(from ?? null);
  let steps = 0;
  for (;;) {
    expect(steps).toBeLessThan(1000);
    const cursor = (JSON.parse(stored) as WriteDateStepCursor | null) ?? undefined;
    const step = await nextByWriteDate(client, MODEL, cursor, options);
    steps++;
    expect(step.records.length).toBeLessThanOrEqual(options.batchSize);
    seen.push(...step.records.map((r) => r.id));
    if (step.cursor) cursors.push(step.cursor);
    stored = JSON.stringify(step.cursor ?? null);
    if (step.done || stop(seen)) return { seen, cursor: step.cursor, steps, cursors };
  }
}

describe('the (write_date, id) walk', () => {
  it('reads each of 100k records once with heavily shared write_dates, its cursor only moving forward', async () => {
    const { seen, steps, cursors } = await walkByWriteDate(undefined, { fields: ['name'], batchSize: 2000, context });
    expectEachOnce(seen, expected);
    for (let k = 1; k < cursors.length; k++) {
      const [before, now] = [cursors[k - 1]!, cursors[k]!];
      expect(now.writeDate > before.writeDate || (now.writeDate === before.writeDate && now.id >= before.id)).toBe(true);
    }
    // A second cut by a full batch costs one more read, not a re-read of everything.
    expect(steps).toBeLessThan(expected.length / 2000 + 2 * SECONDS + 40);
  });

  it('combines with a user domain and resumes from a stored cursor without losing or repeating records', async () => {
    const domain = [['is_company', '=', true]] as Array<[string, string, unknown]>;
    const wanted = sim.records(MODEL).filter((r) => r.is_company === true).map((r) => r.id).sort((a, b) => a - b);
    // Stop mid-way, as a crashed run would, and resume from the cursor stored with the last batch.
    const first = await walkByWriteDate(undefined, { domain, fields: ['name'], batchSize: 300, context }, (seen) => seen.length > wanted.length / 2);
    const rest = await walkByWriteDate(first.cursor, { domain, fields: ['name'], batchSize: 300, context });
    expectEachOnce([...first.seen, ...rest.seen], wanted);
  });
});

describe('the id walk', () => {
  it('reads each of 100k records once in id order', async () => {
    const seen: number[] = [];
    for (let after = 0; ; ) {
      const step = await nextById(client, MODEL, after, { fields: ['name'], batchSize: 5000, context });
      seen.push(...step.records.map((r) => r.id));
      expect(step.cursor).toBe(step.records.at(-1)?.id ?? after);
      after = step.cursor;
      if (step.done) break;
    }
    expect(seen).toEqual(expected);
  });

  it('resumes after an id', async () => {
    const from = expected[70_000]!;
    const seen: number[] = [];
    for (let after = from; ; ) {
      const step = await nextById(client, MODEL, after, { fields: ['name'], batchSize: 7000, context });
      seen.push(...step.records.map((r) => r.id));
      after = step.cursor;
      if (step.done) break;
    }
    expect(seen).toEqual(expected.filter((id) => id > from));
  });

  it('reads each record once, bounded by beforeId', async () => {
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

// Last: it writes to the simulator.
it('from the cursor a finished walk stored: nothing with one call when nothing changed, and then only what changed', async () => {
  const finished = await walkByWriteDate(undefined, { fields: ['name'], batchSize: 5000, context });
  const before = client.stats().calls['res.partner.search_read'] ?? 0;
  const nothing = await walkByWriteDate(finished.cursor, { fields: ['name'], batchSize: 5000, context });
  expect(nothing.seen).toEqual([]);
  expect(client.stats().calls['res.partner.search_read']! - before).toBe(1);

  const newest = finished.cursor!.writeDate;
  sim.setClock(Date.parse(`${newest.replace(' ', 'T')}Z`) + 3_600_000);
  sim.write(MODEL, [expected[5]!, expected[50]!, expected[500]!], { name: 'changed' });
  const changed = await walkByWriteDate(finished.cursor, { fields: ['name'], batchSize: 5000, context });
  expect(changed.seen).toEqual([expected[5], expected[50], expected[500]]);
});
