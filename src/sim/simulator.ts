// The simulator: an HTTP server answering like Odoo's external API (XML-RPC common/object/db, JSON-2 on 19),
// over an in-memory dataset, plus the control methods tests use to change data, time and failures.
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { CallCounter, FaultInjector, type FaultKind, type FaultSpec } from './control.ts';
import { ADMIN_UID, demoUid, dt, generateDataset } from './dataset.ts';
import { faults, OdooFault } from './faults.ts';
import { MODEL_METHODS, Orm, PUBLIC_METHODS, type SimUser } from './orm.ts';
import { Db, DEFAULT_COMPANY, ModelTable, PerCompany, type Rec } from './store.ts';
import { loadVersionFile, type ModelFields, type OdooVersion } from './versions.ts';
import { installAutomationModels } from './automation-models.ts';
import { OrmWrites } from './orm-writes.ts';
import { SimWebhooks, type WebhookOptions } from './webhooks.ts';
import { faultResponse, methodResponse, PyFloat, type EnvelopeStyle, parseMethodCall, pyJson, XmlRpcParseError, type WireValue } from './xmlrpc-codec.ts';

export interface SimulatorOptions {
  port?: number;
  host?: string;
  version?: OdooVersion;
  scale?: number;
  seed?: number;
  latencyMs?: number;
  withBrand?: boolean;
  db?: string;
  /** More users beside admin and demo; not admin = restricted like demo. Companies default to the head office. */
  users?: { login: string; password: string; apiKey?: string; admin?: boolean; companyIds?: number[] }[];
  /** false: answers carry no `Date` header, as behind a proxy that strips it (default true, as Odoo). */
  dateHeader?: boolean;
  /** Is the module base_automation installed (default true)? Webhook delivery options (see webhooks.ts). */
  baseAutomation?: boolean;
  webhooks?: WebhookOptions;
}

export interface Credentials {
  uid: number;
  login: string;
  password: string;
  apiKey: string;
}

const SERVER_HEADER = 'Werkzeug/2.2.2 Python/3.11.2';

const BRAND_FIELDS: ModelFields = {
  id: { type: 'integer', string: 'ID', store: true, readonly: true, required: false },
  name: { type: 'char', string: 'Brand Name', store: true, readonly: false, required: true },
  description: { type: 'text', string: 'Description', store: true, readonly: false, required: false },
  partner_id: { type: 'many2one', string: 'Partner', relation: 'res.partner', store: true, readonly: false, required: false },
  logo: { type: 'binary', string: 'Logo File', store: true, readonly: false, required: false },
  active: { type: 'boolean', string: 'Active', store: true, readonly: false, required: false },
  product_ids: { type: 'one2many', string: 'Brand Products', relation: 'product.template', store: true, readonly: false, required: false },
  products_count: { type: 'integer', string: 'Number of products', store: false, readonly: true, required: false },
  display_name: { type: 'char', string: 'Display Name', store: false, readonly: true, required: false },
  create_date: { type: 'datetime', string: 'Created on', store: true, readonly: true, required: false },
  create_uid: { type: 'many2one', string: 'Created by', relation: 'res.users', store: true, readonly: true, required: false },
  write_date: { type: 'datetime', string: 'Last Updated on', store: true, readonly: true, required: false },
  write_uid: { type: 'many2one', string: 'Last Updated by', relation: 'res.users', store: true, readonly: true, required: false },
};

const STAMP_FIELDS: ModelFields = {
  display_name: { type: 'char', string: 'Display Name', store: false, readonly: true, required: false },
  create_date: { type: 'datetime', string: 'Created on', store: true, readonly: true, required: false },
  create_uid: { type: 'many2one', string: 'Created by', relation: 'res.users', store: true, readonly: true, required: false },
  write_date: { type: 'datetime', string: 'Last Updated on', store: true, readonly: true, required: false },
  write_uid: { type: 'many2one', string: 'Last Updated by', relation: 'res.users', store: true, readonly: true, required: false },
};

/** ir.config_parameter is in every Odoo; it is only here so the restricted user can be refused it. */
const CONFIG_PARAMETER_FIELDS: ModelFields = {
  id: { type: 'integer', string: 'ID', store: true, readonly: true, required: false },
  key: { type: 'char', string: 'Key', store: true, readonly: false, required: true },
  value: { type: 'text', string: 'Value', store: true, readonly: false, required: true },
  ...STAMP_FIELDS,
};

const SHARED_BY_DEFAULT = new Set(['res.partner', 'product.template', 'product.product', 'loyalty.program', 'uom.uom', 'crm.team']);

function apiKeyFor(seed: number, login: string): string {
  return crypto.createHash('sha1').update(`odoo-sim:${seed}:${login}`).digest('hex');
}

function html(status: number, title: string, server = 'nginx'): string {
  return `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>${server}</center>\r\n</body>\r\n</html>\r\n`;
}
const WERKZEUG_500 =
  '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n' +
  '<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>\n';

interface Json2Recorded {
  status: number;
  reason: string;
  wwwAuthenticate?: string;
  body: { name: string; message: string; arguments: unknown[]; context: unknown; debug: string };
}

export class Simulator {
  readonly db: string;
  readonly version: OdooVersion;
  readonly admin: Credentials;
  readonly demo: Credentials;
  url = '';
  private readonly data: Db;
  private readonly orm: Orm;
  private readonly users: SimUser[];
  private readonly injector = new FaultInjector();
  private readonly counter = new CallCounter();
  private latency: number;
  private clockBase = Date.now();
  private realBase = Date.now();
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly json2Errors: Record<string, Json2Recorded>;
  /** base.automation webhook rules: delivery options, the log of POSTs, settled(). */
  readonly webhooks: SimWebhooks;

  constructor(private readonly opts: SimulatorOptions = {}) {
    this.version = opts.version ?? '17.0';
    this.db = opts.db ?? 'odoo';
    this.latency = opts.latencyMs ?? 0;
    const seed = opts.seed ?? 1;
    this.data = new Db(this.version, seed);
    const all = loadVersionFile<Record<string, ModelFields>>(this.version, 'fields.json');
    for (const [model, fields] of Object.entries(all)) {
      const f = { ...fields };
      if (opts.withBrand && model === 'product.template') {
        f.product_brand_id = { type: 'many2one', string: 'Brand', relation: 'product.brand', store: true, readonly: false, required: false, company_dependent: false };
      }
      this.data.tables.set(model, new ModelTable(model, f));
    }
    this.data.tables.set('ir.config_parameter', new ModelTable('ir.config_parameter', CONFIG_PARAMETER_FIELDS));
    if (opts.withBrand) this.data.tables.set('product.brand', new ModelTable('product.brand', BRAND_FIELDS));
    generateDataset(this.data, { seed, scale: opts.scale ?? 1, withBrand: !!opts.withBrand, demoUid: demoUid(this.version) });
    this.orm = new Orm(this.data);
    installAutomationModels(this.data, opts.baseAutomation !== false, dt(this.now().getTime()));
    this.webhooks = new SimWebhooks(this.data, opts.webhooks);
    this.orm.writes = new OrmWrites(this.data, { create: (m, v) => this.create(m, v), write: (m, ids, v) => this.write(m, ids, v), unlink: (m, ids) => this.unlink(m, ids) });
    const companies = [...this.data.table('res.company')!.records.keys()];
    this.admin = { uid: ADMIN_UID, login: 'admin', password: 'admin', apiKey: apiKeyFor(seed, 'admin') };
    this.demo = { uid: demoUid(this.version), login: 'demo', password: 'demo', apiKey: apiKeyFor(seed, 'demo') };
    this.users = [
      { ...this.admin, admin: true, companyId: 1, companyIds: companies },
      { ...this.demo, admin: false, companyId: 1, companyIds: [1] },
    ];
    for (const extra of opts.users ?? []) {
      const companyIds = extra.companyIds ?? [1];
      const uid = this.create('res.users', { login: extra.login, name: extra.login, company_id: companyIds[0], company_ids: companyIds, share: false });
      this.users.push({ uid, login: extra.login, password: extra.password, apiKey: extra.apiKey ?? apiKeyFor(seed, extra.login), admin: !!extra.admin, companyId: companyIds[0]!, companyIds });
    }
    this.json2Errors = this.version === '19.0' ? loadVersionFile<Record<string, Json2Recorded>>(this.version, 'json2-errors.json') : {};
  }

  // ---- lifecycle --------------------------------------------------------------------------------------

  async listen(): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 5000;
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    const addr = server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    this.url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- control API ------------------------------------------------------------------------------------

  /** The simulator's clock ("now" for write_date stamps). */
  now(): Date {
    return new Date(this.clockBase + (Date.now() - this.realBase));
  }
  setClock(date: Date | string | number): void {
    this.clockBase = new Date(date).getTime();
    this.realBase = Date.now();
  }
  advanceClock(ms: number): void {
    this.clockBase += ms;
  }
  setLatency(ms: number): void {
    this.latency = ms;
  }
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

  private tableOrThrow(model: string): ModelTable {
    const t = this.data.table(model);
    if (!t) throw new Error(`model ${model} is not served by the simulator`);
    return t;
  }

  /**
   * Creates a record as Odoo would stamp it (create/write date = the clock). Values in raw form (many2one = id);
   * a company-dependent field's value is the value of `company` (the creating user's company by default).
   */
  create(model: string, values: Record<string, unknown>, opts: { company?: number; rollback?: boolean } = {}): number {
    const t = this.tableOrThrow(model);
    values = this.perCompany(t, undefined, values, opts.company);
    const stamp = dt(this.now().getTime());
    // Odoo defaults company_id to the user's company on company-bound models; shared catalogues stay global.
    const companyDefault = t.multiCompany && !SHARED_BY_DEFAULT.has(model) ? { company_id: 1 } : {};
    const rec: Rec = { ...(t.hasActive ? { active: true } : {}), ...companyDefault, create_date: stamp, write_date: stamp, create_uid: ADMIN_UID, write_uid: ADMIN_UID, ...values, id: t.nextId++ };
    // Visible at the transaction's commit, which webhook rules may delay (or a rollback cancel).
    this.webhooks.transaction(model, 'create', () => [rec], () => this.data.insert(model, rec), opts.rollback);
    return rec.id;
  }

  /**
   * Writes like Odoo; `writeDate` earlier than now mimics a long transaction that commits late. A
   * company-dependent field is written for `company` only (Odoo's `with_company(company).write`), the
   * others keep theirs; like any write() it stamps write_date, on every version.
   */
  write(model: string, ids: number[], values: Record<string, unknown>, opts: { writeDate?: Date | string | number; company?: number; rollback?: boolean } = {}): void {
    const t = this.tableOrThrow(model);
    const stamp = dt(opts.writeDate !== undefined ? new Date(opts.writeDate).getTime() : this.now().getTime());
    const changes = ids.map((id) => {
      const r = t.records.get(id);
      if (!r) throw new Error(`${model}(${id}) does not exist`);
      return { r, delta: { ...this.perCompany(t, r, values, opts.company), write_date: stamp, write_uid: ADMIN_UID } };
    });
    // The records as the writing transaction sees them (what a rule's webhook reads), applied at its commit.
    const staged = (): Rec[] => changes.map(({ r, delta }) => ({ ...r, ...delta }) as Rec);
    const commit = (): void => {
      for (const { r, delta } of changes) Object.assign(r, delta);
      t.version++;
    };
    this.webhooks.transaction(model, 'write', staged, commit, opts.rollback);
  }

  /** Webhook delivery options (loss, duplicates, commit delay, timing); the POSTs so far; all transactions done. */
  setWebhookOptions(options: WebhookOptions): WebhookOptions {
    return this.webhooks.setOptions(options);
  }
  webhookDeliveries(): ReturnType<SimWebhooks['deliveries']> {
    return this.webhooks.deliveries();
  }
  settled(): Promise<void> {
    return this.webhooks.settled();
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

  /**
   * Odoo 16/17 only: changes a company-dependent value in `ir.property` directly (the Company Properties
   * menu, an import of ir.property, a default for the company), which leaves the record's write_date alone.
   * 18+ have no ir.property: the values are a jsonb column of the record, changed through write().
   */
  setProperty(model: string, id: number, field: string, company: number, value: unknown): void {
    if (this.version !== '16.0' && this.version !== '17.0') throw new Error(`Odoo ${this.version} has no ir.property: write ${model}.${field} with a company instead`);
    const t = this.tableOrThrow(model);
    const r = t.records.get(id);
    if (!r) throw new Error(`${model}(${id}) does not exist`);
    if (!t.fields[field]?.company_dependent) throw new Error(`${model}.${field} is not company-dependent`);
    Object.assign(r, this.perCompany(t, r, { [field]: value }, company));
    t.version++;
  }

  /** Values with each company-dependent field's value set for one company (the others' values kept). */
  private perCompany(t: ModelTable, rec: Rec | undefined, values: Record<string, unknown>, company = DEFAULT_COMPANY): Record<string, unknown> {
    const out = { ...values };
    for (const [field, value] of Object.entries(values)) {
      if (!t.fields[field]?.company_dependent || value instanceof PerCompany) continue;
      const current = rec?.[field];
      out[field] = (current instanceof PerCompany ? current : new PerCompany()).with(company, value);
    }
    return out;
  }

  archive(model: string, ids: number[]): void {
    this.write(model, ids, { active: false });
  }

  /** Deletes records; Odoo keeps no tombstone. */
  unlink(model: string, ids: number[]): void {
    const t = this.tableOrThrow(model);
    for (const id of ids) t.records.delete(id);
    t.version++;
  }

  /**
   * Stamps every record of the models (all served models by default) with write_date = now, as a bulk
   * import or a module upgrade leaves a database. Returns how many records were stamped.
   */
  stampAll(models?: string[]): number {
    const stamp = dt(this.now().getTime());
    let stamped = 0;
    for (const model of models ?? this.models()) {
      const t = this.tableOrThrow(model);
      for (const r of t.records.values()) {
        r.write_date = stamp;
        stamped++;
      }
      t.version++;
    }
    return stamped;
  }

  /** Changes a quant's quantity the way Odoo's stock moves do: raw SQL, write_date untouched. */
  setQuantQuantity(id: number, quantity: number): void {
    const r = this.tableOrThrow('stock.quant').records.get(id);
    if (!r) throw new Error(`stock.quant(${id}) does not exist`);
    r.quantity = quantity;
    this.tableOrThrow('stock.quant').version++;
  }

  /** Odoo's `_merge_quants`: quantities summed into the first id, the others deleted by raw SQL. */
  mergeQuants(ids: number[]): number {
    const t = this.tableOrThrow('stock.quant');
    const [keep, ...rest] = [...ids].sort((a, b) => a - b);
    const target = keep === undefined ? undefined : t.records.get(keep);
    if (!target) throw new Error('mergeQuants needs existing quant ids');
    for (const id of rest) {
      const r = t.records.get(id);
      if (!r) continue;
      target.quantity = Number(target.quantity ?? 0) + Number(r.quantity ?? 0);
      target.reserved_quantity = Number(target.reserved_quantity ?? 0) + Number(r.reserved_quantity ?? 0);
      t.records.delete(id);
    }
    t.version++;
    return target.id;
  }

  /** The truth, for assertions: copies of the stored records in id order (many2one as ids). */
  records(model: string): Rec[] {
    return [...this.tableOrThrow(model).records.values()].map((r) => ({ ...r }));
  }

  /** Records in Odoo's read() shape (many2one pairs, floats), every stored field or the ones named. */
  read(model: string, ids?: number[], fields?: string[], company?: number): Record<string, WireValue>[] {
    const t = this.tableOrThrow(model);
    const names = fields ?? Object.keys(t.fields).filter((f) => t.fields[f]!.store === true);
    const recs = ids ? ids.map((id) => t.records.get(id)).filter((r): r is Rec => !!r) : [...t.records.values()];
    return recs.map((r) => this.orm.readRec(t, r, ['id', ...names.filter((n) => n !== 'id')], company));
  }

  /** sha256 of every served record's stored fields as the API would return them. */
  checksum(): string {
    const h = crypto.createHash('sha256');
    for (const model of [...this.data.tables.keys()].sort()) {
      const t = this.data.table(model)!;
      const stored = Object.keys(t.fields).filter((f) => t.fields[f]!.store === true && !['binary', 'html'].includes(t.fields[f]!.type)).sort();
      h.update(`#${model}\n`);
      for (const r of t.records.values()) h.update(`${pyJson(this.orm.readRec(t, r, ['id', ...stored.filter((f) => f !== 'id')]))}\n`);
    }
    return h.digest('hex');
  }

  models(): string[] {
    return [...this.data.tables.keys()].sort();
  }

  // ---- HTTP ---------------------------------------------------------------------------------------------

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // Odoo's HTTP server (werkzeug, or the proxy before it) dates every answer with its own clock: here the
    // simulated one, so a moved clock shows in the header as it does in write_date.
    if (this.opts.dateHeader === false) res.sendDate = false;
    else res.setHeader('Date', this.now().toUTCString());
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://sim');
      const path = url.pathname;
      if (path.startsWith('/__sim/')) return this.handleControl(path.slice(7), body, res);
      if (this.latency > 0) await new Promise((r) => setTimeout(r, this.latency));
      if (req.method === 'POST' && path.startsWith('/xmlrpc/2/')) return this.handleXmlRpc(path.slice(10), body, res);
      if (req.method === 'POST' && path.startsWith('/json/2/') && this.version === '19.0') return this.handleJson2(req, path.slice(8), body, res);
      if (path === '/web/version' || path === '/web/webclient/version_info') return this.handleWebVersion(path, body, res);
      res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', Server: SERVER_HEADER });
      res.end('<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n');
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(WERKZEUG_500);
      console.error('simulator internal error', err);
    }
  }

  /** Applies an injected transport failure; true when the response has been dealt with. */
  private transportFault(kind: FaultKind | null, res: http.ServerResponse): boolean {
    if (kind === null || kind === 'serialization' || kind === 'accessDenied') return false;
    const send = (status: number, text: string, extra: Record<string, string> = {}): void => {
      res.writeHead(status, { 'Content-Type': 'text/html', Server: 'nginx', ...extra });
      res.end(text);
    };
    if (kind === 'http502') send(502, html(502, 'Bad Gateway'));
    else if (kind === 'http503') send(503, html(503, 'Service Temporarily Unavailable'));
    else if (kind === 'http504') send(504, html(504, 'Gateway Time-out'));
    else if (kind === 'http429') send(429, html(429, 'Too Many Requests'), { 'Retry-After': '1' });
    else if (kind === 'html500') {
      res.writeHead(500, { 'Content-Type': 'text/html; charset=utf-8', Server: SERVER_HEADER });
      res.end(WERKZEUG_500);
    } else if (kind === 'reset') res.socket?.destroy();
    // 'timeout': never answer; the socket is destroyed on close()
    return true;
  }

  private sendXml(res: http.ServerResponse, xml: string): void {
    const buf = Buffer.from(xml, 'utf8');
    res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8', 'Content-Length': String(buf.length), Server: SERVER_HEADER });
    res.end(buf);
  }

  private get envelope(): EnvelopeStyle {
    return this.version === '16.0' || this.version === '17.0' ? 'python' : 'odoo18';
  }

  private userFor(uid: unknown, secret: unknown): SimUser | undefined {
    return this.users.find((u) => u.uid === uid && (secret === u.password || secret === u.apiKey));
  }

  private handleXmlRpc(service: string, body: string, res: http.ServerResponse): void {
    let call: { method: string; params: unknown[] };
    try {
      call = parseMethodCall(body);
    } catch (e) {
      return this.sendXml(res, faultResponse(1, `${e instanceof XmlRpcParseError ? 'ExpatError' : 'Error'}: ${(e as Error).message}`, this.envelope));
    }
    const p = call.params;
    const isObject = service === 'object' && (call.method === 'execute_kw' || call.method === 'execute');
    const model = isObject ? String(p[3]) : undefined;
    const method = isObject ? String(p[4]) : call.method;
    this.counter.hit(`${model ?? service}:${method}`);
    const injected = this.injector.pick(method, model);
    if (this.transportFault(injected, res)) return;
    try {
      if (injected === 'serialization') throw faults.serialization();
      if (injected === 'accessDenied') throw faults.accessDenied();
      this.sendXml(res, methodResponse(this.xmlRpcCall(service, call.method, p), this.envelope));
    } catch (e) {
      if (e instanceof OdooFault) return this.sendXml(res, faultResponse(e.faultCode, e.faultString, this.envelope));
      throw e;
    }
  }

  private checkDb(name: unknown): void {
    if (name !== this.db) throw faults.unknownDatabase(this.version, String(name));
  }

  private login(login: unknown, password: unknown): number | false {
    const u = this.users.find((x) => x.login === login && (x.password === password || x.apiKey === password));
    return u ? u.uid : false;
  }

  private xmlRpcCall(service: string, method: string, p: unknown[]): WireValue {
    if (service === 'common') {
      if (method === 'version') return loadVersionFile<WireValue>(this.version, 'version.json');
      if (method === 'login') {
        this.checkDb(p[0]);
        return this.login(p[1], p[2]);
      }
      if (method === 'authenticate') {
        this.checkDb(p[0]);
        return this.login(p[1], p[2]);
      }
      if (method === 'about') return 'See http://openerp.com';
      throw faults.valueError(`Method not available ${method}`);
    }
    if (service === 'db') {
      if (method === 'list') return [this.db];
      if (method === 'server_version') return this.version;
      throw faults.valueError(`Method not available ${method}`);
    }
    if (service === 'object' && (method === 'execute_kw' || method === 'execute')) {
      this.checkDb(p[0]);
      const user = this.userFor(p[1], p[2]);
      if (!user) throw faults.accessDenied();
      const model = String(p[3]);
      const name = String(p[4]);
      const args = method === 'execute_kw' ? (Array.isArray(p[5]) ? p[5] : []) : p.slice(5);
      const kwargs = method === 'execute_kw' && p[6] && typeof p[6] === 'object' ? (p[6] as Record<string, unknown>) : {};
      return this.execute(user, model, name, args, kwargs);
    }
    throw faults.valueError(`Method not available ${method}`);
  }

  private execute(user: SimUser, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): WireValue {
    if (!this.data.table(model)) throw faults.unknownModel(this.version, model);
    if (method.startsWith('_')) throw faults.privateMethod(this.version, model, method);
    if (!PUBLIC_METHODS.has(method)) throw faults.unknownMethod(this.version, model, method);
    const ctx = kwargs.context && typeof kwargs.context === 'object' ? (kwargs.context as Record<string, unknown>) : {};
    return this.orm.call(user, model, method, this.orm.bind(method, args, kwargs), ctx);
  }

  // ---- JSON-2 (19.0) ------------------------------------------------------------------------------------

  private sendJson2Error(res: http.ServerResponse, kase: string, message?: string): void {
    const rec = this.json2Errors[kase]!;
    const body = { ...rec.body };
    if (message !== undefined && message !== rec.body.message) {
      body.debug = body.debug.split(rec.body.message).join(message);
      body.arguments = rec.body.arguments.map((a) => (a === rec.body.message ? message : a));
      body.message = message;
    }
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', Server: SERVER_HEADER };
    if (rec.wwwAuthenticate !== undefined) headers['WWW-Authenticate'] = rec.wwwAuthenticate;
    res.writeHead(rec.status, headers);
    res.end(pyJson(body as unknown as WireValue));
  }

  private sendFaultJson2(res: http.ServerResponse, f: OdooFault): void {
    const { status, name, message } = f.json2;
    const isHttp = name.startsWith('werkzeug.');
    const debug = f.faultString.startsWith('Traceback') ? f.faultString : `Traceback (most recent call last):\n  File "/usr/lib/python3/dist-packages/addons/rpc/controllers/json2.py", line 86, in web_json_2_rpc\n    result = func(records, **kwargs)\n${name}: ${isHttp ? `${status} ` : ''}${message}\n`;
    const body = { name, message, arguments: isHttp ? [message, status] : [message], context: {}, debug };
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', Server: SERVER_HEADER });
    res.end(pyJson(body));
  }

  private handleJson2(req: http.IncomingMessage, rest: string, body: string, res: http.ServerResponse): void {
    const [model = '', method, ...extra] = rest.split('/');
    this.counter.hit(`${model}:${method ?? ''}`);
    const injected = this.injector.pick(method ?? '', model);
    if (this.transportFault(injected, res)) return;
    if (!method || extra.length > 0) return this.sendJson2Error(res, 'error_no_method_in_path');
    const auth = req.headers.authorization ?? '';
    const m = /^bearer\s+(.+)$/i.exec(auth);
    if (!m) return this.sendJson2Error(res, 'error_no_authorization');
    const user = this.users.find((u) => u.apiKey === m[1]!.trim());
    if (!user || injected === 'accessDenied') return this.sendJson2Error(res, 'error_bad_api_key');
    const dbHeader = req.headers['x-odoo-database'];
    if (dbHeader !== undefined && dbHeader !== this.db) return this.sendFaultJson2(res, faults.unknownDatabase(this.version, String(dbHeader)));
    let params: Record<string, unknown>;
    try {
      const parsed: unknown = body.trim() === '' ? {} : JSON.parse(body);
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
      params = parsed as Record<string, unknown>;
    } catch {
      return this.sendJson2Error(res, 'error_invalid_json');
    }
    try {
      if (injected === 'serialization') throw faults.serialization();
      if (!this.data.table(model)) throw faults.unknownModel(this.version, model);
      if (method.startsWith('_')) throw faults.privateMethod(this.version, model, method);
      if (!PUBLIC_METHODS.has(method)) throw faults.unknownMethod(this.version, model, method);
      const { ids, context, ...kwargs } = params;
      if (ids !== undefined && MODEL_METHODS.has(method)) return this.sendJson2Error(res, 'error_ids_on_model_method', `cannot call ${model}.${method} with ids`);
      if (method === 'default_get' && kwargs.fields === undefined) return this.sendJson2Error(res, 'error_missing_argument', "missing a required argument: 'fields'");
      let bound: Record<string, unknown>;
      try {
        bound = this.orm.bind(method, [], method === 'read' || method === 'write' || method === 'unlink' ? { ...kwargs, ids: ids ?? [] } : kwargs);
      } catch (e) {
        const arg = /unexpected keyword argument '([^']+)'/.exec((e as Error).message)?.[1] ?? '';
        if (method === 'search_read') throw faults.typeError(`BaseModel._read_format() got an unexpected keyword argument '${arg}'`);
        return this.sendJson2Error(res, 'error_unexpected_argument_strict', `got an unexpected keyword argument '${arg}'`);
      }
      const ctx = context && typeof context === 'object' ? (context as Record<string, unknown>) : {};
      const result = this.orm.call(user, model, method, bound, ctx);
      const out = Buffer.from(pyJson(result), 'utf8');
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(out.length), Server: SERVER_HEADER });
      res.end(out);
    } catch (e) {
      if (e instanceof OdooFault) return this.sendFaultJson2(res, e);
      throw e;
    }
  }

  private handleWebVersion(path: string, body: string, res: http.ServerResponse): void {
    const v = loadVersionFile<{ server_version: string; server_version_info: WireValue[]; server_serie: string; protocol_version: number }>(this.version, 'version.json');
    this.counter.hit(`web:version`);
    let payload: WireValue;
    if (path === '/web/version') payload = { version_info: v.server_version_info, version: v.server_version };
    else {
      let id: WireValue = null;
      try {
        id = (JSON.parse(body || '{}') as { id?: WireValue }).id ?? null;
      } catch {
        /* Odoo answers the version whatever the envelope */
      }
      payload = { jsonrpc: '2.0', id, result: v as unknown as WireValue };
    }
    res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8', Server: SERVER_HEADER });
    res.end(pyJson(payload));
  }

  // ---- control over HTTP ----------------------------------------------------------------------------------

  private handleControl(action: string, body: string, res: http.ServerResponse): void {
    const send = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(payload, (_k, v: unknown) => (v instanceof PyFloat ? v.value : v)));
    };
    const allowed = ['create', 'write', 'setProperty', 'setUserCompany', 'archive', 'unlink', 'setQuantQuantity', 'mergeQuants', 'stampAll', 'setClock', 'advanceClock', 'setLatency', 'injectFault', 'clearFaults', 'callCounts', 'resetCounts', 'records', 'read', 'checksum', 'now', 'models', 'info', 'setWebhookOptions', 'webhookDeliveries', 'settled'];
    if (!allowed.includes(action)) return send(404, { error: `unknown action ${action}` });
    try {
      const parsed: unknown = body.trim() === '' ? [] : JSON.parse(body);
      const args = Array.isArray(parsed) ? parsed : [parsed];
      if (action === 'info') return send(200, { result: this.info() });
      const fn = (this as unknown as Record<string, (...a: unknown[]) => unknown>)[action]!;
      const result = fn.apply(this, args);
      if (result instanceof Promise) return void result.then((r: unknown) => send(200, { result: r ?? null }), (e: Error) => send(400, { error: e.message }));
      send(200, { result: result ?? null });
    } catch (e) {
      send(400, { error: (e as Error).message });
    }
  }

  info(): { url: string; db: string; version: OdooVersion; admin: Credentials; demo: Credentials } {
    return { url: this.url, db: this.db, version: this.version, admin: this.admin, demo: this.demo };
  }
}
