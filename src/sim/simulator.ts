// The simulator: an HTTP server answering like Odoo's external API (XML-RPC common/object/db, JSON-2 on 19,
// src/sim/server/*), over an in-memory dataset (src/sim/dataset/*), plus the control methods tests use to
// change data, time, the server's behaviour and failures.
import crypto from 'node:crypto';
import { installAutomationModels } from './automation-models.ts';
import { installCustomModels } from './custom-models.ts';
import { installModelFields, reflectFields } from './model-fields.ts';
import { CallCounter } from './call-counter.ts';
import { ADMIN_UID, demoUid, dt, generateDataset } from './dataset/index.ts';
import { FaultInjector, type FaultSpec } from './fault-injector.ts';
import type { SimUser } from './orm.ts';
import { OrmWrites } from './orm-writes.ts';
import { loadRecordedRecords, type RecordedRecords } from './recorded-records.ts';
import { emptyDb } from './served-models.ts';
import { handleControl } from './server/control.ts';
import { SimHttpServer } from './server/http.ts';
import type { PoolLoad } from './server/worker-pool.ts';
import { checkSettings, defaultSettings, type SimSettings } from './settings.ts';
import { SimDatabase } from './sim-database.ts';
import type { Rec } from './store.ts';
import type { FieldMeta, OdooVersion } from './versions.ts';
import { SimWebhooks, type Delivery, type WebhookOptions } from './webhooks.ts';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  version?: OdooVersion;
  scale?: number;
  seed?: number;
  /** Added delay per call (setting `latencyMs`, default 0). */
  latencyMs?: number;
  /** Calls served at once, the rest queued in arrival order, as Odoo's `--workers` (setting `workers`; default 0 = no limit). */
  workers?: number;
  withBrand?: boolean;
  /** Is the module `account` installed (default true)? Without it no account.* model is served. */
  withAccount?: boolean;
  db?: string;
  /** More users beside admin and demo; not admin = restricted like demo. Companies default to the head office. */
  users?: { login: string; password: string; apiKey?: string; admin?: boolean; companyIds?: number[] }[];
  /** false: answers carry no `Date` header, as behind a proxy that strips it (default true, as Odoo). */
  dateHeader?: boolean;
  /** Is the module base_automation installed (default true)? Webhook delivery options (see webhooks.ts). */
  baseAutomation?: boolean;
  webhooks?: WebhookOptions;
  /** Serve these records (as a real Odoo's search_read returned them) instead of generating the dataset (recorded-records.ts). */
  recordedRecords?: RecordedRecords;
  /** Also serve stock.picking and a Studio model, x_delivery_slot, both empty (custom-models.ts). */
  customModels?: boolean;
}

export interface Credentials {
  uid: number;
  login: string;
  password: string;
  apiKey: string;
}

function apiKeyFor(seed: number, login: string): string {
  return crypto.createHash('sha1').update(`odoo-sim:${seed}:${login}`).digest('hex');
}

export class Simulator extends SimDatabase {
  readonly db: string;
  readonly version: OdooVersion;
  readonly admin: Credentials;
  readonly demo: Credentials;
  private readonly users: SimUser[];
  private readonly injector = new FaultInjector();
  private readonly counter = new CallCounter();
  private readonly current: SimSettings;
  private readonly server: SimHttpServer;
  /** base.automation webhook rules: delivery options, the log of POSTs, settled(). */
  readonly webhooks: SimWebhooks;

  constructor(private readonly opts: SimulatorOptions = {}) {
    const version = opts.version ?? '17.0';
    const seed = opts.seed ?? 1;
    const data = emptyDb(version, seed, !!opts.withBrand, opts.withAccount !== false);
    if (opts.recordedRecords) loadRecordedRecords(data, opts.recordedRecords);
    else generateDataset(data, { seed, scale: opts.scale ?? 1, withBrand: !!opts.withBrand, demoUid: demoUid(version) });
    if (opts.customModels) installCustomModels(data, version);
    super(data);
    this.version = version;
    this.db = opts.db ?? 'odoo';
    this.current = { ...defaultSettings(), ...checkSettings({ latencyMs: opts.latencyMs, workers: opts.workers }) };
    // Served beside the dataset (and left out of its digests): the automation models, their rules' webhooks,
    // and create/write/unlink over the API, which go through this class's create/write so they fire the rules.
    installAutomationModels(this.data, opts.baseAutomation !== false, dt(this.now().getTime()));
    installModelFields(this.data);
    this.webhooks = new SimWebhooks(this.data, opts.webhooks);
    this.orm.writes = new OrmWrites(this.data, { create: (m, v) => this.create(m, v), write: (m, ids, v) => this.write(m, ids, v), unlink: (m, ids) => this.unlink(m, ids) });
    const companies = [...this.data.table('res.company')!.records.keys()];
    this.admin = { uid: ADMIN_UID, login: 'admin', password: 'admin', apiKey: apiKeyFor(seed, 'admin') };
    this.demo = { uid: demoUid(version), login: 'demo', password: 'demo', apiKey: apiKeyFor(seed, 'demo') };
    this.users = [
      { ...this.admin, admin: true, companyId: 1, companyIds: companies },
      { ...this.demo, admin: false, companyId: 1, companyIds: [1] },
    ];
    for (const extra of opts.users ?? []) {
      const companyIds = extra.companyIds ?? [1];
      const uid = this.create('res.users', { login: extra.login, name: extra.login, company_id: companyIds[0], company_ids: companyIds, share: false });
      this.users.push({ uid, login: extra.login, password: extra.password, apiKey: extra.apiKey ?? apiKeyFor(seed, extra.login), admin: !!extra.admin, companyId: companyIds[0]!, companyIds });
    }
    this.server = new SimHttpServer(
      {
        version: this.version,
        db: this.db,
        data: this.data,
        orm: this.orm,
        users: this.users,
        injector: this.injector,
        counter: this.counter,
        settings: this.current,
        dateHeader: opts.dateHeader !== false,
        now: () => this.now(),
      },
      (action, body, res) => handleControl(this, action, body, res),
    );
  }

  get url(): string {
    return this.server.url;
  }

  // ---- lifecycle --------------------------------------------------------------------------------------

  async listen(): Promise<void> {
    await this.server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1');
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  // ---- the server's behaviour (src/sim/settings.ts) -----------------------------------------------------

  /** The current settings (a copy). */
  settings(): SimSettings {
    return { ...this.current };
  }
  /** Changes some settings (checked against the table: unknown names and bad values throw); returns them all. */
  configure(patch: Partial<SimSettings>): SimSettings {
    Object.assign(this.current, checkSettings(patch));
    if (patch.workers !== undefined) this.server.workersChanged();
    return this.settings();
  }
  setLatency(ms: number): void {
    this.configure({ latencyMs: ms });
  }
  setWorkers(n: number): void {
    this.configure({ workers: n });
  }
  /** Calls being served and waiting for a worker now. */
  load(): PoolLoad & { workers: number } {
    return { workers: this.current.workers, ...this.server.load() };
  }

  // ---- webhooks (src/sim/webhooks.ts) ------------------------------------------------------------------

  /** A create/write's commit goes through the webhook rules, which may post before or after it and delay it. */
  protected override transaction(model: string, event: 'create' | 'write', staged: () => Rec[], commit: () => void, rollback = false): void {
    this.webhooks.transaction(model, event, staged, commit, rollback);
  }
  /** Webhook delivery options (loss, duplicates, commit delay, timing); the POSTs so far; all transactions done. */
  setWebhookOptions(options: WebhookOptions): WebhookOptions {
    return this.webhooks.setOptions(options);
  }
  webhookDeliveries(): Delivery[] {
    return this.webhooks.deliveries();
  }
  settled(): Promise<void> {
    return this.webhooks.settled();
  }

  // ---- schema ---------------------------------------------------------------------------------------------

  /**
   * What a module upgrade does to one field: `meta` replaces its definition (another type, say), null removes
   * it. fields_get answers the new definition from the next call, and ir.model.fields is reflected again
   * (raw SQL in Odoo: write_date untouched, src/sim/model-fields.ts). Stored values stay as they were.
   */
  alterField(model: string, field: string, meta: FieldMeta | null): void {
    const t = this.tableOrThrow(model);
    if (meta === null) delete t.fields[field];
    else t.fields[field] = { ...meta };
    t.version++;
    reflectFields(this.data);
  }

  // ---- failures, counters, users --------------------------------------------------------------------------

  injectFault(spec: FaultSpec): number {
    return this.injector.add(spec);
  }
  clearFaults(id?: number): void {
    this.injector.clear(id);
  }
  callCounts(): Record<string, number> {
    return this.counter.snapshot();
  }
  resetCounts(): void {
    this.counter.reset();
  }

  /** Sets a user's main company (res.users.company_id, Odoo's env.company without a context); it must be one of the user's companies. */
  setUserCompany(login: string, company: number): void {
    const user = this.users.find((u) => u.login === login);
    if (!user) throw new Error(`no user ${login}`);
    if (!user.companyIds.includes(company)) throw new Error(`company ${company} is not one of ${login}'s companies`);
    user.companyId = company;
    const rec = this.tableOrThrow('res.users').records.get(user.uid);
    if (rec) rec.company_id = company;
  }

  info(): { url: string; db: string; version: OdooVersion; admin: Credentials; demo: Credentials } {
    return { url: this.url, db: this.db, version: this.version, admin: this.admin, demo: this.demo };
  }
}
