/**
 * The webhook receiver over real HTTP on a real migrated database: every rejection answers its status and
 * enqueues nothing; valid notifications coalesce into one pending row per record and one job per model.
 */
import { sql } from 'slonik';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { silentLogger } from '../../src/log.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../../src/webhooks/receiver.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

const TOKEN = 'a'.repeat(20) + 'b'.repeat(20);
const SETTLE_MS = 1500;

describe('webhook receiver', () => {
  let db: TestDatabase;
  let receiver: WebhookReceiver;
  let base: string;
  beforeAll(async () => {
    db = await freshDatabase();
    receiver = await startWebhookReceiver({ port: 0, host: '127.0.0.1', token: TOKEN, settleMs: SETTLE_MS, pool: db.pool, logger: silentLogger, bodyLimit: 1024 });
    base = `http://127.0.0.1:${receiver.port}`;
  });
  afterAll(async () => {
    await receiver?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.pool.query(sql.unsafe`delete from graphile_worker._private_jobs`);
    await db.pool.query(sql.unsafe`delete from etl.webhook_pending`);
    await db.pool.query(sql.unsafe`delete from etl.webhook_freshness`);
  });

  const post = (body: string, path = `/webhook/${TOKEN}`, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
    fetch(`${base}${path}`, { method: 'POST', body, headers });
  const notification = (model: string, id: number) => JSON.stringify({ _model: model, _id: id, _action: 'Send Webhook Notification(#12)' });

  async function queued() {
    const jobs = await db.pool.any(sql.type(z.object({ key: z.string().nullable(), payload: z.unknown(), queue_name: z.string().nullable(), delay_ms: z.number() }))`
      select j.key, j.payload, q.queue_name, extract(epoch from j.run_at - j.created_at)::float8 * 1000 as delay_ms
        from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
        left join graphile_worker._private_job_queues q on q.id = j.job_queue_id
       where t.identifier = 'sync_records' order by j.key`);
    const pending = await db.pool.any(sql.type(z.object({ model: z.string(), odoo_id: z.number(), notifications: z.number() }))`
      select model, odoo_id, notifications from etl.webhook_pending order by model, odoo_id`);
    return { jobs, pending };
  }

  it('answers 404 to a wrong token or path, and enqueues nothing', async () => {
    for (const path of [`/webhook/${TOKEN.slice(1)}`, `/webhook/${TOKEN}x`, '/webhook/', `/hook/${TOKEN}`, '/', `/webhook/${TOKEN}/more`]) {
      const res = await post(notification('res.partner', 1), path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain(TOKEN);
    }
    expect(await queued()).toEqual({ jobs: [], pending: [] });
  });

  it('answers 413 over the body limit, 400 to malformed JSON or a body that is no notification, 422 to a model no rule covers', async () => {
    const big = JSON.stringify({ _model: 'res.partner', _id: 1, padding: 'x'.repeat(2000) });
    expect((await post(big)).status).toBe(413);
    // Without a Content-Length (chunked): the limit is counted as the body arrives.
    const chunked = new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode(big)); c.close(); } });
    const res = await fetch(`${base}/webhook/${TOKEN}`, { method: 'POST', body: chunked, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    for (const body of ['{"_model": "res.partner", "_id": 1', 'not json', '']) expect((await post(body)).status, body).toBe(400);
    for (const body of ['[]', '{"_model": "res.partner"}', '{"_model": "res.partner", "_id": "1"}', '{"_model": "Res Partner", "_id": 1}', '{"_model": "res.partner", "_id": -3}']) {
      expect((await post(body)).status, body).toBe(400);
    }
    const unknown = await post(notification('helpdesk.ticket', 7));
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toEqual({ error: 'no odoo-etl webhook rule covers model helpdesk.ticket' });
    expect((await fetch(`${base}/webhook/${TOKEN}`)).status).toBe(405);
    expect(await queued()).toEqual({ jobs: [], pending: [] });
  });

  it('answers 429 over the rate and enqueues only what the bucket let through', async () => {
    const limited = await startWebhookReceiver({
      port: 0, host: '127.0.0.1', token: TOKEN, settleMs: SETTLE_MS, pool: db.pool, logger: silentLogger, rate: { perSecond: 0.001, burst: 3 },
    });
    try {
      const statuses: number[] = [];
      for (let id = 1; id <= 6; id++) {
        statuses.push((await fetch(`http://127.0.0.1:${limited.port}/webhook/${TOKEN}`, { method: 'POST', body: notification('res.partner', id) })).status);
      }
      expect(statuses).toEqual([202, 202, 202, 429, 429, 429]);
    } finally {
      await limited.close();
    }
    const { jobs, pending } = await queued();
    expect(pending.map((p) => p.odoo_id)).toEqual([1, 2, 3]);
    expect(jobs).toHaveLength(1);
  });

  it('coalesces valid notifications: one pending row per record, one job per model, run a settle delay after the first', async () => {
    const sent = [
      ['res.partner', 5], ['res.partner', 3], ['res.partner', 5], ['product.template', 9], ['res.partner', 5], ['product.template', 9], ['res.partner', 4],
    ] as const;
    const answers = await Promise.all(sent.map(([model, id]) => post(notification(model, id))));
    expect(answers.map((a) => a.status)).toEqual(sent.map(() => 202));
    expect(await answers[0]!.json()).toEqual({ queued: { model: 'res.partner', id: 5 } });

    const { jobs, pending } = await queued();
    expect(pending).toEqual([
      { model: 'product.template', odoo_id: 9, notifications: 2 },
      { model: 'res.partner', odoo_id: 3, notifications: 1 },
      { model: 'res.partner', odoo_id: 4, notifications: 1 },
      { model: 'res.partner', odoo_id: 5, notifications: 3 },
    ]);
    expect(jobs.map((j) => ({ key: j.key, payload: j.payload, queue: j.queue_name }))).toEqual([
      { key: 'webhook:product.template', payload: { model: 'product.template', settleMs: SETTLE_MS }, queue: 'webhook:product.template' },
      { key: 'webhook:res.partner', payload: { model: 'res.partner', settleMs: SETTLE_MS }, queue: 'webhook:res.partner' },
    ]);
    // preserve_run_at: later notifications join the waiting job without pushing it back.
    for (const job of jobs) expect(job.delay_ms).toBeLessThanOrEqual(SETTLE_MS + 5);
    const health = (await (await fetch(`${base}/healthz`)).json()) as { accepted: number };
    expect(health.accepted).toBeGreaterThanOrEqual(sent.length);
  });
});
