/**
 * The worker's listeners against what an exposed port meets (issue 18 item 4): a flood of rejected POSTs
 * writes a few summary lines, not one per request; a sender that stalls its body is cut at the body
 * deadline; the request target `//` is a 404 on the receiver and on the metrics port (it was a 500, and an
 * uncaught exception on the metrics port); the receiver's counts and the waiting records reach Prometheus.
 */
import net from 'node:net';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { silentLogger } from '../../src/log.ts';
import { serveMetrics } from '../../src/metrics/index.ts';
import { registerWebhookMetrics } from '../../src/webhooks/metrics.ts';
import { DEFAULT_BODY_TIMEOUT_MS, startWebhookReceiver } from '../../src/webhooks/receiver.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { parsePrometheusText, sampleOf } from '../support/prometheus.ts';

const TOKEN = 'h'.repeat(24) + 'k'.repeat(24);

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      cb();
    },
  });
  return { lines, logger: pino({ level: 'info' }, stream) };
}

/** Sends raw bytes and resolves with everything answered once the server closes the connection (or rejects at the deadline). */
function rawExchange(port: number, bytes: string, deadlineMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = '';
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the connection was still open after ${deadlineMs} ms; answered so far: ${JSON.stringify(answer)}`));
    }, deadlineMs);
    socket.on('data', (d: Buffer) => (answer += d.toString('utf8')));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(answer);
    });
    socket.on('error', () => undefined);
  });
}

describe('webhook receiver under abuse', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await db.pool.query(sql.unsafe`delete from etl.webhook_pending`);
  });

  it('summarises rejections per reason: 300 wrong-token and 40 unknown-model POSTs write 4 lines', async () => {
    const { lines, logger } = capture();
    // A long interval: the summary comes from close(), not from a timer this test would wait for.
    const receiver = await startWebhookReceiver({ port: 0, host: '127.0.0.1', token: TOKEN, settleMs: 1000, pool: db.pool, logger, rejectionLogIntervalMs: 3_600_000 });
    const base = `http://127.0.0.1:${receiver.port}`;
    try {
      for (let i = 0; i < 300; i++) expect((await fetch(`${base}/webhook/${'w'.repeat(48)}`, { method: 'POST', body: '{}' })).status).toBe(404);
      for (let i = 0; i < 40; i++) {
        const res = await fetch(`${base}/webhook/${TOKEN}`, { method: 'POST', body: JSON.stringify({ _model: 'helpdesk.ticket', _id: i + 1 }) });
        expect(res.status).toBe(422);
      }
    } finally {
      await receiver.close();
    }
    const rejections = lines.filter((l) => l.component === 'webhooks');
    expect(rejections.map((l) => [l.reason, l.status, l.rejected ?? null])).toEqual([
      ['not-found', 404, null],
      ['unknown-model', 422, null],
      ['not-found', 404, 299],
      ['unknown-model', 422, 39],
    ]);
    expect(rejections[1]!.msg).toBe('webhook: 422 no odoo-etl webhook rule covers model helpdesk.ticket');
    expect(JSON.stringify(lines)).not.toContain(TOKEN);
  });

  it('cuts a sender that stalls its body at the body deadline (408, connection closed); the default deadline is 10 s', async () => {
    expect(DEFAULT_BODY_TIMEOUT_MS).toBe(10_000);
    const receiver = await startWebhookReceiver({ port: 0, host: '127.0.0.1', token: TOKEN, settleMs: 1000, pool: db.pool, logger: silentLogger, bodyTimeoutMs: 500 });
    try {
      // 100 bytes announced, 14 sent, then nothing. Before the fix Node held such a connection 60–90 s.
      const answer = await rawExchange(receiver.port, `POST /webhook/${TOKEN} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"_model": "re`, 8_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('request body not received within 0.5 s');
    } finally {
      await receiver.close();
    }
  });

  it('answers 404, not 500, to the request target //, on the receiver and on the metrics port', async () => {
    const receiver = await startWebhookReceiver({ port: 0, host: '127.0.0.1', token: TOKEN, settleMs: 1000, pool: db.pool, logger: silentLogger });
    const metrics = await serveMetrics({ port: 0, host: '127.0.0.1', registry: new Registry(), readiness: async () => ({ ready: true }) as never, logger: silentLogger });
    try {
      for (const target of ['//', `//webhook/${TOKEN}`, '//?x=1']) {
        const post = await rawExchange(receiver.port, `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`, 8_000);
        expect(post, target).toMatch(/^HTTP\/1\.1 404 /);
        const get = await rawExchange(metrics.port, `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, 8_000);
        expect(get, target).toMatch(/^HTTP\/1\.1 404 /);
      }
      // Both still serve afterwards (the metrics listener used to throw out of its request handler).
      expect((await fetch(`http://127.0.0.1:${metrics.port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${receiver.port}/healthz`)).status).toBe(200);
    } finally {
      await receiver.close();
      await metrics.close();
    }
  });

  it('counts accepted and rejected notifications and shows the waiting records on the metrics registry', async () => {
    const registry = new Registry();
    const observer = registerWebhookMetrics(registry, { pool: db.pool, logger: silentLogger });
    const receiver = await startWebhookReceiver({ port: 0, host: '127.0.0.1', token: TOKEN, settleMs: 60_000, pool: db.pool, logger: silentLogger, observer });
    const post = (token: string, body: unknown) => fetch(`http://127.0.0.1:${receiver.port}/webhook/${token}`, { method: 'POST', body: JSON.stringify(body) });
    try {
      expect((await post(TOKEN, { _model: 'res.partner', _id: 7 })).status).toBe(202);
      expect((await post(TOKEN, { _model: 'res.partner', _id: 8 })).status).toBe(202);
      expect((await post(TOKEN, { _model: 'res.partner', _id: 7 })).status).toBe(202);
      expect((await post(TOKEN, { _model: 'product.template', _id: 3 })).status).toBe(202);
      expect((await post('x'.repeat(40), { _model: 'res.partner', _id: 1 })).status).toBe(404);
      expect((await post(TOKEN, { _model: 'helpdesk.ticket', _id: 1 })).status).toBe(422);
      expect((await post(TOKEN, { _model: 'res.partner' })).status).toBe(400);
    } finally {
      await receiver.close();
    }
    // The oldest record has waited at least since before the first POST.
    await db.pool.query(sql.unsafe`update etl.webhook_pending set first_received_at = first_received_at - interval '90 seconds' where model = 'res.partner' and odoo_id = 7`);
    const samples = parsePrometheusText(await registry.metrics());
    expect(sampleOf(samples, 'odoo_etl_webhook_notifications_accepted_total', { model: 'res.partner' })).toBe(3);
    expect(sampleOf(samples, 'odoo_etl_webhook_notifications_accepted_total', { model: 'product.template' })).toBe(1);
    expect(sampleOf(samples, 'odoo_etl_webhook_notifications_accepted_total', { model: 'sale.order' })).toBe(0);
    expect(sampleOf(samples, 'odoo_etl_webhook_notifications_rejected_total', { reason: 'not-found' })).toBe(1);
    expect(sampleOf(samples, 'odoo_etl_webhook_notifications_rejected_total', { reason: 'unknown-model' })).toBe(1);
    expect(sampleOf(samples, 'odoo_etl_webhook_notifications_rejected_total', { reason: 'not-a-notification' })).toBe(1);
    expect(sampleOf(samples, 'odoo_etl_webhook_notifications_rejected_total', { reason: 'rate-limit' })).toBe(0);
    expect(sampleOf(samples, 'odoo_etl_webhook_records_waiting', { model: 'res.partner' })).toBe(2);
    expect(sampleOf(samples, 'odoo_etl_webhook_records_waiting', { model: 'product.template' })).toBe(1);
    expect(sampleOf(samples, 'odoo_etl_webhook_oldest_waiting_seconds', { model: 'res.partner' })).toBeGreaterThanOrEqual(90);
    expect(sampleOf(samples, 'odoo_etl_webhook_oldest_waiting_seconds', { model: 'product.template' })).toBeLessThan(90);
  });
});
