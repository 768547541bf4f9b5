// The simulator's webhooks: base.automation rules (trigger on create / on write) whose ir.actions.server of
// state 'webhook' POST `{"_action", "_id", "_model", …fields}` for every record a transaction creates or
// writes, with the timing Odoo really has. What Odoo does, from its sources:
//
// - One POST per record and action: IrActionsServer._run (odoo/addons/base/models/ir_actions.py) calls a
//   runner without `_multi` once per active_id, and BaseAutomation._process
//   (addons/base_automation/models/base_automation.py) runs each rule's actions with active_ids = the
//   created/written records (create() and write() are wrapped by the module's _register_hook; the rule
//   fires for on_create/on_create_or_write at create, on_write/on_create_or_write at write).
// - The payload (IrActionsServer._run_action_webhook): `_model`, `_id`, `_action` = "<action name>(#<id>)",
//   plus record.read(webhook_field_ids, load=None) (many2one as a bare id), serialized by json.dumps with
//   sort_keys=True, default=str; header Content-Type: application/json; requests.post(timeout=1);
//   ReadTimeout and RequestException are only logged ("send and forget"), never retried.
// - When: 17.0 and 18.0 post inline, inside the writing transaction, before it commits (a reader may see the
//   old state, and a rollback leaves a notification about a change that never happened). 19.0 moved the
//   post into cr.postcommit and logs "cancelled due to a rollback" instead (odoo/odoo PR #216018, "send
//   webhook calls after cursor commit", labelled 19.0). `timing` picks either on any version.
// - 16.0 has no webhook action at all (see automation-models.ts). No official version refuses private or
//   loopback URLs in _run_action_webhook (17.0–19.0); only neutralized databases replace webhook_url.
import http from 'node:http';
import https from 'node:https';
import type { Db, ModelTable, Rec } from './store.ts';
import { PyFloat, type WireValue } from './xmlrpc-codec.ts';

export interface WebhookOptions {
  /** Fraction of POSTs silently never sent (a lost notification). */
  lossProbability?: number;
  /** Fraction of POSTs sent twice. */
  duplicateProbability?: number;
  /** Milliseconds a transaction's writes stay invisible after its POSTs (the rest of a long transaction). */
  commitDelayMs?: number;
  /** 'version' (default): 17/18 post before the commit, 19 after it; or force one. */
  timing?: 'version' | 'beforeCommit' | 'afterCommit';
  /** Odoo's requests timeout (1 s). */
  timeoutMs?: number;
  /** Seed of the loss/duplicate draws (deterministic per simulator). */
  seed?: number;
}

export type DeliveryOutcome = 'delivered' | 'http-error' | 'failed' | 'timeout' | 'lost' | 'cancelled';

export interface Delivery {
  model: string;
  id: number;
  action: string;
  url: string;
  outcome: DeliveryOutcome;
  status?: number;
  /** The second copy of a duplicated POST. */
  duplicate?: boolean;
  /** Wall-clock ms when the POST was sent (or dropped). */
  at: number;
}

interface Notification {
  url: string;
  body: string;
  model: string;
  id: number;
  action: string;
}

const MAX_LOG = 100_000;

export class SimWebhooks {
  private opts: Required<WebhookOptions>;
  private readonly pending = new Set<Promise<void>>();
  private readonly log: Delivery[] = [];
  private rng: number;

  constructor(
    private readonly db: Db,
    options: WebhookOptions = {},
  ) {
    this.opts = { lossProbability: 0, duplicateProbability: 0, commitDelayMs: 0, timing: 'version', timeoutMs: 1000, seed: 1, ...options };
    this.rng = (this.opts.seed * 0x9e3779b1) | 1;
  }

  setOptions(options: WebhookOptions): WebhookOptions {
    this.opts = { ...this.opts, ...options };
    if (options.seed !== undefined) this.rng = (options.seed * 0x9e3779b1) | 1;
    return { ...this.opts };
  }

  /** Every POST sent, dropped or cancelled so far (the last 100k), oldest first. */
  deliveries(): Delivery[] {
    return [...this.log];
  }

  /** Resolves when every transaction begun so far has posted and committed (or rolled back). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  /**
   * Runs one transaction that creates or writes `staged()` records (their values as the transaction sees them)
   * and makes them visible with `apply` at its commit. Without a matching rule it commits at once; with
   * one, the POSTs go out before or after the commit as the version does, and a rollback never applies.
   */
  transaction(model: string, event: 'create' | 'write', staged: () => Rec[], apply: () => void, rollback = false): void {
    const notes = this.notifications(model, event, staged);
    if (notes.length === 0) {
      if (!rollback) apply();
      return;
    }
    const afterCommit = this.opts.timing === 'afterCommit' || (this.opts.timing === 'version' && this.db.version === '19.0');
    const run = async (): Promise<void> => {
      if (!afterCommit) for (const n of notes) await this.post(n);
      if (this.opts.commitDelayMs > 0) await new Promise((r) => setTimeout(r, this.opts.commitDelayMs));
      if (rollback) {
        if (afterCommit) for (const n of notes) this.record(n, 'cancelled');
        return;
      }
      apply();
      if (afterCommit) for (const n of notes) await this.post(n);
    };
    const p = run().finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** The active rules of a model for an event, each with its webhook actions in Odoo's order. */
  private notifications(model: string, event: 'create' | 'write', staged: () => Rec[]): Notification[] {
    const rules = this.db.table('base.automation');
    const actions = this.db.table('ir.actions.server');
    if (!rules || !actions || rules.records.size === 0 || this.db.version === '16.0') return [];
    const triggers = event === 'create' ? ['on_create', 'on_create_or_write'] : ['on_write', 'on_create_or_write'];
    const byOrder = (a: Rec, b: Rec): number => ((a.sequence as number) ?? 0) - ((b.sequence as number) ?? 0) || a.id - b.id;
    const out: Notification[] = [];
    const t = this.db.table(model)!;
    let recs: Rec[] | undefined;
    for (const rule of [...rules.records.values()].sort((a, b) => a.id - b.id)) {
      if (rule.active === false || rule.model_name !== model || !triggers.includes(rule.trigger as string)) continue;
      const own = [...actions.records.values()].filter((a) => a.base_automation_id === rule.id && a.state === 'webhook').sort(byOrder);
      for (const action of own) {
        const url = typeof action.webhook_url === 'string' ? action.webhook_url : '';
        if (!url) continue; // Odoo raises a UserError here, failing the write; a rule without URL is a setup error
        const name = `${String(action.name)}(#${action.id})`;
        for (const rec of (recs ??= staged())) out.push({ url, model, id: rec.id, action: name, body: pyJsonDumps(this.payload(t, rec, model, name, action.webhook_field_ids)) });
      }
    }
    return out;
  }

  private payload(t: ModelTable, rec: Rec, model: string, action: string, fieldIds: unknown): Record<string, unknown> {
    const vals: Record<string, unknown> = { _model: model, _id: rec.id, _action: action };
    // The simulator serves no ir.model.fields: webhook_field_ids holds field names there (a test-side shortcut).
    const names = Array.isArray(fieldIds) ? fieldIds.filter((x): x is string => typeof x === 'string' && !!t.fields[x]) : [];
    for (const f of names) {
      const v: WireValue = this.db.readValue(t, rec, f);
      vals[f] = t.fields[f]!.type === 'many2one' && Array.isArray(v) ? v[0] : v; // load=None: a bare id
    }
    if (names.length > 0) vals.id = rec.id;
    return vals;
  }

  private draw(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.rng = x;
    return (x >>> 0) / 4294967296;
  }

  private async post(n: Notification): Promise<void> {
    if (this.opts.lossProbability > 0 && this.draw() < this.opts.lossProbability) return this.record(n, 'lost');
    const copies = this.opts.duplicateProbability > 0 && this.draw() < this.opts.duplicateProbability ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      try {
        const status = await postOnce(n.url, n.body, this.opts.timeoutMs);
        this.record(n, status >= 200 && status < 300 ? 'delivered' : 'http-error', status, i > 0);
      } catch (e) {
        // Odoo logs "Webhook call timed out after 1s" / "Webhook call failed" and carries on.
        this.record(n, (e as Error).name === 'TimeoutError' ? 'timeout' : 'failed', undefined, i > 0);
      }
    }
  }

  private record(n: Notification, outcome: DeliveryOutcome, status?: number, duplicate = false): void {
    if (this.log.length >= MAX_LOG) this.log.shift();
    this.log.push({ model: n.model, id: n.id, action: n.action, url: n.url, outcome, ...(status !== undefined ? { status } : {}), ...(duplicate ? { duplicate } : {}), at: Date.now() });
  }
}

/** Python's json.dumps(sort_keys=True, default=str): ", " and ": " separators, ASCII only, floats as floats. */
export function pyJsonDumps(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (v === true) return 'true';
  if (v === false) return 'false';
  if (v instanceof PyFloat) return Number.isInteger(v.value) ? `${v.value}.0` : String(v.value);
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return `[${v.map(pyJsonDumps).join(', ')}]`;
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return `{${Object.keys(o).sort().map((k) => `${pyJsonDumps(k)}: ${pyJsonDumps(o[k])}`).join(', ')}}`;
  }
  return pyJsonDumps(String(v));
}

// Kept-alive connections, at most 64 at once per receiver: a burst of transactions queues for a socket
// instead of opening thousands. (requests opens a connection per POST; the receiver sees the same POSTs.)
const AGENTS = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }) };

/**
 * One POST; resolves with the HTTP status. Like requests' timeout=1 (connect, then read), the clock starts
 * when the request has its socket, not while it waits for one in the simulator's own pool.
 */
function postOnce(url: string, body: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const agent = u.protocol === 'https:' ? AGENTS['https:'] : AGENTS['http:'];
    const request = u.protocol === 'https:' ? https.request : http.request;
    const req = request(u, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), 'User-Agent': 'python-requests/2.31.0', Accept: '*/*' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    let timer: NodeJS.Timeout | undefined;
    req.on('socket', () => {
      timer = setTimeout(() => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
    });
    req.on('close', () => clearTimeout(timer));
    req.on('error', reject);
    req.end(body);
  });
}
