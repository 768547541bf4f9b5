// The simulator's webhooks end to end over real HTTP: rules created through the external API (XML-RPC)
// make the simulator POST Odoo's payload to a local receiver, before the commit on 17/18, after it on 19;
// loss, duplicates, commit delay and rollback behave; 16 has no webhook action.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { expectFault, xmlrpcCall } from './helpers.ts';

interface Received {
  body: string;
  contentType: string | undefined;
  /** The record's name as the simulator showed it while the POST was being answered. */
  nameSeen: unknown;
}

/** A receiver that notes each POST and what the simulator showed of the record at that moment. */
async function startReceiver(peek: (json: { _model: string; _id: number }) => unknown): Promise<{ url: string; got: Received[]; close: () => Promise<void> }> {
  const got: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      got.push({ body, contentType: req.headers['content-type'], nameSeen: peek(JSON.parse(body) as { _model: string; _id: number }) });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}/webhook/${'t'.repeat(40)}`, got, close: () => new Promise((r) => server.close(() => r())) };
}

async function execute(sim: Simulator, user: { uid: number; password: string }, model: string, method: string, args: unknown[], kwargs: Record<string, unknown> = {}): Promise<unknown> {
  return xmlrpcCall(sim.url, '/xmlrpc/2/object', 'execute_kw', [sim.db, user.uid, user.password, model, method, args, kwargs]);
}

/** Creates `odoo-etl: <model>` (rule + webhook action) through the API, as `webhooks install` does. */
async function createRule(sim: Simulator, model: string, url: string): Promise<{ rule: number; action: number }> {
  const [irModel] = (await execute(sim, sim.admin, 'ir.model', 'search_read', [[['model', '=', model]]], { fields: ['id'] })) as { id: number }[];
  const rule = (await execute(sim, sim.admin, 'base.automation', 'create', [{ name: `odoo-etl: ${model}`, model_id: irModel!.id, trigger: 'on_create_or_write' }])) as number;
  const action = (await execute(sim, sim.admin, 'ir.actions.server', 'create', [
    { name: `odoo-etl: ${model}`, model_id: irModel!.id, state: 'webhook', webhook_url: url, webhook_field_ids: [[6, 0, []]], base_automation_id: rule, usage: 'base_automation' },
  ])) as number;
  return { rule, action };
}

/** Waits for `done()` to hold, polling, up to a generous deadline. */
async function until(done: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const partnerName = (sim: Simulator, id: number): unknown => sim.records('res.partner').find((r) => r.id === id)?.name;

for (const version of ['17.0', '18.0'] as const) {
  describe(`webhooks on ${version}: POST before the commit`, () => {
    let sim: Simulator;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let action: number;
    beforeAll(async () => {
      sim = await startSimulator({ version, scale: 0.05 });
      receiver = await startReceiver((j) => partnerName(sim, j._id) ?? null);
      ({ action } = await createRule(sim, 'res.partner', receiver.url));
    });
    afterAll(async () => {
      await sim.close();
      await receiver.close();
    });
    afterEach(async () => {
      await sim.settled();
      sim.setWebhookOptions({ lossProbability: 0, duplicateProbability: 0, commitDelayMs: 0 });
      receiver.got.length = 0;
    });

    it('a write POSTs {_action, _id, _model} as JSON, once per record, while the old values are still visible', async () => {
      const ids = sim.records('res.partner').slice(0, 2).map((r) => r.id);
      const before = ids.map((id) => partnerName(sim, id));
      sim.write('res.partner', ids, { name: 'Renamed' });
      await sim.settled();
      // 17.0/18.0 name every webhook action "Send Webhook Notification" (recorded: automation-probe.json).
      expect(receiver.got.map((g) => g.body)).toEqual(ids.map((id) => `{"_action": "Send Webhook Notification(#${action})", "_id": ${id}, "_model": "res.partner"}`));
      expect(receiver.got.every((g) => g.contentType === 'application/json')).toBe(true);
      expect(receiver.got.map((g) => g.nameSeen)).toEqual(before);
      expect(ids.map((id) => partnerName(sim, id))).toEqual(['Renamed', 'Renamed']);
    });

    it('a create POSTs the new id before the record exists for readers', async () => {
      const id = sim.create('res.partner', { name: 'Brand new' });
      expect(partnerName(sim, id)).toBeUndefined();
      await sim.settled();
      expect(receiver.got).toHaveLength(1);
      expect(JSON.parse(receiver.got[0]!.body)).toEqual({ _action: `Send Webhook Notification(#${action})`, _id: id, _model: 'res.partner' });
      expect(receiver.got[0]!.nameSeen).toBeNull();
      expect(partnerName(sim, id)).toBe('Brand new');
    });

    it('a write through the external API fires the rule too', async () => {
      const id = sim.records('res.partner')[3]!.id;
      await execute(sim, sim.admin, 'res.partner', 'write', [[id], { name: 'Via RPC' }]);
      await sim.settled();
      expect(receiver.got.map((g) => JSON.parse(g.body)._id)).toEqual([id]);
      expect(partnerName(sim, id)).toBe('Via RPC');
    });

    it('a rolled-back write sends its POST and never changes the record', async () => {
      const id = sim.records('res.partner')[4]!.id;
      const name = partnerName(sim, id);
      sim.write('res.partner', [id], { name: 'Never committed' }, { rollback: true });
      await sim.settled();
      expect(receiver.got.map((g) => JSON.parse(g.body)._id)).toEqual([id]);
      expect(partnerName(sim, id)).toBe(name);
    });

    it('the commit delay keeps the write invisible after its POST', async () => {
      // Long enough that the check below runs well inside it however loaded the machine is.
      sim.setWebhookOptions({ commitDelayMs: 2000 });
      const id = sim.records('res.partner')[5]!.id;
      sim.write('res.partner', [id], { name: 'Late commit' });
      await until(() => receiver.got.length > 0);
      expect(partnerName(sim, id)).not.toBe('Late commit');
      await sim.settled();
      expect(partnerName(sim, id)).toBe('Late commit');
    });

    it('loss drops POSTs and duplication sends them twice; the writes commit either way', async () => {
      const ids = sim.records('res.partner').slice(0, 3).map((r) => r.id);
      sim.setWebhookOptions({ lossProbability: 1 });
      sim.write('res.partner', ids, { name: 'Lost' });
      await sim.settled();
      expect(receiver.got).toHaveLength(0);
      expect(ids.map((id) => partnerName(sim, id))).toEqual(['Lost', 'Lost', 'Lost']);
      expect(sim.webhookDeliveries().slice(-3).map((d) => d.outcome)).toEqual(['lost', 'lost', 'lost']);
      sim.setWebhookOptions({ lossProbability: 0, duplicateProbability: 1 });
      sim.write('res.partner', ids, { name: 'Twice' });
      await sim.settled();
      expect(receiver.got.map((g) => JSON.parse(g.body)._id)).toEqual([ids[0], ids[0], ids[1], ids[1], ids[2], ids[2]]);
    });

    it('a receiver that does not answer within 1 s is given up, the write commits', async () => {
      const silent = http.createServer(() => undefined);
      await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/webhook/x`;
      await execute(sim, sim.admin, 'ir.actions.server', 'write', [[action], { webhook_url: url }]);
      const id = sim.records('res.partner')[6]!.id;
      sim.write('res.partner', [id], { name: 'Slow receiver' });
      // The receiver never answers: settled() resolves only because the POST was given up.
      await sim.settled();
      expect(sim.webhookDeliveries().at(-1)!.outcome).toBe('timeout');
      expect(partnerName(sim, id)).toBe('Slow receiver');
      await execute(sim, sim.admin, 'ir.actions.server', 'write', [[action], { webhook_url: receiver.url }]);
      silent.closeAllConnections();
      await new Promise((r) => silent.close(() => r(null)));
    });

    it('an inactive rule and other models send nothing', async () => {
      const [rule] = (await execute(sim, sim.admin, 'base.automation', 'search', [[['name', '=', 'odoo-etl: res.partner']]])) as number[];
      await execute(sim, sim.admin, 'base.automation', 'write', [[rule], { active: false }]);
      sim.write('res.partner', [sim.records('res.partner')[0]!.id], { name: 'Quiet' });
      sim.write('product.category', [sim.records('product.category')[0]!.id], { name: 'Quiet' });
      await sim.settled();
      expect(receiver.got).toHaveLength(0);
      await execute(sim, sim.admin, 'base.automation', 'write', [[rule], { active: true }]);
    });
  });
}

describe('webhooks on 19.0: POST after the commit', () => {
  let sim: Simulator;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => {
    sim = await startSimulator({ version: '19.0', scale: 0.05 });
    receiver = await startReceiver((j) => partnerName(sim, j._id) ?? null);
    await createRule(sim, 'res.partner', receiver.url);
  });
  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  it('the POST comes once the write is visible; a rollback sends nothing', async () => {
    const id = sim.records('res.partner')[0]!.id;
    sim.write('res.partner', [id], { name: 'Committed first' });
    await sim.settled();
    expect(receiver.got.map((g) => g.nameSeen)).toEqual(['Committed first']);
    sim.write('res.partner', [id], { name: 'Rolled back' }, { rollback: true });
    await sim.settled();
    expect(receiver.got).toHaveLength(1);
    expect(sim.webhookDeliveries().at(-1)!.outcome).toBe('cancelled');
    expect(partnerName(sim, id)).toBe('Committed first');
  });

  it('timing can be forced to before the commit', async () => {
    sim.setWebhookOptions({ timing: 'beforeCommit' });
    const id = sim.records('res.partner')[1]!.id;
    const name = partnerName(sim, id);
    receiver.got.length = 0;
    sim.write('res.partner', [id], { name: 'Later' });
    await sim.settled();
    expect(receiver.got.map((g) => g.nameSeen)).toEqual([name]);
  });
});

describe('webhook rules over the API: refusals', () => {
  it('Odoo 16 has no webhook action: state webhook is a wrong selection value', async () => {
    const sim = await startSimulator({ version: '16.0', scale: 0.05 });
    try {
      const fault = await expectFault(execute(sim, sim.admin, 'ir.actions.server', 'create', [{ name: 'x', model_id: 1, state: 'webhook' }]));
      expect(fault.faultString).toContain("ValueError: Wrong value for ir.actions.server.state: 'webhook'");
      const noUrl = await expectFault(execute(sim, sim.admin, 'ir.actions.server', 'create', [{ name: 'x', model_id: 1, webhook_url: 'http://x' }]));
      expect(noUrl.faultString).toContain("Invalid field 'webhook_url' on model 'ir.actions.server'");
    } finally {
      await sim.close();
    }
  });

  it('the restricted user may not create rules; without base_automation there is no base.automation', async () => {
    const sim = await startSimulator({ version: '17.0', scale: 0.05, baseAutomation: false });
    try {
      const denied = await expectFault(execute(sim, sim.demo, 'ir.actions.server', 'create', [{ name: 'x', model_id: 1, state: 'webhook' }]));
      expect(denied.faultString).toContain("You are not allowed to create 'Server Action' (ir.actions.server) records.");
      const missing = await expectFault(execute(sim, sim.admin, 'base.automation', 'search', [[]]));
      expect(missing.faultString).toContain("Object base.automation doesn't exist");
      const modules = await execute(sim, sim.admin, 'ir.module.module', 'search_read', [[['name', '=', 'base_automation']]], { fields: ['state'] });
      expect(modules).toEqual([{ id: expect.any(Number), state: 'uninstalled' }]);
    } finally {
      await sim.close();
    }
  });
});
