// `odoo-etl webhooks install` covers the finance models (issue 22): on an Odoo with the account module, one
// rule for each model a finance table reads (listed here by hand), and posting an invoice makes Odoo POST the
// move and its journal items. Without the module, the account models are reported as not in this Odoo.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postInvoice } from '../../src/sim/finance-actions.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { odooEnv, runCli } from './cli.ts';

const TOKEN = 'finance-webhook-token-never-printed';
const FINANCE_MODELS = ['account.account', 'account.journal', 'account.move', 'account.move.line', 'account.tax', 'res.currency', 'res.currency.rate'];
const ACCOUNT_MODELS = FINANCE_MODELS.filter((m) => m.startsWith('account.'));

interface InstallReport {
  created: string[];
  unchanged: string[];
  notInOdoo: string[];
}

describe.each([true, false])('webhooks install on Odoo 18.0, account module installed: %s', (withAccount) => {
  let sim: Simulator;
  let receiver: http.Server;
  const posted: Array<Record<string, unknown>> = [];
  let url = '';
  beforeAll(async () => {
    sim = await startSimulator({ version: '18.0', scale: 1, seed: 1, withAccount });
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posted.push(JSON.parse(body) as Record<string, unknown>);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/${TOKEN}`;
  });
  afterAll(async () => {
    await sim?.close();
    await new Promise((r) => receiver.close(() => r(null)));
  });

  it(withAccount ? 'creates a rule for every finance model and the posted invoice is notified' : 'reports the account models as not in this Odoo, and covers the currencies', async () => {
    const result = await runCli(['webhooks', 'install', '--url', url, '--json'], odooEnv(sim, 'admin', 'admin'));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(TOKEN);
    const report = JSON.parse(result.stdout) as InstallReport;
    const covered = withAccount ? FINANCE_MODELS : ['res.currency', 'res.currency.rate'];
    for (const model of covered) expect(report.created, model).toContain(model);
    if (!withAccount) for (const model of ACCOUNT_MODELS) expect(report.notInOdoo, model).toContain(model);
    const rules = sim.records('base.automation').map((r) => r.model_name);
    for (const model of covered) expect(rules, model).toContain(model);
    if (!withAccount) return;

    const draft = sim.records('account.move').find((m) => m.move_type === 'out_invoice' && m.state === 'draft' && m.currency_id === 1)!;
    expect(draft).toBeDefined();
    const lines = sim.records('account.move.line').filter((l) => l.move_id === draft.id).map((l) => l.id);
    posted.length = 0;
    postInvoice(sim, draft.id);
    await sim.settled();
    const notified = (model: string) => posted.filter((p) => p._model === model).map((p) => p._id);
    expect(notified('account.move')).toEqual([draft.id]);
    expect([...notified('account.move.line')].sort((a, b) => Number(a) - Number(b))).toEqual(lines);
  });
});
