// Odoo's domain language, evaluated in memory with the same results PostgreSQL gives Odoo: Polish notation
// with implicit `&`; `!=`/`not in`/`not like` match empty values, `in [False, ...]` matches them too;
// `like`/`ilike` wrap the value in `%` and keep `%`/`_` as wildcards; dotted paths go through relations as
// an `IN (subquery)` (an empty many2one never matches); `child_of`/`parent_of` follow `_parent_name`.
import { faults } from './faults.ts';
import { parentField, type Db, type ModelTable, type Rec } from './store.ts';
import type { FieldMeta } from './versions.ts';

export type Pred = (rec: Rec) => boolean;

const OPERATORS = new Set([
  '=', '!=', '<=', '<', '>', '>=', '=?', '=like', '=ilike', 'like', 'not like', 'ilike', 'not ilike',
  'in', 'not in', 'child_of', 'parent_of', 'any', 'not any',
]);

const TRUE: Pred = () => true;
const FALSE: Pred = () => false;

function isEmpty(v: unknown): boolean {
  return v === false || v === null || v === undefined || (Array.isArray(v) && v.length === 0);
}

function likeRegex(pattern: string, ci: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else if (c === '%') re += '[\\s\\S]*';
    else if (c === '_') re += '[\\s\\S]';
    else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, ci ? 'i' : '');
}

function normalize(meta: FieldMeta | undefined, v: unknown): unknown {
  if (typeof v !== 'string' || !meta) return v;
  if (meta.type === 'datetime') {
    const s = v.replace('T', ' ').replace(/Z$/, '').replace(/\.\d+$/, '');
    return s.length === 10 ? `${s} 00:00:00` : s;
  }
  if (meta.type === 'date') return v.slice(0, 10);
  return v;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const sa = String(a);
  const sb = String(b);
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

export class DomainCompiler {
  constructor(private readonly db: Db) {}

  compile(t: ModelTable, domain: unknown): Pred {
    if (domain === undefined || domain === null || domain === false) return TRUE;
    if (!Array.isArray(domain)) throw faults.valueError(`Invalid domain ${JSON.stringify(domain)}`);
    let i = 0;
    const node = (): Pred => {
      if (i >= domain.length) throw faults.valueError(`Domain ${JSON.stringify(domain)} is syntactically not correct.`);
      const term: unknown = domain[i++];
      if (term === '!') {
        const p = node();
        return (r) => !p(r);
      }
      if (term === '&' || term === '|') {
        const a = node();
        const b = node();
        return term === '&' ? (r) => a(r) && b(r) : (r) => a(r) || b(r);
      }
      return this.leaf(t, term);
    };
    const parts: Pred[] = [];
    while (i < domain.length) parts.push(node());
    if (parts.length === 0) return TRUE;
    if (parts.length === 1) return parts[0]!;
    return (r) => parts.every((p) => p(r));
  }

  private leaf(t: ModelTable, term: unknown): Pred {
    if (!Array.isArray(term) || term.length !== 3) throw faults.invalidLeaf(this.db.version, term);
    const [left, rawOp, value] = term as [unknown, unknown, unknown];
    if (left === 1 && rawOp === '=' && value === 1) return TRUE;
    if (left === 0 && rawOp === '=' && value === 1) return FALSE;
    const op = typeof rawOp === 'string' ? rawOp.toLowerCase() : '';
    if (typeof left !== 'string' || !OPERATORS.has(op) || ((op === 'any' || op === 'not any') && this.db.version === '16.0')) {
      throw faults.invalidLeaf(this.db.version, term);
    }
    const [head, ...rest] = left.split('.');
    const meta = head === 'id' ? ({ type: 'integer', string: 'ID' } as FieldMeta) : t.fields[head!];
    if (!meta) throw faults.unknownFieldInDomain(this.db.version, t.name, head!, term);
    const field = head!;

    if (rest.length > 0 || op === 'any' || op === 'not any') {
      const rel = meta.relation ? this.db.table(meta.relation) : undefined;
      if (!meta.relation || !['many2one', 'many2many', 'one2many'].includes(meta.type)) {
        throw faults.unknownFieldInDomain(this.db.version, t.name, left, term);
      }
      if (!rel) return FALSE;
      const sub = rest.length > 0 ? this.leaf(rel, [rest.join('.'), rawOp, value]) : this.compile(rel, value);
      const hit = (r: Rec): boolean => {
        const v = this.db.value(t, r, field);
        const ids = Array.isArray(v) ? (v as number[]) : typeof v === 'number' ? [v] : [];
        return ids.some((id) => {
          const rr = rel.records.get(id);
          return rr !== undefined && sub(rr);
        });
      };
      return op === 'not any' ? (r) => !hit(r) : hit;
    }
    return this.simple(t, field, meta, op, value, term);
  }

  private simple(t: ModelTable, field: string, meta: FieldMeta, op: string, rawValue: unknown, term: unknown[]): Pred {
    const db = this.db;
    const get = (r: Rec): unknown => db.value(t, r, field);
    const isX2m = meta.type === 'many2many' || meta.type === 'one2many';
    const isM2o = meta.type === 'many2one';
    const relational = isX2m || isM2o;
    const value = Array.isArray(rawValue) ? rawValue.map((v) => normalize(meta, v)) : normalize(meta, rawValue);
    const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : isEmpty(v) ? [] : [v]);
    // Text a like-operator sees: relational fields match on the display name (Odoo's name_search).
    const texts = (r: Rec): string[] => {
      const v = get(r);
      if (relational) return asList(v).map((id) => db.displayName(meta.relation ?? '', id as number));
      return isEmpty(v) ? [] : [String(v)];
    };

    if (meta.type === 'boolean' && (op === '=' || op === '!=') && typeof value === 'boolean') {
      const want = op === '=' ? value : !value;
      return (r) => (get(r) === true) === want;
    }

    switch (op) {
      case '=?':
        return value === false || value === null || value === undefined ? TRUE : this.simple(t, field, meta, '=', rawValue, term);
      case '=':
      case '!=': {
        let p: Pred;
        if (value === false || value === null) p = (r) => isEmpty(get(r));
        else if (relational && typeof value === 'string') p = (r) => texts(r).includes(value);
        else if (isX2m) p = (r) => asList(get(r)).includes(value);
        else p = (r) => {
          const v = get(r);
          return !isEmpty(v) && compare(v, value) === 0;
        };
        return op === '=' ? p : (r) => !p(r);
      }
      case '<':
      case '<=':
      case '>':
      case '>=': {
        if (value === false || value === null) return FALSE;
        const ok = op === '<' ? (c: number) => c < 0 : op === '<=' ? (c: number) => c <= 0 : op === '>' ? (c: number) => c > 0 : (c: number) => c >= 0;
        return (r) => {
          const v = get(r);
          return !isEmpty(v) && ok(compare(v, value));
        };
      }
      case 'in':
      case 'not in': {
        const list = asList(value);
        const withFalse = list.some((x) => x === false || x === null);
        const set = new Set(list.filter((x) => x !== false && x !== null));
        const p: Pred = (r) => {
          const vs = asList(get(r));
          if (vs.length === 0) return withFalse;
          return vs.some((x) => set.has(x));
        };
        return op === 'in' ? p : (r) => !p(r);
      }
      case 'like':
      case 'ilike':
      case '=like':
      case '=ilike':
      case 'not like':
      case 'not ilike': {
        const s = value === false || value === null ? '' : String(value);
        const wrapped = op === '=like' || op === '=ilike' ? s : `%${s}%`;
        const re = likeRegex(wrapped, op.includes('ilike'));
        const p: Pred = (r) => texts(r).some((x) => re.test(x));
        return op.startsWith('not') ? (r) => !p(r) : p;
      }
      case 'child_of':
      case 'parent_of': {
        const model = field === 'id' ? t.name : meta.relation;
        const target = model ? db.table(model) : undefined;
        if (!target) return FALSE;
        const start = asList(value).filter((x): x is number => typeof x === 'number');
        const set = op === 'child_of' ? this.descendants(target, start) : this.ancestors(target, start);
        return (r) => asList(get(r)).some((x) => set.has(x as number));
      }
      default:
        throw faults.invalidLeaf(db.version, term);
    }
  }

  private descendants(t: ModelTable, roots: number[]): Set<number> {
    const pf = parentField(t.name);
    const children = new Map<number, number[]>();
    for (const r of t.records.values()) {
      const p = this.db.value(t, r, pf);
      if (typeof p === 'number') {
        const list = children.get(p) ?? [];
        list.push(r.id);
        children.set(p, list);
      }
    }
    const out = new Set<number>();
    const queue = roots.filter((id) => t.records.has(id));
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (out.has(id)) continue;
      out.add(id);
      queue.push(...(children.get(id) ?? []));
    }
    return out;
  }

  private ancestors(t: ModelTable, ids: number[]): Set<number> {
    const pf = parentField(t.name);
    const out = new Set<number>();
    for (let id of ids) {
      while (t.records.has(id) && !out.has(id)) {
        out.add(id);
        const p = this.db.value(t, t.records.get(id)!, pf);
        if (typeof p !== 'number') break;
        id = p;
      }
    }
    return out;
  }
}

/** True when the domain mentions `active` in some leaf (then Odoo does not add its own active filter). */
export function mentionsActive(domain: unknown): boolean {
  return Array.isArray(domain) && domain.some((d) => Array.isArray(d) && d[0] === 'active');
}
