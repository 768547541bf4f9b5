/**
 * A batch row as one line of PostgreSQL's COPY text format, for the load's staging table (load.ts). A value
 * becomes what `json_populate_recordset` made of the same JSON value (the path before COPY, still there in
 * etl.upsert_json): a missing key or null is NULL, a json column gets the value's JSON, an array column a
 * PostgreSQL array literal, any other column the string, the number or boolean as text, or an object's JSON.
 */

export interface StagedColumn {
  name: string;
  /** How a value is written (etl.stage_columns): json/jsonb, a PostgreSQL array, or anything else. */
  kind: 'json' | 'array' | 'plain';
}

const NULL = '\\N';
const SPECIAL = /[\\\n\r\t]/;
const SPECIALS = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** COPY text escapes: a backslash, and the row and column delimiters. */
function escaped(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c]!) : text;
}

const ELEMENT_SPECIALS = /[\\"]/g;

/** A PostgreSQL array literal; every non-null element quoted, so no element needs more thought. */
function arrayLiteral(values: unknown[]): string {
  const parts = values.map((v) => {
    if (v === null || v === undefined) return 'NULL';
    if (Array.isArray(v)) return arrayLiteral(v);
    const text = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return `"${text.replace(ELEMENT_SPECIALS, '\\$&')}"`;
  });
  return `{${parts.join(',')}}`;
}

function field(kind: StagedColumn['kind'], value: unknown): string {
  if (value === null || value === undefined) return NULL;
  switch (typeof value) {
    case 'string':
      return escaped(kind === 'json' ? JSON.stringify(value) : value);
    case 'number':
      // JSON has no NaN or Infinity: JSON.stringify made them null.
      return Number.isFinite(value) ? String(value) : NULL;
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (kind === 'array' && Array.isArray(value)) return escaped(arrayLiteral(value));
      if (value instanceof Date) return kind === 'json' ? `"${value.toISOString()}"` : value.toISOString();
      return escaped(JSON.stringify(value));
    default:
      return NULL;
  }
}

/** One row, its columns in the staging table's order, ending with a newline. */
export function copyLine(columns: StagedColumn[], row: Record<string, unknown>): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    line += (i === 0 ? '' : '\t') + field(c.kind, row[c.name]);
  }
  return line + '\n';
}
