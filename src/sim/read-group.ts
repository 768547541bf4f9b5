// Grouped aggregates the way each Odoo version's public API answers them (no recordings exist of these
// calls; the shapes follow Odoo's source, odoo/models.py and addons/web/models/models.py per series):
//
// 16.0–18.0  read_group(domain, fields, groupby, offset=0, limit=None, orderby=False, lazy=True)
//   fields: 'name' (the field's default aggregator, sum for numbers), 'name:agg', 'alias:agg(name)',
//   '__count'. With lazy=True only the first groupby is grouped on and the count is `<groupby>_count`;
//   lazy=False groups on all of them and the count is `__count`. Aggregates are keyed by the field name
//   (or alias). A many2one group value is [id, display_name], an empty one false; each group has `__domain`.
// 19.0       formatted_read_group(domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None)
//   (web module; read_group is deprecated there, this simulator does not serve it on 19). Aggregates are
//   'name:agg' or '__count', keyed by that same spec string; each group has `__extra_domain`.
// Groups come in the order of the groupby values (many2one: by id here; Odoo orders by the comodel's
// _order, which callers must not rely on).
import { faults } from './faults.ts';
import type { Orm, SimUser } from './orm.ts';
import type { ModelTable, Rec } from './store.ts';
import type { WireValue } from './xmlrpc-codec.ts';

const AGGREGATORS = new Set(['sum', 'min', 'max', 'avg', 'count', 'count_distinct', 'bool_and', 'bool_or']);

export const READ_GROUP_KWARGS = {
  read_group: ['domain', 'fields', 'groupby', 'offset', 'limit', 'orderby', 'lazy'],
  formatted_read_group: ['domain', 'groupby', 'aggregates', 'having', 'offset', 'limit', 'order'],
};

interface Aggregate {
  /** The key of the value in a group. */
  key: string;
  field: string;
  func: string;
}

export function readGroup(orm: Orm, t: ModelTable, user: SimUser, method: string, a: Record<string, unknown>, ctx: Record<string, unknown>): WireValue {
  const v19 = orm.db.version === '19.0';
  if ((method === 'formatted_read_group') !== v19) throw faults.unknownMethod(orm.db.version, t.name, method);
  const groupby = (typeof a.groupby === 'string' ? [a.groupby] : Array.isArray(a.groupby) ? (a.groupby as unknown[]).map(String) : []);
  const lazy = !v19 && a.lazy !== false;
  const grouped = lazy ? groupby.slice(0, 1) : groupby;
  for (const g of grouped) if (!t.fields[g]) throw faults.valueError(`Invalid field '${g}' on model '${t.name}'`);
  const aggregates = v19 ? parseAggregates(t, a.aggregates, true) : parseAggregates(t, a.fields, false).filter((x) => !grouped.includes(x.field));
  const countKey = v19 ? '__count' : lazy ? `${grouped[0] ?? ''}_count` : '__count';

  const records = orm.search(t, user, a.domain, ctx, 0, undefined, 'id');
  const groups = new Map<string, Rec[]>();
  const keyOf = (r: Rec) => JSON.stringify(grouped.map((g) => orm.db.value(t, r, g) ?? false));
  for (const r of records) {
    const k = keyOf(r);
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  const ordered = [...groups.entries()].sort(([x], [y]) => compareKeys(JSON.parse(x) as unknown[], JSON.parse(y) as unknown[]));
  const off = typeof a.offset === 'number' ? a.offset : 0;
  const lim = typeof a.limit === 'number' && a.limit > 0 ? a.limit : Infinity;
  return ordered.slice(off, off + lim).map(([, recs]) => {
    const first = recs[0]!;
    const out: { [k: string]: WireValue } = {};
    const domain: WireValue[] = [];
    for (const g of grouped) {
      const raw = orm.db.value(t, first, g);
      const meta = t.fields[g]!;
      out[g] = meta.type === 'many2one' && typeof raw === 'number' ? [raw, orm.db.displayName(meta.relation ?? '', raw)] : ((raw ?? false) as WireValue);
      domain.push([g, '=', (raw ?? false) as WireValue]);
    }
    out[countKey] = recs.length;
    for (const x of aggregates) {
      if (x.field === '__count') {
        out[x.key] = recs.length;
        continue;
      }
      out[x.key] = aggregate(recs.map((r) => orm.db.value(t, r, x.field)), x.func);
    }
    out[v19 ? '__extra_domain' : '__domain'] = domain;
    return out;
  });
}

function parseAggregates(t: ModelTable, specs: unknown, v19: boolean): Aggregate[] {
  const out: Aggregate[] = [];
  for (const spec of Array.isArray(specs) ? (specs as unknown[]).map(String) : []) {
    if (spec === '__count') {
      out.push({ key: '__count', field: '__count', func: 'count' });
      continue;
    }
    const m = /^(\w+)(?::(\w+)(?:\((\w+)\))?)?$/.exec(spec);
    if (!m || (v19 && !m[2])) throw faults.valueError(`Invalid aggregate specification ${JSON.stringify(spec)}`);
    const field = m[3] ?? m[1]!;
    const meta = t.fields[field];
    if (field !== 'id' && !meta) throw faults.valueError(`Invalid field '${field}' on model '${t.name}'`);
    // A bare name takes the field's default aggregator: numbers sum, other fields are not aggregated.
    const func = m[2] ?? (meta && ['integer', 'float', 'monetary'].includes(meta.type) ? 'sum' : undefined);
    if (func === undefined) continue;
    if (!AGGREGATORS.has(func)) throw faults.valueError(`Invalid aggregation function ${JSON.stringify(func)}.`);
    out.push({ key: v19 ? spec : m[1]!, field, func });
  }
  return out;
}

function aggregate(values: unknown[], func: string): WireValue {
  const present = values.filter((v) => v !== null && v !== undefined && v !== false);
  // Dates and datetimes (Odoo's 'YYYY-MM-DD[ HH:MM:SS]' strings) take min/max in their own order, as SQL does.
  if ((func === 'min' || func === 'max') && present.length > 0 && present.every((v) => typeof v === 'string')) {
    const sorted = (present as string[]).sort();
    return func === 'min' ? sorted[0]! : sorted[sorted.length - 1]!;
  }
  const nums = present.map(Number);
  switch (func) {
    case 'sum':
      return nums.reduce((s, n) => s + n, 0);
    case 'min':
      return nums.length ? Math.min(...nums) : false;
    case 'max':
      return nums.length ? Math.max(...nums) : false;
    case 'avg':
      return nums.length ? nums.reduce((s, n) => s + n, 0) / nums.length : false;
    case 'count':
      return present.length;
    case 'count_distinct':
      return new Set(present.map((v) => JSON.stringify(v))).size;
    case 'bool_and':
      return present.every(Boolean);
    default:
      return present.some(Boolean);
  }
}

function compareKeys(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === false || x === null) return 1; // empty groups last, as Odoo's NULLS LAST
    if (y === false || y === null) return -1;
    const c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1;
    if (c !== 0) return c;
  }
  return 0;
}
