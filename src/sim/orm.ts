// The model methods the external API exposes (execute_kw / JSON-2): search, search_read, read,
// search_count, fields_get, check_access_rights, context_get, read_group / formatted_read_group (read-group.ts) — with Odoo's argument handling, active_test,
// multi-company record rules, access rights of the restricted user, and Odoo's order semantics.
import { DomainCompiler, mentionsActive, type Pred } from './domain.ts';
import { faults } from './faults.ts';
import type { OrmWrites } from './orm-writes.ts';
import { READ_GROUP_KWARGS, readGroup } from './read-group.ts';
import { DEFAULT_COMPANY, DEFAULT_ORDER, type Db, type ModelTable, type Rec } from './store.ts';
import type { WireValue } from './xmlrpc-codec.ts';

export interface SimUser {
  uid: number;
  login: string;
  password: string;
  apiKey: string;
  admin: boolean;
  companyId: number;
  companyIds: number[];
}

/** What the restricted user may not read: model → [description, group that may]. */
export const RESTRICTED_MODELS: Record<string, [string, string]> = {
  'ir.model': ['Models', 'Administration/Access Rights'],
  'ir.model.fields': ['Fields', 'Administration/Access Rights'],
  'ir.config_parameter': ['System Parameter', 'Administration/Settings'],
  'purchase.order': ['Purchase Order', 'Purchase/User'],
  'purchase.order.line': ['Purchase Order Line', 'Purchase/User'],
};
const EMPLOYEE_PRIVATE = new Set(['private_street', 'private_street2', 'private_city', 'private_zip', 'private_email', 'private_phone', 'ssnid', 'sinid', 'identification_id', 'passport_id', 'birthday', 'place_of_birth', 'km_home_work', 'emergency_contact', 'emergency_phone']);

const KWARGS: Record<string, string[]> = {
  search: ['domain', 'offset', 'limit', 'order'],
  search_read: ['domain', 'fields', 'offset', 'limit', 'order'],
  read: ['ids', 'fields', 'load'],
  search_count: ['domain', 'limit'],
  fields_get: ['allfields', 'attributes'],
  check_access_rights: ['operation', 'raise_exception'],
  context_get: [],
  default_get: ['fields'],
  create: ['vals_list'],
  write: ['ids', 'vals'],
  unlink: ['ids'],
  ...READ_GROUP_KWARGS,
};
export const PUBLIC_METHODS = new Set(Object.keys(KWARGS));
export const MODEL_METHODS = new Set(['search', 'search_read', 'search_count', 'fields_get', 'check_access_rights', 'context_get', 'default_get', 'create', 'read_group', 'formatted_read_group']);

type Cmp = (a: Rec, b: Rec) => number;

export class Orm {
  private readonly domains: DomainCompiler;
  /** create/write/unlink (orm-writes.ts), set by the simulator. */
  writes?: OrmWrites;
  constructor(readonly db: Db) {
    this.domains = new DomainCompiler(db);
  }

  /** Binds positional args to names like Python does; rejects unknown keywords as TypeError. */
  bind(method: string, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
    const names = KWARGS[method] ?? [];
    const out: Record<string, unknown> = {};
    args.forEach((a, i) => {
      const n = names[i];
      if (n === undefined) throw faults.typeError(`${method}() takes from 1 to ${names.length + 1} positional arguments but ${args.length + 1} were given`);
      out[n] = a;
    });
    for (const [k, v] of Object.entries(kwargs)) {
      if (k === 'context') continue;
      if (!names.includes(k)) throw faults.typeError(`${method}() got an unexpected keyword argument '${k}'`);
      out[k] = v;
    }
    return out;
  }

  call(user: SimUser, model: string, method: string, a: Record<string, unknown>, ctx: Record<string, unknown>): WireValue {
    const t = this.db.table(model)!;
    if (method !== 'fields_get' && method !== 'check_access_rights' && !user.admin && RESTRICTED_MODELS[model]) {
      const [desc, group] = RESTRICTED_MODELS[model];
      throw faults.accessModel(this.db.version, model, desc, group);
    }
    switch (method) {
      case 'search': {
        const recs = this.search(t, user, a.domain, ctx, a.offset, a.limit, a.order);
        return recs.map((r) => r.id);
      }
      case 'search_count':
        return this.search(t, user, a.domain, ctx, 0, a.limit, 'id').length;
      case 'search_read': {
        const fields = this.fieldList(t, user, a.fields);
        const company = this.envCompany(user, ctx);
        return this.search(t, user, a.domain, ctx, a.offset, a.limit, a.order).map((r) => this.readRec(t, r, fields, company));
      }
      case 'read': {
        const ids = Array.isArray(a.ids) ? a.ids : typeof a.ids === 'number' ? [a.ids] : [];
        const fields = this.fieldList(t, user, a.fields);
        const company = this.envCompany(user, ctx);
        return ids.map((id) => t.records.get(id as number)).filter((r): r is Rec => r !== undefined).map((r) => this.readRec(t, r, fields, company));
      }
      case 'fields_get':
        return this.fieldsGet(t, a.allfields, a.attributes);
      case 'check_access_rights': {
        const ok = user.admin || !RESTRICTED_MODELS[model];
        if (!ok && a.raise_exception !== false) {
          const [desc, group] = RESTRICTED_MODELS[model]!;
          throw faults.accessModel(this.db.version, model, desc, group);
        }
        return ok;
      }
      case 'default_get':
        return {};
      case 'create':
      case 'write':
      case 'unlink':
        if (!this.writes) throw faults.unknownMethod(this.db.version, model, method);
        return this.writes.call(user, model, method, a);
      case 'read_group':
      case 'formatted_read_group':
        return readGroup(this, t, user, method, a, ctx);
      case 'context_get':
        if (model !== 'res.users') throw faults.unknownMethod(this.db.version, model, method);
        return { lang: 'en_US', tz: 'Europe/Brussels', uid: user.uid };
      default:
        throw faults.unknownMethod(this.db.version, model, method);
    }
  }

  private fieldList(t: ModelTable, user: SimUser, fields: unknown): string[] {
    const list = Array.isArray(fields) && fields.length > 0 ? (fields as unknown[]).map(String) : Object.keys(t.fields);
    for (const f of list) if (f !== 'id' && !t.fields[f]) throw faults.unknownField(this.db.version, t.name, f);
    if (!user.admin && t.name === 'hr.employee') {
      const denied = list.filter((f) => EMPLOYEE_PRIVATE.has(f));
      if (denied.length > 0) {
        const fault = faults.accessFields(this.db.version, t.name, 'Employee', denied, user.uid);
        if (fault) throw fault;
      }
    }
    return ['id', ...list.filter((f) => f !== 'id')];
  }

  /** A record as read() returns it, company-dependent fields as `company` (env.company) sees them. */
  readRec(t: ModelTable, r: Rec, fields: string[], company = DEFAULT_COMPANY): { [k: string]: WireValue } {
    const out: { [k: string]: WireValue } = {};
    for (const f of fields) out[f] = f === 'id' ? r.id : this.db.readValue(t, r, f, company);
    return out;
  }

  /**
   * Odoo's env.company: the first of allowed_company_ids (each must be one of the user's companies), or
   * the user's own company (res.users.company_id) when the context names none.
   */
  envCompany(user: SimUser, ctx: Record<string, unknown>): number {
    const asked = ctx.allowed_company_ids;
    if (Array.isArray(asked) && asked.length > 0) {
      for (const c of asked) if (!user.companyIds.includes(c as number)) throw faults.invalidCompanies();
      return asked[0] as number;
    }
    return user.companyId;
  }

  fieldsGet(t: ModelTable, allfields: unknown, attributes: unknown): WireValue {
    const names = Array.isArray(allfields) && allfields.length > 0 ? (allfields as string[]).filter((f) => t.fields[f]) : Object.keys(t.fields);
    const attrs = Array.isArray(attributes) && attributes.length > 0 ? (attributes as string[]) : null;
    const out: { [k: string]: WireValue } = {};
    for (const n of names) {
      const meta = t.fields[n] as unknown as Record<string, WireValue>;
      if (!attrs) out[n] = meta;
      else {
        const m: { [k: string]: WireValue } = {};
        for (const a of attrs) if (a in meta) m[a] = meta[a]!;
        out[n] = m;
      }
    }
    return out;
  }

  search(t: ModelTable, user: SimUser, domain: unknown, ctx: Record<string, unknown>, offset: unknown, limit: unknown, order: unknown): Rec[] {
    const filters: Pred[] = [this.domains.compile(t, domain)];
    if (ctx.active_test !== false && t.hasActive && !mentionsActive(domain)) filters.push((r) => this.db.value(t, r, 'active') === true);
    const allowed = this.allowedCompanies(user, ctx);
    if (t.multiCompany) {
      filters.push((r) => {
        const c = this.db.value(t, r, 'company_id');
        return c === false || c === null || allowed.has(c as number);
      });
    } else if (t.name === 'res.company') {
      const mine = new Set(user.companyIds);
      filters.push((r) => mine.has(r.id));
    }
    const match = (r: Rec): boolean => filters.every((f) => f(r));
    const off = typeof offset === 'number' && offset > 0 ? offset : 0;
    const lim = typeof limit === 'number' && limit > 0 ? limit : Infinity;
    const orderSpec = typeof order === 'string' && order.trim() !== '' ? order : DEFAULT_ORDER[t.name] ?? 'id';
    const cmp = this.comparator(t, orderSpec, typeof order === 'string' && order.trim() !== '');
    // id ascending: the map is in id order. Otherwise walk the table in the requested order (sorted once
    // per table change): keyset paging by (write_date, id) over a million lines stays a scan, not a sort per
    // batch. Either way, stop as soon as the page is full.
    const ordered = cmp === null ? t.records.values() : this.sorted(t, orderSpec, cmp);
    const out: Rec[] = [];
    let skipped = 0;
    for (const r of ordered) {
      if (!match(r)) continue;
      if (skipped < off) {
        skipped++;
        continue;
      }
      out.push(r);
      if (out.length >= lim) break;
    }
    return out;
  }

  private readonly sortCache = new Map<string, { version: number; recs: Rec[] }>();

  private sorted(t: ModelTable, orderSpec: string, cmp: Cmp): Rec[] {
    // Orders through a many2one sort by another table's names: not cacheable on this table's version alone.
    const cacheable = !orderSpec.split(',').some((p) => t.fields[p.trim().split(/\s+/)[0] ?? '']?.type === 'many2one');
    const key = `${t.name}|${orderSpec}`;
    const hit = this.sortCache.get(key);
    if (cacheable && hit && hit.version === t.version) return hit.recs;
    const recs = [...t.records.values()].sort(cmp);
    if (cacheable) this.sortCache.set(key, { version: t.version, recs });
    return recs;
  }

  private allowedCompanies(user: SimUser, ctx: Record<string, unknown>): Set<number> {
    const asked = ctx.allowed_company_ids;
    if (Array.isArray(asked) && asked.length > 0) {
      for (const c of asked) if (!user.companyIds.includes(c as number)) throw faults.invalidCompanies();
      return new Set(asked as number[]);
    }
    return new Set([user.companyId]);
  }

  /** null means plain `id asc` on a table kept in id order (the fast path). */
  private comparator(t: ModelTable, order: string, explicit: boolean): Cmp | null {
    const keys: { field: string; desc: boolean; nullsFirst: boolean }[] = [];
    for (const part of order.split(',')) {
      const m = /^\s*"?([\w.]+)"?\s*(asc|desc)?\s*(nulls\s+(first|last))?\s*$/i.exec(part);
      if (!m) throw faults.valueError(`Invalid "order" specified (${order}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`);
      const field = m[1]!;
      if (field !== 'id' && !t.fields[field]) {
        if (!explicit) continue;
        throw faults.unknownField(this.db.version, t.name, field);
      }
      const desc = (m[2] ?? 'asc').toLowerCase() === 'desc';
      keys.push({ field, desc, nullsFirst: m[4] ? m[4].toLowerCase() === 'first' : desc });
    }
    if (keys.length === 0 || (keys[0]!.field === 'id' && !keys[0]!.desc && this.idOrdered(t))) return null;
    if (keys[keys.length - 1]!.field !== 'id') keys.push({ field: 'id', desc: false, nullsFirst: false });
    const db = this.db;
    const sortValue = (r: Rec, f: string): unknown => {
      const meta = t.fields[f];
      const v = db.value(t, r, f);
      if (meta?.type === 'many2one' && typeof v === 'number') return db.displayName(meta.relation ?? '', v);
      if (meta?.type === 'boolean') return v === true ? 1 : 0;
      return v;
    };
    return (a, b) => {
      for (const k of keys) {
        const va = sortValue(a, k.field);
        const vb = sortValue(b, k.field);
        const na = va === false || va === null || va === undefined;
        const nb = vb === false || vb === null || vb === undefined;
        if (na || nb) {
          if (na && nb) continue;
          return na === k.nullsFirst ? -1 : 1;
        }
        let c = typeof va === 'number' && typeof vb === 'number' ? va - vb : String(va) < String(vb) ? -1 : String(va) > String(vb) ? 1 : 0;
        if (k.desc) c = -c;
        if (c !== 0) return c;
      }
      return 0;
    };
  }

  private idOrdered(t: ModelTable): boolean {
    return !t.outOfOrder;
  }
}
