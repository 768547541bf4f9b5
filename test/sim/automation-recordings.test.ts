// The simulator's automation rules against real Odoo: the probe recorded on 17.0, 18.0 and 19.0
// (test/fixtures/odoo/<v>/webhooks/automation-probe.json: create a rule with a webhook action, rename
// the rule, write the action's URL, add a second action, unlink the rule) replayed step by step over
// XML-RPC; after each step the rule and its actions read back as the real server stored them (ids aside).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { expectFault, xmlrpcCall } from './helpers.ts';

type Row = Record<string, unknown>;
interface Snapshot {
  rule: Row;
  actions: Row[];
}
interface Probe {
  summary: Record<'create' | 'after_rule_rename' | 'after_action_url_write' | 'after_second_action', Snapshot>;
  refused: { what: string; faultString_last_line: string }[];
  cleanup: { actions_left_after_rule_unlink: unknown[] };
}

const RULE_FIELDS = ['name', 'trigger', 'model_id', 'action_server_ids', 'active'];
const ACTION_FIELDS = ['name', 'state', 'usage', 'base_automation_id', 'model_id', 'webhook_url', 'webhook_field_ids'];

/** Ids replaced by their role, so the simulator's ids and the real server's compare. */
function normalize(s: Snapshot): Snapshot {
  const actionRole = new Map(s.actions.map((a, i) => [a.id as number, `action ${i + 1}`]));
  // The model by role only: the simulator's ir.model names are technical names ('res.partner', not 'Contact').
  const model = (v: unknown) => (Array.isArray(v) ? 'res.partner' : v);
  const rule: Row = { id: 'rule' };
  for (const f of RULE_FIELDS) rule[f] = s.rule[f];
  rule.model_id = model(rule.model_id);
  rule.action_server_ids = (rule.action_server_ids as number[]).map((id) => actionRole.get(id) ?? id);
  const actions = s.actions.map((a) => {
    const out: Row = { id: actionRole.get(a.id as number) };
    for (const f of ACTION_FIELDS) out[f] = a[f];
    out.model_id = model(out.model_id);
    out.base_automation_id = Array.isArray(a.base_automation_id) ? ['rule', a.base_automation_id[1]] : a.base_automation_id;
    return out;
  });
  return { rule, actions };
}

for (const version of ['17.0', '18.0', '19.0'] as const) {
  describe(`automation rules on ${version} as the real server stores them`, () => {
    const probe = JSON.parse(fs.readFileSync(path.resolve(import.meta.dirname, `../fixtures/odoo/${version}/webhooks/automation-probe.json`), 'utf8')) as Probe;
    let sim: Simulator;
    const call = (model: string, method: string, args: unknown[], kwargs: Row = {}) =>
      xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [sim.db, sim.admin.uid, sim.admin.password, model, method, args, kwargs]);
    beforeAll(async () => {
      sim = await startSimulator({ version, scale: 0.05 });
    });
    afterAll(async () => {
      await sim?.close();
    });

    async function snapshot(ruleId: number): Promise<Snapshot> {
      const [rule] = (await call('base.automation', 'read', [[ruleId], RULE_FIELDS])) as Row[];
      const ids = (await call('ir.actions.server', 'search', [[['base_automation_id', '=', ruleId]]], { order: 'id asc' })) as number[];
      const actions = (await call('ir.actions.server', 'read', [ids, ACTION_FIELDS])) as Row[];
      return { rule: rule!, actions };
    }

    it('create, rename, URL write, second action and unlink leave what the recording shows', async () => {
      const [model] = (await call('ir.model', 'search_read', [[['model', '=', 'res.partner']]], { fields: ['id'] })) as { id: number }[];
      const action = (url: string) => ({ name: 'probe: res.partner', state: 'webhook', webhook_url: url, model_id: model!.id, usage: 'base_automation' });
      const refused = await expectFault(call('base.automation', 'create', [{ name: 'probe: res.partner', model_id: model!.id, trigger: 'on_create_and_edit', action_server_ids: [[0, 0, action('http://127.0.0.1:9/webhook/x')]] }]));
      expect(refused.faultString).toContain(probe.refused[0]!.faultString_last_line);

      const rule = (await call('base.automation', 'create', [{ name: 'probe: res.partner', model_id: model!.id, trigger: 'on_create_or_write', action_server_ids: [[0, 0, action('http://127.0.0.1:9/webhook/x')]] }])) as number;
      expect(normalize(await snapshot(rule))).toEqual(normalize(probe.summary.create));

      await call('base.automation', 'write', [[rule], { name: 'probe: res.partner (renamed)' }]);
      expect(normalize(await snapshot(rule))).toEqual(normalize(probe.summary.after_rule_rename));

      const [first] = (await snapshot(rule)).actions;
      await call('ir.actions.server', 'write', [[first!.id], { webhook_url: 'http://127.0.0.1:9/webhook/x2' }]);
      expect(normalize(await snapshot(rule))).toEqual(normalize(probe.summary.after_action_url_write));

      await call('base.automation', 'write', [[rule], { action_server_ids: [[0, 0, action('http://127.0.0.1:9/webhook/y')]] }]);
      const two = await snapshot(rule);
      expect(normalize(two)).toEqual(normalize(probe.summary.after_second_action));

      await call('base.automation', 'unlink', [[rule]]);
      const left = await call('ir.actions.server', 'search', [[['id', 'in', two.actions.map((a) => a.id)]]], { context: { active_test: false } });
      expect(left).toEqual(probe.cleanup.actions_left_after_rule_unlink);
    });
  });
}
