/**
 * `odoo-etl worker --webhook-port` as a user runs it (a child process): its configuration errors name the
 * variable, it starts the receiver, a POST reaches the warehouse, and the token never appears in its output.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'slonik';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parsePrometheusText, sampleOf } from '../support/prometheus.ts';
import { cliEnv, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');
const TOKEN = 'Zq3'.repeat(12);

/** Collects the worker's stderr (its JSON log lines) as it comes. */
function collect(child: ChildProcess): { text: string; lines: () => Record<string, unknown>[] } {
  const output = {
    text: '',
    lines: () => output.text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>),
  };
  child.stderr!.on('data', (chunk: Buffer) => (output.text += chunk.toString('utf8')));
  return output;
}

/** The first log line `match` accepts, waiting for it up to a deadline (or failing when the worker exits). */
async function logLine(child: ChildProcess, output: ReturnType<typeof collect>, match: (line: Record<string, unknown>) => boolean, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = output.lines().find(match);
    if (line) return line;
    if (child.exitCode !== null) throw new Error(`worker exited (${child.exitCode}):\n${output.text}`);
    if (Date.now() > deadline) throw new Error(`no such log line within ${timeoutMs} ms:\n${output.text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const message = (text: string) => (line: Record<string, unknown>) => typeof line.msg === 'string' && line.msg.includes(text);

describe('odoo-etl worker --webhook-port', () => {
  let harness: SyncHarness | undefined;
  let worker: ChildProcess | undefined;
  afterEach(async () => {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((resolve) => worker!.once('exit', resolve));
      worker.kill('SIGKILL');
      await exited;
    }
    worker = undefined;
    await harness?.close();
    harness = undefined;
  });

  it('refuses to start without a WEBHOOK_TOKEN, or with a short one, naming the variable and not echoing the token', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 2 } });
    const missing = spawnSync(process.execPath, [bin, 'worker', '--webhook-port', '0'], { env: cliEnv(harness), encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('WEBHOOK_TOKEN is required with WEBHOOK_PORT');
    const short = spawnSync(process.execPath, [bin, 'worker'], { env: cliEnv(harness, { WEBHOOK_PORT: '0', WEBHOOK_TOKEN: 'short-secret-1' }), encoding: 'utf8' });
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('WEBHOOK_TOKEN must be at least 32 characters');
    expect(short.stderr).not.toContain('short-secret-1');
  });

  it('receives a notification on WEBHOOK_HOST and loads the record, counts it on the metrics port at METRICS_HOST, never printing the token', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 4 } });
    const { sim, db } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');
    const env = cliEnv(harness, { LOG_LEVEL: 'debug', WEBHOOK_TOKEN: TOKEN, WEBHOOK_SETTLE: '100ms', WEBHOOK_HOST: '127.0.0.1', METRICS_HOST: '127.0.0.1' });
    worker = spawn(process.execPath, [bin, 'worker', '--no-schedule', '--webhook-port', '0', '--metrics-port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const output = collect(worker);
    const webhooks = await logLine(worker, output, message('/webhook/<WEBHOOK_TOKEN>'));
    const metrics = await logLine(worker, output, message('/metrics'));
    // Bound where asked, not on every interface.
    expect([webhooks.address, metrics.address]).toEqual(['127.0.0.1', '127.0.0.1']);
    expect(webhooks.msg).toBe(`webhooks on http://127.0.0.1:${webhooks.port}/webhook/<WEBHOOK_TOKEN> (also /healthz)`);

    const partner = sim.records('res.partner').find((p) => p.customer_rank)!;
    sim.write('res.partner', [partner.id], { name: 'Via The Worker' });
    const post = (token: string) =>
      fetch(`http://127.0.0.1:${webhooks.port as number}/webhook/${token}`, { method: 'POST', body: JSON.stringify({ _model: 'res.partner', _id: partner.id }) });
    expect((await post('wrong'.repeat(8))).status).toBe(404);
    expect((await post(TOKEN)).status).toBe(202);
    // The job's summary line comes once the record is in the warehouse.
    await logLine(worker, output, message('webhook: res.partner: 1 of 1 notified records applied'));
    expect(await db.pool.oneFirst(sql.type(z.object({ name: z.string().nullable() }))`select name from dim_customers where odoo_id = ${partner.id}`)).toBe('Via The Worker');

    const samples = parsePrometheusText(await (await fetch(`http://127.0.0.1:${metrics.port as number}/metrics`)).text());
    expect(sampleOf(samples, 'odoo_etl_webhook_notifications_accepted_total', { model: 'res.partner' })).toBe(1);
    expect(sampleOf(samples, 'odoo_etl_webhook_notifications_rejected_total', { reason: 'not-found' })).toBe(1);
    expect(output.text).not.toContain(TOKEN);
  });
});
