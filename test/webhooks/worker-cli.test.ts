/**
 * `odoo-etl worker --webhook-port` as a user runs it (a child process): its configuration errors name the
 * variable, it starts the receiver, a POST reaches the warehouse, and the token never appears in its output.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'slonik';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cliEnv, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const bin = path.resolve(import.meta.dirname, '../../bin/odoo-etl.js');
const TOKEN = 'Zq3'.repeat(12);

/** The port the worker says it receives webhooks on (its JSON log line), and everything it wrote so far. */
function webhookPort(child: ChildProcess, output: { text: string }): Promise<number> {
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      output.text += chunk.toString('utf8');
      for (const line of output.text.split('\n')) {
        const port = /"port":(\d+)/.exec(line)?.[1];
        if (port && line.includes('/webhook/')) resolve(Number(port));
      }
    });
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before receiving webhooks:\n${output.text}`)));
  });
}

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

  it('receives a notification and loads the record, never printing the token', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 4 } });
    const { sim, db } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');
    const env = cliEnv(harness, { LOG_LEVEL: 'debug', WEBHOOK_TOKEN: TOKEN, WEBHOOK_SETTLE: '100ms' });
    worker = spawn(process.execPath, [bin, 'worker', '--no-schedule', '--webhook-port', '0'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    const output = { text: '' };
    const port = await webhookPort(worker, output);

    const partner = sim.records('res.partner').find((p) => p.customer_rank)!;
    sim.write('res.partner', [partner.id], { name: 'Via The Worker' });
    const post = (token: string) =>
      fetch(`http://127.0.0.1:${port}/webhook/${token}`, { method: 'POST', body: JSON.stringify({ _model: 'res.partner', _id: partner.id }) });
    expect((await post('wrong'.repeat(8))).status).toBe(404);
    expect((await post(TOKEN)).status).toBe(202);
    const deadline = Date.now() + 30_000;
    let name: string | null = null;
    while (Date.now() < deadline && name !== 'Via The Worker') {
      name = await db.pool.oneFirst(sql.type(z.object({ name: z.string().nullable() }))`select name from dim_customers where odoo_id = ${partner.id}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(name).toBe('Via The Worker');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(output.text).toContain('webhook: res.partner: 1 of 1 notified records applied');
    expect(output.text).not.toContain(TOKEN);
  });
});
