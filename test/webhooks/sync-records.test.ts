/**
 * The targeted sync of notified records (task sync_records) against the simulator over HTTP and a real
 * database: it loads the current records through the same path as a run, whatever the order and number of
 * notifications, ignores ids Odoo no longer has, and never moves a watermark.
 */
import { sql } from 'slonik';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../../src/log.ts';
import { startWorker } from '../../src/worker/runner.ts';
import { startWebhookReceiver } from '../../src/webhooks/receiver.ts';
import { syncRecords, type SyncRecordsResult } from '../../src/webhooks/sync-records.ts';
import { webhookFreshness } from '../../src/webhooks/freshness.ts';
import { compareWithSimulator, startHarness, tableChecksums, type SyncHarness } from '../support/sync-harness.ts';

const TOKEN = 'test-token-'.padEnd(40, 'x');

async function watermarks(harness: SyncHarness): Promise<readonly unknown[]> {
  return harness.db.pool.anyFirst(sql.type(z.object({ w: z.unknown() }))`select to_jsonb(w) as w from etl.watermark w order by entity, source`);
}

async function notify(harness: SyncHarness, model: string, ids: number[]): Promise<void> {
  for (const id of ids) await harness.db.pool.query(sql.unsafe`select etl.webhook_notify(${model}, ${id}, 0)`);
}

/** Runs the model's job until nothing is left (with settle 0 the second look is due at once); the results of each call. */
async function drain(harness: SyncHarness, model: string): Promise<SyncRecordsResult[]> {
  const results: SyncRecordsResult[] = [];
  do results.push(await syncRecords(harness.ctx, { model, settleMs: 0 }));
  while (results.at(-1)!.left > 0 && results.length < 10);
  return results;
}

async function pendingCount(harness: SyncHarness): Promise<number> {
  return harness.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.webhook_pending`);
}

describe('sync_records', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('upserts the current state of notified records of every entity the model feeds, and never moves a watermark', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 3 } });
    const { sim, db } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');
    const before = await watermarks(harness);

    const partner = sim.records('res.partner').find((p) => p.customer_rank)!;
    sim.write('res.partner', [partner.id], { name: 'Renamed By Webhook' });
    const product = sim.records('product.product')[0]!;
    sim.write('product.product', [product.id], { default_code: 'WEBHOOK-1' });
    await notify(harness, 'res.partner', [partner.id]);
    await notify(harness, 'product.product', [product.id]);

    // A first look loads the record, a second one (for transactions that committed late) finds it unchanged.
    const partners = await drain(harness, 'res.partner');
    expect(partners.map((r) => [r.taken, r.found, r.counts.updated, r.left])).toEqual([[1, 1, 1, 1], [1, 1, 0, 0]]);
    const products = await drain(harness, 'product.product');
    expect(products.map((r) => [r.taken, r.found, r.left])).toEqual([[1, 1, 1], [1, 1, 0]]);

    expect(await db.pool.oneFirst(sql.type(z.object({ name: z.string() }))`select name from dim_customers where odoo_id = ${partner.id}`)).toBe('Renamed By Webhook');
    expect(await compareWithSimulator(harness, ['dim_customers', 'dim_products_product', 'dim_product_costs'])).toEqual([]);
    expect(await watermarks(harness)).toEqual(before);
    expect(await pendingCount(harness)).toBe(0);
    const freshness = (await webhookFreshness(db.pool)).find((f) => f.entity === 'dim_customers')!;
    expect(freshness).toMatchObject({ pending: 0 });
    expect(freshness.lastAppliedAt).not.toBeNull();
    expect(freshness.lagSeconds).toBeGreaterThanOrEqual(0);
  });

  it('leaves the tables as a clean sync does, however many, duplicated and out-of-order the notifications', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 5 } });
    const { sim } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');

    const customers = sim.records('res.partner').filter((p) => p.customer_rank).slice(0, 6);
    const created = sim.create('res.partner', { name: 'Webhook Customer', email: 'hook@example.com', customer_rank: 1 });
    // Notifications that arrive before the write they announce (the write is later in the same transaction).
    await notify(harness, 'res.partner', [customers[5]!.id, created]);
    for (const [i, c] of customers.entries()) sim.write('res.partner', [c.id], { name: `Version 1 of ${i}` });
    sim.write('res.partner', [customers[0]!.id, customers[2]!.id], { name: 'Version 2' });
    sim.archive('res.partner', [customers[4]!.id]);
    // Every change notified, most of them twice, in no particular order.
    const ids = [created, ...customers.map((c) => c.id)];
    await notify(harness, 'res.partner', [...ids].reverse());
    await notify(harness, 'res.partner', [ids[3]!, ids[0]!, ids[5]!, ids[1]!, ids[3]!]);

    // The comparison sees the changes before the job (a real check, not a tautology).
    expect((await compareWithSimulator(harness)).map((d) => d.table)).toContain('dim_customers');
    const [result] = await drain(harness, 'res.partner');
    expect(result).toMatchObject({ taken: ids.length, found: ids.length });
    // A second pass over the same notifications changes nothing more (first and second looks alike).
    await notify(harness, 'res.partner', ids);
    const again = await drain(harness, 'res.partner');
    expect(again.map((r) => r.counts)).toEqual([
      { inserted: 0, updated: 0, unchanged: ids.length },
      { inserted: 0, updated: 0, unchanged: ids.length },
    ]);
    expect(await compareWithSimulator(harness)).toEqual([]);
  });

  it('changes nothing for ids Odoo does not return (a rolled-back create, a deleted record); unsettled ones wait', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 7 } });
    const { sim } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');
    const gone = sim.records('res.partner').find((p) => p.customer_rank)!;
    sim.unlink('res.partner', [gone.id]);
    const sums = await tableChecksums(harness);
    const before = await watermarks(harness);

    await notify(harness, 'res.partner', [gone.id, 2_000_000]);
    const results = await drain(harness, 'res.partner');
    expect(results).toEqual([
      { taken: 2, found: 0, counts: { inserted: 0, updated: 0, unchanged: 0 }, left: 2 },
      { taken: 2, found: 0, counts: { inserted: 0, updated: 0, unchanged: 0 }, left: 0 },
    ]);
    expect(await tableChecksums(harness)).toEqual(sums);
    expect(await watermarks(harness)).toEqual(before);
    expect(await pendingCount(harness)).toBe(0);

    // A notification younger than the settle delay is not read yet: the job leaves it and queues the next.
    await harness.db.pool.query(sql.unsafe`select etl.webhook_notify('res.partner', ${sim.records('res.partner')[0]!.id}, 60000)`);
    expect(await syncRecords(harness.ctx, { model: 'res.partner', settleMs: 60_000 })).toMatchObject({ taken: 0, left: 1 });
    expect(await pendingCount(harness)).toBe(1);
  });

  it('a POST to the receiver reaches the table through a running worker, with no scheduled run', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 9 } });
    const { sim, db } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');
    const runs = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.run`);
    const receiver = await startWebhookReceiver({ port: 0, host: '127.0.0.1', token: TOKEN, settleMs: 200, pool: db.pool, logger: silentLogger });
    const worker = await startWorker({ connectionString: db.url, context: harness.ctx, concurrency: 2, pollIntervalMs: 100 });
    try {
      const partner = sim.records('res.partner').find((p) => p.customer_rank)!;
      sim.write('res.partner', [partner.id], { name: 'Pushed By Odoo' });
      const res = await fetch(`http://127.0.0.1:${receiver.port}/webhook/${TOKEN}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ _model: 'res.partner', _id: partner.id, _action: 'Send Webhook Notification(#3)' }),
      });
      expect(res.status).toBe(202);
      const deadline = Date.now() + 20_000;
      let name: string | null = null;
      while (Date.now() < deadline) {
        name = await db.pool.oneFirst(sql.type(z.object({ name: z.string().nullable() }))`select name from dim_customers where odoo_id = ${partner.id}`);
        if (name === 'Pushed By Odoo') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(name).toBe('Pushed By Odoo');
      // The second look (10 × the settle delay later) reads it again and clears it.
      while (Date.now() < deadline + 10_000 && (await pendingCount(harness)) > 0) await new Promise((resolve) => setTimeout(resolve, 100));
    } finally {
      await worker.stop();
      await receiver.close();
    }
    expect(await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.run`)).toBe(runs);
    expect(await pendingCount(harness)).toBe(0);
  });
});
