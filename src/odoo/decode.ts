// Decoding of Odoo values, in one place, with zod. Odoo sends `false` for every empty non-boolean field,
// many2one as `[id, display_name]`, datetimes as UTC strings without zone, integers above 2^31−1 as
// floats (XML-RPC cannot carry them) and `<i8>` as strings. A value that does not fit its field type is an
// OdooDecodeError naming model, record id and field.
import { z } from 'zod';
import { isCalendarDate, parseOdooDatetime } from './datetime.ts';
import type { FieldInfo, FieldsGetResult } from './types.ts';

export interface Many2oneValue {
  id: number;
  /** The display name Odoo sent alongside (null if it sent none). */
  name: string | null;
}
export interface ReferenceValue {
  model: string;
  id: number;
}
export type DecodedValue =
  | null
  | string
  | number
  | boolean
  | number[]
  | ReferenceValue
  | unknown;

/** A decoded record: many2one fields hold the id, their display names are in `names`. */
export interface DecodedRecord {
  id: number;
  values: Record<string, DecodedValue>;
  names: Record<string, string | null>;
}

export class OdooDecodeError extends Error {
  override name = 'OdooDecodeError';
  constructor(
    readonly model: string,
    readonly recordId: number | string | undefined,
    readonly field: string,
    readonly fieldType: string,
    detail: string,
  ) {
    super(`cannot decode ${model} record ${recordId ?? '(no id)'} field ${field} (${fieldType}): ${detail}`);
  }
}

/** Odoo's empty value becomes null; anything else must match `schema`. */
function nullable<T extends z.ZodTypeAny>(schema: T) {
  return z.union([z.literal(false).transform(() => null), z.null(), schema]);
}

/** A whole number, whether sent as int, as float (above 2^31−1) or as an `<i8>` string. */
const integer = z.union([
  z.number().refine((n) => Number.isSafeInteger(n), { message: 'not a whole number within ±2^53' }),
  z
    .string()
    .regex(/^-?\d+$/, 'not an integer string')
    .transform((s, ctx) => {
      const n = Number(s);
      if (!Number.isSafeInteger(n)) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'integer beyond ±2^53' });
        return z.NEVER;
      }
      return n;
    }),
]);
const id = integer.refine((n) => n > 0, { message: 'not a record id' });
const float = z.number().finite();

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  return m !== null && isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `YYYY-MM-DD`, kept as such: a date has no time zone. */
const date = z.string().refine(isDate, { message: 'not a YYYY-MM-DD date' });

/** Odoo's `YYYY-MM-DD HH:MM:SS` (UTC) → ISO 8601 with `Z`. */
const datetime = z.string().transform((s, ctx) => {
  const iso = parseOdooDatetime(s);
  if (iso === undefined) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a YYYY-MM-DD HH:MM:SS datetime' });
    return z.NEVER;
  }
  return iso;
});

const many2one = z.union([
  z.tuple([id, z.union([z.string(), z.literal(false)])]).transform(([i, name]): Many2oneValue => ({ id: i, name: name === false ? null : name })),
  // `read` with load=None / JSON-2 with `load: null`: the bare id
  id.transform((i): Many2oneValue => ({ id: i, name: null })),
]);
const idList = z.array(id);
const reference = z.string().transform((s, ctx): ReferenceValue => {
  const m = /^([\w.]+),(\d+)$/.exec(s);
  if (!m) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: 'not a "model,id" reference' });
    return z.NEVER;
  }
  return { model: m[1]!, id: Number(m[2]) };
});

/** The schema for one field type; unknown types pass through unchanged. */
export function schemaForField(info: Pick<FieldInfo, 'type'>): z.ZodTypeAny {
  switch (info.type) {
    case 'boolean':
      return z.boolean();
    case 'char':
    case 'text':
    case 'html':
    case 'binary':
      return nullable(z.string());
    case 'selection':
      return nullable(z.union([z.string(), integer]));
    case 'integer':
    case 'many2one_reference':
      return nullable(integer);
    case 'float':
    case 'monetary':
      return nullable(float);
    case 'date':
      return nullable(date);
    case 'datetime':
      return nullable(datetime);
    case 'many2one':
      return nullable(many2one);
    case 'many2many':
    case 'one2many':
      return nullable(idList).transform((v) => v ?? []);
    case 'reference':
      return nullable(reference);
    case 'json':
    case 'properties':
    case 'properties_definition':
      return nullable(z.unknown());
    default:
      return z.unknown();
  }
}

export type RecordDecoder = (record: unknown) => DecodedRecord;

const NO_FAST_PATH = Symbol('no fast path');

/**
 * The same result as the field's zod schema for the values that make up nearly every record (empty,
 * a plain string, number or id pair), without building zod's union attempts (which allocate an error
 * per rejected branch: a fifth of a full sync's CPU). Anything else, valid or not, goes through zod,
 * which stays the definition and the source of the error messages.
 */
function fastPath(type: string, value: unknown): unknown {
  if (value === false || value === null) {
    if (type === 'boolean') return value === false ? false : NO_FAST_PATH;
    if (type === 'many2many' || type === 'one2many') return [];
    return null;
  }
  switch (type) {
    case 'boolean':
      return typeof value === 'boolean' ? value : NO_FAST_PATH;
    case 'char':
    case 'text':
    case 'html':
    case 'binary':
    case 'selection':
      return typeof value === 'string' ? value : NO_FAST_PATH;
    case 'integer':
      return Number.isSafeInteger(value) ? value : NO_FAST_PATH;
    case 'float':
    case 'monetary':
      return typeof value === 'number' && Number.isFinite(value) ? value : NO_FAST_PATH;
    case 'date':
      return typeof value === 'string' && isDate(value) ? value : NO_FAST_PATH;
    case 'datetime':
      return (typeof value === 'string' && parseOdooDatetime(value)) || NO_FAST_PATH;
    case 'many2one':
      if (Array.isArray(value) && value.length === 2 && Number.isSafeInteger(value[0]) && (value[0] as number) > 0 && typeof value[1] === 'string') {
        return { id: value[0] as number, name: value[1] } satisfies Many2oneValue;
      }
      return NO_FAST_PATH;
    case 'many2many':
    case 'one2many':
      return Array.isArray(value) && value.every((v) => Number.isSafeInteger(v) && (v as number) > 0) ? value : NO_FAST_PATH;
    default:
      return NO_FAST_PATH;
  }
}

/**
 * A decoder for records of `model` with the given fields (default: every field `fields_get` lists and the
 * record carries). Fields the record has but `fields_get` does not know are an error: the caller asked
 * for them, so a mismatch means the wrong field list.
 */
export function makeRecordDecoder(model: string, fields: FieldsGetResult, fieldNames?: string[]): RecordDecoder {
  const schemas = new Map<string, { type: string; schema: z.ZodTypeAny }>();
  const schemaFor = (name: string): { type: string; schema: z.ZodTypeAny } | undefined => {
    let entry = schemas.get(name);
    if (!entry) {
      const info = name === 'id' ? (fields.id ?? { type: 'integer' }) : fields[name];
      if (!info) return undefined;
      entry = { type: info.type, schema: name === 'id' ? id : schemaForField(info) };
      schemas.set(name, entry);
    }
    return entry;
  };
  if (fieldNames) {
    for (const name of fieldNames) {
      if (!schemaFor(name)) throw new OdooDecodeError(model, undefined, name, '?', 'field is not in fields_get');
    }
  }
  return (record: unknown): DecodedRecord => {
    if (!record || typeof record !== 'object' || Array.isArray(record)) {
      throw new OdooDecodeError(model, undefined, '(record)', 'object', `not a record: ${describe(record)}`);
    }
    const raw = record as Record<string, unknown>;
    const rawId = raw.id;
    const idResult = id.safeParse(rawId);
    if (!idResult.success) throw new OdooDecodeError(model, describeId(rawId), 'id', 'integer', `${issue(idResult.error)}, got ${describe(rawId)}`);
    const recordId = idResult.data as number;
    const values: Record<string, DecodedValue> = { id: recordId };
    const names: Record<string, string | null> = {};
    const keys = fieldNames ?? Object.keys(raw);
    for (const name of keys) {
      if (name === 'id') continue;
      const entry = schemaFor(name);
      if (!entry) throw new OdooDecodeError(model, recordId, name, '?', 'field is not in fields_get');
      if (!(name in raw)) throw new OdooDecodeError(model, recordId, name, entry.type, 'missing from the record');
      const fast = fastPath(entry.type, raw[name]);
      if (fast !== NO_FAST_PATH) {
        if (entry.type === 'many2one') {
          const m2o = fast as Many2oneValue | null;
          values[name] = m2o?.id ?? null;
          names[name] = m2o?.name ?? null;
        } else values[name] = fast as DecodedValue;
        continue;
      }
      const result = entry.schema.safeParse(raw[name]);
      if (!result.success) {
        throw new OdooDecodeError(model, recordId, name, entry.type, `${issue(result.error)}, got ${describe(raw[name])}`);
      }
      if (entry.type === 'many2one') {
        const m2o = result.data as Many2oneValue | null;
        values[name] = m2o?.id ?? null;
        names[name] = m2o?.name ?? null;
      } else {
        values[name] = result.data as DecodedValue;
      }
    }
    return { id: recordId, values, names };
  };
}

/** One record; prefer makeRecordDecoder for many records of the same model. */
export function decodeRecord(model: string, record: unknown, fields: FieldsGetResult): DecodedRecord {
  return makeRecordDecoder(model, fields)(record);
}

export function decodeRecords(model: string, records: unknown[], fields: FieldsGetResult, fieldNames?: string[]): DecodedRecord[] {
  const decode = makeRecordDecoder(model, fields, fieldNames);
  return records.map(decode);
}

function issue(error: z.ZodError): string {
  // A union reports each branch; the last branch is the field's real type (the others are false/null).
  const first = error.issues[0];
  if (first?.code === 'invalid_union') {
    const branches = first.unionErrors.map((e) => e.issues[0]?.message).filter(Boolean);
    return branches[branches.length - 1] ?? first.message;
  }
  return first?.message ?? error.message;
}

/** A short description of a bad value (type and a clipped rendering, never whole blobs). */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `list ${clip(JSON.stringify(value))}`;
  if (typeof value === 'string') return `string ${clip(JSON.stringify(value))}`;
  if (typeof value === 'object') return `object ${clip(JSON.stringify(value))}`;
  return `${typeof value} ${String(value)}`;
}

function describeId(value: unknown): number | string | undefined {
  return typeof value === 'number' || typeof value === 'string' ? value : undefined;
}

function clip(s: string | undefined): string {
  if (s === undefined) return '';
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
