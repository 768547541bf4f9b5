/**
 * Webhooks end to end: the simulator's base.automation rules POST to the receiver over real HTTP (before
 * the commit, as Odoo 17 does), a running worker applies them to a real database. A change arrives without
 * any scheduled run, also when its transaction commits after the first look; a lost notification waits for
 * the next scheduled run; a rolled-back transaction changes nothing.
 */
import { sql } from 'slonik';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/log.ts';
import { getStatus } from '../../src/ops/status.ts';
import { installWebhooks } from '../../src/webhooks/odoo-rules.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/webhooks/receiver.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { compareWithSimulator, startHarness, tableChecksums, type SyncHarness } from '../support/sync-harness.ts';

const TOKEN = 'e2e-webhook-token-'.padEnd(48, '7');
const SETTLE_MS = 300;
const TABLES = ['dim_customers', 'dim_products'];

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('webhooks end to end (simulator 17.0 → receiver → worker → warehouse)', () => {
  let harness: SyncHarness | undefined;
  let receiver: WebhookReceiver | undefined;
  let worker: WorkerHandle | undefined;
  afterEach(async () => {
    await worker?.stop();
    await receiver?.close();
    await harness?.close();
    harness = receiver = worker = undefined;
  });

  async function setUp(seed: number): Promise<SyncHarness> {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed } });
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');
    receiver = await startWebhookReceiver({ port: 0, host: '127.0.0.1', token: TOKEN, settleMs: SETTLE_MS, pool: harness.db.pool, logger: silentLogger });
    worker = await startWorker({ connectionString: harness.db.url, context: harness.ctx, concurrency: 2, pollIntervalMs: 100 });
    // What `webhooks install` does, through the Odoo API of the simulator.
    const installed = await installWebhooks(harness.odoo, `http://127.0.0.1:${receiver.port}/webhook/${TOKEN}`, ['res.partner', 'product.template']);
    expect(installed.created).toEqual(['res.partner', 'product.template']);
    return harness;
  }

  const runs = (h: SyncHarness) => h.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.run`);
  const pending = (h: SyncHarness) => h.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.webhook_pending`);
  const customerName = (h: SyncHarness, id: number) =>
    h.db.pool.maybeOneFirst(sql.type(z.object({ name: z.string().nullable() }))`select name from dim_customers where odoo_id = ${id}`);
  /** Every transaction posted and committed, and both looks of every notified record done. */
  const quiet = async (h: SyncHarness) => {
    await h.sim.settled();
    await until('the pending notifications to be applied', async () => ((await pending(h)) === 0 ? true : undefined));
  };

  it('brings creates and writes into the warehouse without any scheduled run, duplicates included, a late commit too', async () => {
    const h = await setUp(21);
    const before = await runs(h);
    h.sim.setWebhookOptions({ duplicateProbability: 0.5, commitDelayMs: 100 });
    const partners = h.sim.records('res.partner').filter((p) => p.customer_rank).slice(0, 3);
    h.sim.write('res.partner', partners.map((p) => p.id), { name: 'Pushed' });
    const created = h.sim.create('res.partner', { name: 'Created In Odoo', customer_rank: 1 });
    const template = h.sim.records('product.template')[0]!;
    h.sim.write('product.template', [template.id], { name: 'Pushed Product' });

    await until('the new customer', async () => ((await customerName(h, created)) === 'Created In Odoo' ? true : undefined));
    // A transaction still open at the first look (commit 1 s after its POST, the settle delay is 0.3 s):
    // the second look, 3 s after the notification, reads it committed.
    h.sim.setWebhookOptions({ duplicateProbability: 0, commitDelayMs: 1000 });
    h.sim.write('res.partner', [partners[0]!.id], { name: 'Committed Late' });
    await quiet(h);
    expect(await customerName(h, partners[0]!.id)).toBe('Committed Late');
    expect(await customerName(h, partners[1]!.id)).toBe('Pushed');
    expect(await h.db.pool.oneFirst(sql.type(z.object({ name: z.string().nullable() }))`select name from dim_products where odoo_id = ${template.id}`)).toBe('Pushed Product');
    expect(h.sim.webhookDeliveries().some((d) => d.duplicate)).toBe(true);
    expect(await compareWithSimulator(h, TABLES)).toEqual([]);
    expect(await runs(h)).toBe(before);
    // `status` shows the webhooks' freshness beside the schedule's, for the entities they reached.
    const status = await getStatus(h.db.pool, { settings: loadConfig({ env: {}, envFile: '/nonexistent/.env' }), database: 'test' });
    const customers = status.entities.find((e) => e.entity === 'dim_customers')!;
    expect(customers.webhook).toMatchObject({ pending: 0, lagSeconds: expect.any(Number) });
    expect(Date.parse(customers.webhook!.lastAppliedAt!)).toBeGreaterThanOrEqual(Date.parse(customers.webhook!.lastNotificationAt!) - 60_000);
    expect(status.entities.find((e) => e.entity === 'fact_sales_lines')!.webhook).toBeNull();
  });

  it('a lost notification is caught by the next scheduled run', async () => {
    const h = await setUp(22);
    h.sim.setWebhookOptions({ lossProbability: 1 });
    const partner = h.sim.records('res.partner').find((p) => p.customer_rank)!;
    const old = await customerName(h, partner.id);
    h.sim.write('res.partner', [partner.id], { name: 'Never Notified' });
    await quiet(h);
    // Dropped before sending: the receiver got nothing, so nothing can still be on its way.
    expect(h.sim.webhookDeliveries().map((d) => d.outcome)).toEqual(['lost']);
    expect(await (await fetch(`http://127.0.0.1:${receiver!.port}/healthz`)).json()).toMatchObject({ accepted: 0, rejected: 0 });
    expect(await customerName(h, partner.id)).toBe(old);

    expect((await h.sync()).run.status).toBe('succeeded');
    expect(await customerName(h, partner.id)).toBe('Never Notified');
    expect(await compareWithSimulator(h, TABLES)).toEqual([]);
  });

  it('a rolled-back transaction changes nothing, though its notifications arrived', async () => {
    const h = await setUp(23);
    const sums = await tableChecksums(h);
    const partner = h.sim.records('res.partner').find((p) => p.customer_rank)!;
    h.sim.write('res.partner', [partner.id], { name: 'Rolled Back' }, { rollback: true });
    const ghost = h.sim.create('res.partner', { name: 'Never Committed', customer_rank: 1 }, { rollback: true });
    await quiet(h);
    // The two POSTs go out concurrently: deliveries are recorded in the order they complete.
    const deliveries = h.sim.webhookDeliveries().map((d) => [d.id, d.outcome] as const).sort((a, b) => a[0] - b[0]);
    expect(deliveries).toEqual([[partner.id, 'delivered'], [ghost, 'delivered']].sort((a, b) => (a[0] as number) - (b[0] as number)));
    // Both looks were taken (the freshness counts the first), and nothing changed.
    const applied = await h.db.pool.oneFirst(sql.type(z.object({ applied: z.number() }))`select applied from etl.webhook_freshness where model = 'res.partner'`);
    expect(applied).toBe(2);
    expect(await tableChecksums(h)).toEqual(sums);
    expect(await customerName(h, ghost)).toBeNull();
  });
});
