// `odoo-etl webhooks install|status|uninstall` as a process against the simulator over real HTTP: the
// rules it creates are idempotent, make the simulator POST, are listed with the token masked and removed;
// Odoo 16, a missing base_automation, a restricted user and a bad URL each end with their exit code.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { webhookModels } from '../../src/webhooks/odoo-rules.ts';
import { odooEnv, runCli } from './cli.ts';

const TOKEN = 'tok3n-0f-the-receiver-which-must-never-be-printed';

function json<T>(stdout: string): T {
  return JSON.parse(stdout) as T;
}

for (const version of ['17.0', '19.0'] as const) {
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
    const rules = (): { name: unknown; model_name: unknown; trigger: unknown }[] => sim.records('base.automation').map((r) => ({ name: r.name, model_name: r.model_name, trigger: r.trigger }));

    it('install creates one rule and one webhook action per synced model; a second run creates nothing', async () => {
      const first = await runCli(['webhooks', 'install', '--url', url, '--json'], env);
      expect(first.code, first.stderr).toBe(0);
      const report = json<{ created: string[]; unchanged: string[]; notInOdoo: string[]; url: string }>(first.stdout);
      expect(report.created).toEqual(served());
      expect(report.notInOdoo).toEqual(webhookModels().filter((m) => !sim.models().includes(m)));
      expect(rules()).toEqual(served().map((m) => ({ name: `odoo-etl: ${m}`, model_name: m, trigger: 'on_create_or_write' })));
      const actions = sim.records('ir.actions.server');
      expect(actions).toHaveLength(served().length);
      expect(actions.every((a) => a.state === 'webhook' && a.webhook_url === url && Array.isArray(a.webhook_field_ids) && a.webhook_field_ids.length === 0)).toBe(true);

      const second = await runCli(['webhooks', 'install', '--url', url], env);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toContain(`unchanged ${served().join(', ')}`);
      expect(sim.records('base.automation')).toHaveLength(served().length);
      expect(sim.records('ir.actions.server')).toHaveLength(served().length);
      for (const out of [first.stdout, first.stderr, second.stdout, second.stderr]) expect(out).not.toContain(TOKEN);
    });

    it('the installed rules make Odoo POST a change of a synced model to the URL', async () => {
      const partner = sim.records('res.partner')[0]!.id;
      posted.length = 0;
      sim.write('res.partner', [partner], { name: 'Changed' });
      await sim.settled();
      expect(posted.map((b) => JSON.parse(b) as Record<string, unknown>)).toEqual([{ _action: expect.stringMatching(/^odoo-etl: res\.partner\(#\d+\)$/), _id: partner, _model: 'res.partner' }]);
    });

    it('status lists the rules with the token masked; a new URL updates the actions in place', async () => {
      const status = await runCli(['webhooks', 'status', '--json'], env);
      expect(status.code, status.stderr).toBe(0);
      const s = json<{ rules: { model: string; active: boolean; url: string }[]; missingModels: string[] }>(status.stdout);
      expect(s.rules.map((r) => r.model)).toEqual(served());
      expect(s.rules.every((r) => r.active && r.url === url.replace(TOKEN, '********'))).toBe(true);
      expect(s.missingModels).toEqual(webhookModels().filter((m) => !sim.models().includes(m)));
      expect(status.stdout).not.toContain(TOKEN);

      const newUrl = url.replace(TOKEN, `${TOKEN}-rotated`);
      const again = await runCli(['webhooks', 'install', '--url', newUrl, '--json'], env);
      expect(again.code, again.stderr).toBe(0);
      expect(json<{ updated: string[]; created: string[] }>(again.stdout)).toMatchObject({ updated: served(), created: [] });
      expect(sim.records('ir.actions.server').map((a) => a.webhook_url)).toEqual(served().map(() => newUrl));
      expect(again.stdout).not.toContain(TOKEN);
      const text = await runCli(['webhooks', 'status'], env);
      expect(text.stdout).toContain('res.partner');
      expect(text.stdout).toContain('/webhook/********');
      expect(text.stdout).not.toContain(TOKEN);
    });

    it('uninstall removes every rule and action', async () => {
      const out = await runCli(['webhooks', 'uninstall', '--json'], env);
      expect(out.code, out.stderr).toBe(0);
      expect(json<{ removed: string[] }>(out.stdout).removed).toEqual(served());
      expect(sim.records('base.automation')).toEqual([]);
      expect(sim.records('ir.actions.server')).toEqual([]);
      const status = json<{ rules: unknown[]; missingModels: string[] }>((await runCli(['webhooks', 'status', '--json'], env)).stdout);
      expect(status).toMatchObject({ rules: [], missingModels: webhookModels() });
    });
  });
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

  it('a URL that is not http(s)://…/webhook/<token ≥ 32 chars> is a usage error (exit 2), before any Odoo call', async () => {
    for (const bad of ['ftp://etl.example.com/webhook/' + TOKEN, 'https://etl.example.com/hook/' + TOKEN, 'https://etl.example.com/webhook/short']) {
      const out = await runCli(['webhooks', 'install', '--url', bad], { ODOO_URL: 'http://127.0.0.1:9', ODOO_DB: 'x', ODOO_USERNAME: 'x', ODOO_PASSWORD: 'x' });
      expect(out.code, bad).toBe(2);
      expect(out.stderr).toMatch(/webhook URL|token after \/webhook\//);
    }
  });
});
