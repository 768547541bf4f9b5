// `odoo-etl webhooks install|status|uninstall` as a process against the simulator over real HTTP: the
// rules it creates are idempotent, make the simulator POST, are listed with the token masked and removed;
// Odoo 16, a missing base_automation, a restricted user and a bad URL each end with their exit code.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { webhookModels } from '../../src/webhooks/odoo-rules.ts';
import { xmlrpcCall } from '../sim/helpers.ts';
import { odooEnv, runCli } from './cli.ts';

const TOKEN = 'tok3n-0f-the-receiver-which-must-never-be-printed';

function json<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

/** What 17.0/18.0 store as the name of any webhook action, 19.0 the name given (recorded: automation-probe.json). */
const ACTION_NAME = { '17.0': () => 'Send Webhook Notification', '18.0': () => 'Send Webhook Notification', '19.0': (m: string) => `odoo-etl: ${m}` };

interface Status {
  rules: { model: string; active: boolean; url: string; actionIds: number[] }[];
  missingModels: string[];
  notInOdoo: string[];
}

for (const version of ['17.0', '18.0', '19.0'] as const) {
  describe(`webhooks commands on ${version}`, () => {
    let sim: Simulator;
    let receiver: http.Server;
    const posted: string[] = [];
    let url = '';
    let env: Record<string, string>;
    beforeAll(async () => {
      sim = await startSimulator({ version, scale: 0.05 });
      env = odooEnv(sim, 'admin', 'admin');
      receiver = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          posted.push(body);
          res.end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhook/${TOKEN}`;
    });
    afterAll(async () => {
      await sim.close();
      await new Promise((r) => receiver.close(() => r(null)));
    });

    const served = (): string[] => webhookModels().filter((m) => sim.models().includes(m));
    const absent = (): string[] => webhookModels().filter((m) => !sim.models().includes(m));
    const rules = (): { name: unknown; model_name: unknown; trigger: unknown }[] => sim.records('base.automation').map((r) => ({ name: r.name, model_name: r.model_name, trigger: r.trigger }));
    /** Per rule (by model): its actions as stored, [name, state, url]. */
    const actionsByRule = (): Record<string, unknown[][]> => {
      const out: Record<string, unknown[][]> = {};
      for (const rule of sim.records('base.automation')) {
        out[rule.model_name as string] = sim.records('ir.actions.server').filter((a) => a.base_automation_id === rule.id).map((a) => [a.name, a.state, a.webhook_url]);
      }
      return out;
    };
    const oneActionPerRule = (to: string): Record<string, unknown[][]> => Object.fromEntries(served().map((m) => [m, [[ACTION_NAME[version](m), 'webhook', to]]]));
    const status = async (): Promise<Status> => {
      const out = await runCli(['webhooks', 'status', '--json'], env);
      expect(out.code, out.stderr).toBe(0);
      expect(out.stdout).not.toContain(TOKEN);
      return json<Status>(out.stdout);
    };

    it('install creates one rule with one webhook action per synced model this Odoo has; a second run creates nothing', async () => {
      const first = await runCli(['webhooks', 'install', '--url', url, '--json'], env);
      expect(first.code, first.stderr).toBe(0);
      const report = json<{ created: string[]; unchanged: string[]; notInOdoo: string[]; url: string }>(first.stdout);
      expect(report.created).toEqual(served());
      expect(report.notInOdoo).toEqual(absent());
      expect(rules()).toEqual(served().map((m) => ({ name: `odoo-etl: ${m}`, model_name: m, trigger: 'on_create_or_write' })));
      expect(actionsByRule()).toEqual(oneActionPerRule(url));
      expect(sim.records('ir.actions.server').every((a) => Array.isArray(a.webhook_field_ids) && a.webhook_field_ids.length === 0)).toBe(true);

      const second = await runCli(['webhooks', 'install', '--url', url], env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain(`unchanged ${served().join(', ')}`);
      expect(actionsByRule()).toEqual(oneActionPerRule(url));
      for (const out of [first.stdout, first.stderr, second.stdout, second.stderr]) expect(out).not.toContain(TOKEN);
    });

    it('the installed rules make Odoo POST a change of a synced model to the URL, once', async () => {
      const partner = sim.records('res.partner')[0]!.id;
      posted.length = 0;
      sim.write('res.partner', [partner], { name: 'Changed' });
      await sim.settled();
      const action = ACTION_NAME[version]('res.partner').replace(/[.()]/g, '\\$&');
      expect(posted.map((b) => JSON.parse(b) as Record<string, unknown>)).toEqual([{ _action: expect.stringMatching(new RegExp(`^${action}\\(#\\d+\\)$`)), _id: partner, _model: 'res.partner' }]);
    });

    it('status shows each rule with its one action and masked URL; install → status → install with another URL → status → uninstall keeps one action per rule', async () => {
      const masked = (u: string) => u.replace(/\/webhook\/.*/, '/webhook/********');
      const before = await status();
      expect(before.rules.map((r) => [r.model, r.active, r.url, r.actionIds.length])).toEqual(served().map((m) => [m, true, masked(url), 1]));
      expect(before.missingModels).toEqual([]);
      expect(before.notInOdoo).toEqual(absent());

      const rotated = url.replace(TOKEN, `${TOKEN}-rotated`);
      const again = await runCli(['webhooks', 'install', '--url', rotated, '--json'], env);
      expect(again.code, again.stderr).toBe(0);
      expect(json<{ updated: string[]; created: string[]; removedActions: number }>(again.stdout)).toMatchObject({ updated: served(), created: [], removedActions: 0 });
      expect(actionsByRule()).toEqual(oneActionPerRule(rotated));
      expect(again.stdout).not.toContain(TOKEN);

      const after = await status();
      expect(after.rules.map((r) => [r.model, r.active, r.url, r.actionIds.length])).toEqual(served().map((m) => [m, true, masked(rotated), 1]));
      expect(after.missingModels).toEqual([]);
      posted.length = 0;
      sim.write('res.partner', [sim.records('res.partner')[1]!.id], { name: 'Once' });
      await sim.settled();
      expect(posted).toHaveLength(1);
      const text = await runCli(['webhooks', 'status'], env);
      expect(text.stdout).toContain('res.partner');
      expect(text.stdout).toContain('/webhook/********');
      expect(text.stdout).not.toContain('without a rule');
      expect(text.stdout).not.toContain(TOKEN);
    });

    it('a rule with a second webhook action (what an older install left on 17/18): status says so, install removes it', async () => {
      const partnerRule = sim.records('base.automation').find((r) => r.model_name === 'res.partner')!;
      const [irModel] = sim.records('ir.model').filter((m) => m.model === 'res.partner');
      await runRpc(sim, 'base.automation', 'write', [[partnerRule.id], { action_server_ids: [[0, 0, { name: 'odoo-etl: res.partner', state: 'webhook', webhook_url: url, model_id: irModel!.id }]] }]);
      const doubled = await status();
      expect(doubled.rules.find((r) => r.model === 'res.partner')!.actionIds).toHaveLength(2);
      const text = await runCli(['webhooks', 'status'], env);
      expect(text.stdout).toContain('+1 more webhook action(s)');

      const rotated = url.replace(TOKEN, `${TOKEN}-rotated`);
      const fixed = await runCli(['webhooks', 'install', '--url', rotated, '--json'], env);
      expect(fixed.code, fixed.stderr).toBe(0);
      expect(json<{ updated: string[]; unchanged: string[]; removedActions: number }>(fixed.stdout)).toMatchObject({ updated: ['res.partner'], removedActions: 1 });
      expect(actionsByRule()).toEqual(oneActionPerRule(rotated));
    });

    it('uninstall removes every rule and action; status then lists the models this Odoo has as without a rule', async () => {
      const out = await runCli(['webhooks', 'uninstall', '--json'], env);
      expect(out.code, out.stderr).toBe(0);
      expect(json<{ removed: string[] }>(out.stdout).removed).toEqual(served());
      expect(sim.records('base.automation')).toEqual([]);
      expect(sim.records('ir.actions.server')).toEqual([]);
      expect(await status()).toMatchObject({ rules: [], missingModels: served(), notInOdoo: absent() });
    });
  });
}

async function runRpc(sim: Simulator, model: string, method: string, args: unknown[]): Promise<unknown> {
  return xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [sim.db, sim.admin.uid, sim.admin.password, model, method, args, {}]);
}

describe('webhooks install refuses what cannot work', () => {
  const url = `https://etl.example.com/webhook/${TOKEN}`;

  it('on Odoo 16: unavailable, exit 3, nothing created', async () => {
    const sim = await startSimulator({ version: '16.0', scale: 0.05 });
    try {
      const out = await runCli(['webhooks', 'install', '--url', url], odooEnv(sim, 'admin', 'admin'));
      expect(out.code).toBe(3);
      expect(out.stderr).toContain('unavailable on Odoo 16.0: no webhook action');
      expect(sim.records('base.automation')).toEqual([]);
      const json16 = await runCli(['webhooks', 'status', '--json'], odooEnv(sim, 'admin', 'admin'));
      expect(json16.code).toBe(3);
      expect(json<{ ok: boolean; reason: string }>(json16.stdout)).toMatchObject({ ok: false, reason: 'odoo-version' });
    } finally {
      await sim.close();
    }
  });

  it('without base_automation: says to install it, exit 3; a restricted user: the missing right, exit 4', async () => {
    const sim = await startSimulator({ version: '17.0', scale: 0.05, baseAutomation: false });
    const withModule = await startSimulator({ version: '18.0', scale: 0.05 });
    try {
      const out = await runCli(['webhooks', 'install', '--url', url], odooEnv(sim, 'admin', 'admin'));
      expect(out.code).toBe(3);
      expect(out.stderr).toContain('base_automation (Automation Rules) is not installed');
      const demo = await runCli(['webhooks', 'install', '--url', url, '--json'], odooEnv(withModule, 'demo', 'demo'));
      expect(demo.code).toBe(4);
      const report = json<{ reason: string; message: string }>(demo.stdout);
      expect(report.reason).toBe('rights');
      expect(report.message).toContain('needs Settings / Administration');
      expect(withModule.records('base.automation')).toEqual([]);
    } finally {
      await sim.close();
      await withModule.close();
    }
  });

  it('a URL whose token is not WEBHOOK_TOKEN (when set) is a usage error (exit 2), before any Odoo call, showing neither token', async () => {
    const other = 'another-token-of-the-receiver-0123456789';
    const out = await runCli(['webhooks', 'install', '--url', url], { ODOO_URL: 'http://127.0.0.1:9', ODOO_DB: 'x', ODOO_USERNAME: 'x', ODOO_PASSWORD: 'x', WEBHOOK_TOKEN: other });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('the token after /webhook/ in --url is not WEBHOOK_TOKEN');
    expect(out.stderr).not.toContain(TOKEN);
    expect(out.stderr).not.toContain(other);
  });

  it('a URL that is not http(s)://…/webhook/<token ≥ 32 chars> is a usage error (exit 2), before any Odoo call', async () => {
    for (const bad of ['ftp://etl.example.com/webhook/' + TOKEN, 'https://etl.example.com/hook/' + TOKEN, 'https://etl.example.com/webhook/short']) {
      const out = await runCli(['webhooks', 'install', '--url', bad], { ODOO_URL: 'http://127.0.0.1:9', ODOO_DB: 'x', ODOO_USERNAME: 'x', ODOO_PASSWORD: 'x' });
      expect(out.code, bad).toBe(2);
      expect(out.stderr).toMatch(/webhook URL|token after \/webhook\//);
    }
  });
});
