// The simulated database as tests and jobs see it from inside: the records, the clock that stamps them, the
// changes Odoo's users and jobs make (with Odoo's stamping rules, including the changes that leave write_date
// alone) and the truth for assertions. The Simulator adds the users, the HTTP server and the test knobs.
import crypto from 'node:crypto';
import { AUTOMATION_MODELS } from './automation-models.ts';
import { ADMIN_UID, dt } from './dataset/index.ts';
import { Orm } from './orm.ts';
import { SHARED_BY_DEFAULT } from './served-models.ts';
import { DEFAULT_COMPANY, PerCompany, type Db, type ModelTable, type Rec } from './store.ts';
import { pyJson, type WireValue } from './xmlrpc-codec.ts';

export class SimDatabase {
  protected readonly orm: Orm;
  private clockBase = Date.now();
  private realBase = Date.now();

  constructor(protected readonly data: Db) {
    this.orm = new Orm(data);
  }

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
  protected tableOrThrow(model: string): ModelTable {
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
    // The id is taken now; the record is visible at the transaction's commit (which webhook rules may delay).
    this.transaction(model, 'create', () => [rec], () => void this.data.insert(model, rec), opts.rollback);
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
    this.transaction(model, 'write', staged, commit, opts.rollback);
  }

  /**
   * The commit of a create/write's transaction: here at once (a rollback applies nothing). The Simulator
   * overrides it to run the webhook rules, which may post before or after the commit and delay it.
   */
  protected transaction(_model: string, _event: 'create' | 'write', _staged: () => Rec[], commit: () => void, rollback = false): void {
    if (!rollback) commit();
  }

  /**
   * Odoo 16/17 only: changes a company-dependent value in `ir.property` directly (the Company Properties
   * menu, an import of ir.property, a default for the company), which leaves the record's write_date alone.
   * 18+ have no ir.property: the values are a jsonb column of the record, changed through write().
   */
  setProperty(model: string, id: number, field: string, company: number, value: unknown): void {
    const version = this.data.version;
    if (version !== '16.0' && version !== '17.0') throw new Error(`Odoo ${version} has no ir.property: write ${model}.${field} with a company instead`);
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

  /**
   * A picking done now that moves `quantity` of a product from one location to another, as Odoo validates
   * it: a picking (of `pickingType`, or none: an inventory adjustment), its move and one done move line
   * (date = now), and the quants of the internal locations on either side updated through the ORM
   * (stock.quant._update_available_quantity writes the quant, or creates it, so write_date moves). Returns
   * the new ids.
   */
  moveStock(args: { product: number; from: number; to: number; quantity: number; pickingType?: number; company?: number }): { picking: number | false; move: number; line: number } {
    const { product, from, to, quantity } = args;
    const company = args.company ?? 1;
    const locations = this.tableOrThrow('stock.location');
    const usage = (id: number): unknown => locations.records.get(id)?.usage;
    if (usage(from) === undefined || usage(to) === undefined) throw new Error('moveStock needs existing locations');
    const now = dt(this.now().getTime());
    let picking: number | false = false;
    let reference = 'Product Quantity Updated';
    if (args.pickingType !== undefined) {
      const type = this.tableOrThrow('stock.picking.type').records.get(args.pickingType);
      if (!type) throw new Error(`stock.picking.type(${args.pickingType}) does not exist`);
      const pickings = this.tableOrThrow('stock.picking');
      reference = `SIM/${String(type.sequence_code ?? 'MOVE')}/${String(pickings.nextId).padStart(5, '0')}`;
      picking = this.create('stock.picking', { name: reference, picking_type_id: args.pickingType, location_id: from, location_dest_id: to, state: 'done', scheduled_date: now, date: now, date_done: now, origin: false, partner_id: false, company_id: company, move_type: 'direct' });
    }
    const pickingTypeId = args.pickingType ?? false;
    const move = this.create('stock.move', {
      name: reference, reference, product_id: product, product_uom: 1, product_uom_qty: quantity, product_qty: quantity, quantity, quantity_done: quantity, picked: true,
      location_id: from, location_dest_id: to, picking_id: picking, picking_type_id: pickingTypeId, state: 'done', date: now, company_id: company, procure_method: 'make_to_stock', origin: false,
    });
    const line = this.create('stock.move.line', {
      move_id: move, picking_id: picking, picking_type_id: pickingTypeId, reference, product_id: product, product_uom_id: 1, qty_done: quantity, quantity, quantity_product_uom: quantity, picked: true,
      reserved_qty: 0, reserved_uom_qty: 0, location_id: from, location_dest_id: to, lot_id: false, lot_name: false, package_id: false, result_package_id: false, owner_id: false,
      state: 'done', date: now, company_id: company,
    });
    const quants = this.tableOrThrow('stock.quant');
    for (const [location, delta] of [[from, -quantity], [to, quantity]] as const) {
      if (usage(location) !== 'internal') continue;
      const quant = [...quants.records.values()].find((q) => q.product_id === product && q.location_id === location && !q.lot_id && !q.package_id && !q.owner_id);
      if (quant) this.write('stock.quant', [quant.id], { quantity: Number(quant.quantity ?? 0) + delta, ...(delta > 0 ? { in_date: now } : {}) });
      else this.create('stock.quant', { product_id: product, location_id: location, company_id: company, quantity: delta, reserved_quantity: 0, inventory_quantity: 0, in_date: now, lot_id: false, package_id: false, owner_id: false });
    }
    return { picking, move, line };
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
    // The generated data only: the automation models (rules, actions, modules) are served beside it and
    // stamped when the simulator starts, so two simulators of one seed would differ across a second;
    // ir.model.fields reflects the models' fields, not data.
    for (const model of [...this.data.tables.keys()].filter((m) => !(m in AUTOMATION_MODELS) && m !== 'ir.model.fields').sort()) {
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
}
