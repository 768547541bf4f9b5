/**
 * `odoo-etl history <table>`: the versions of a row (`--key`), a table as it was at a time (`--at`, through
 * its as-of function), or without either the newest versions. Reads public."<table>_history"
 * (sql/functions/history.sql); a table without history, or a key that does not fit the table's key, is a
 * HistoryReadError naming it.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { findEntity } from '../entities/index.ts';

export class HistoryReadError extends Error {
  override name = 'HistoryReadError';
}

export const historyVersionSchema = z.object({
  validFrom: z.string(),
  validTo: z.string().nullable(),
  change: z.string(),
  validFromSource: z.string(),
  deleted: z.boolean(),
  recordedAt: z.string(),
  /** The row's key, then every column of the table as it was in this version. */
  key: z.record(z.unknown()),
  row: z.record(z.unknown()),
});
export type HistoryVersion = z.infer<typeof historyVersionSchema>;

export interface HistoryReport {
  table: string;
  /** Whether history is kept for the table now (a table whose history was turned off can still be read). */
  enabled: boolean;
  at: string | null;
  key: Record<string, unknown> | null;
  versions: HistoryVersion[];
}

export interface HistoryQuery {
  /** The table's state at this time (the versions valid then, not deleted). */
  at?: Date;
  /** One key: its value (`42`), or for a composite key the values in key order (`pos,42`) or by name (`source=pos,odoo_id=42`). */
  key?: string;
  limit?: number;
}

/** The META columns of a history table, kept out of `row`. */
const META = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_is_deleted', 'change', 'valid_from_source', 'recorded_at'];
const ISO_UTC = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"';

/** Parses `--key` against the table's key columns; a value of the wrong shape is a HistoryReadError naming --key. */
export function parseHistoryKey(table: string, keyColumns: string[], raw: string): Record<string, string> {
  const parts = raw.split(',').map((p) => p.trim());
  const named = parts.every((p) => p.includes('='));
  const values: Record<string, string> = {};
  if (named) {
    for (const part of parts) {
      const [name, ...rest] = part.split('=');
      values[name!.trim()] = rest.join('=').trim();
    }
  } else if (parts.length === keyColumns.length) {
    keyColumns.forEach((column, i) => (values[column] = parts[i]!));
  }
  const names = Object.keys(values);
  if (names.length !== keyColumns.length || !keyColumns.every((c) => names.includes(c)) || Object.values(values).some((v) => v === '')) {
    throw new HistoryReadError(
      `--key "${raw}" does not fit ${table}'s key (${keyColumns.join(', ')}): give ${keyColumns.length > 1 ? `the values in that order (e.g. ${keyColumns.map((c) => (c === 'odoo_id' ? '42' : `<${c}>`)).join(',')}) or ${keyColumns.map((c) => `${c}=…`).join(',')}` : 'its value (e.g. 42)'}`,
    );
  }
  return values;
}

export async function readHistory(pool: DatabasePool, table: string, query: HistoryQuery = {}): Promise<HistoryReport> {
  const state = await pool.maybeOne(sql.type(z.object({ enabled: z.boolean(), has_table: z.boolean() }))`
    select h.enabled, to_regclass(format('public.%I', h.table_name || '_history')) is not null as has_table
    from etl.history_table h where h.table_name = ${table}`);
  if (!state || !state.has_table) {
    const known = findEntity(table) !== undefined;
    throw new HistoryReadError(
      known
        ? `no history is kept for ${table}: add it to HISTORY (or HISTORY=all) and run odoo-etl migrate`
        : `${table} is not a table of this warehouse`,
    );
  }
  const keyColumns = await pool.anyFirst(sql.type(z.object({ k: z.string() }))`select unnest(etl.history_key(format('public.%I', ${table}::text)::regclass)) as k`);
  const key = query.key !== undefined ? parseHistoryKey(table, [...keyColumns], query.key) : null;
  const hist = sql.identifier(['public', `${table}_history`]);
  const limit = query.limit ?? 100;

  const conditions = [sql.fragment`true`];
  if (key) {
    // The values take the columns' types through the history table's row type: a value the type refuses
    // (`--key abc` for an integer id) is reported as a malformed key, not a database error.
    const typed = sql.fragment`json_populate_record(null::${hist}, ${JSON.stringify(key)}::json)`;
    for (const column of keyColumns) conditions.push(sql.fragment`h.${sql.identifier([column])} = (${typed}).${sql.identifier([column])}`);
  }
  if (query.at) {
    const at = query.at.toISOString();
    conditions.push(sql.fragment`h.dbt_valid_from <= ${at}::timestamptz and (h.dbt_valid_to is null or h.dbt_valid_to > ${at}::timestamptz) and not h.dbt_is_deleted`);
  }
  const order = key
    ? sql.fragment`h.dbt_valid_from`
    : query.at
      ? sql.fragment`${sql.join(keyColumns.map((c) => sql.fragment`h.${sql.identifier([c])}`), sql.fragment`, `)}`
      : sql.fragment`h.recorded_at desc, h.dbt_valid_from desc`;

  let rows;
  try {
    // Timestamps of the rows in UTC (to_jsonb writes them in the session's zone).
    rows = await pool.transaction(async (tx) => {
      await tx.query(sql.unsafe`set local time zone 'UTC'`);
      return tx.any(sql.type(z.object({ row: z.record(z.unknown()), valid_from: z.string(), valid_to: z.string().nullable(), recorded_at: z.string() }))`
      select to_jsonb(h) as row,
             to_char(h.dbt_valid_from at time zone 'UTC', ${ISO_UTC}) as valid_from,
             to_char(h.dbt_valid_to at time zone 'UTC', ${ISO_UTC}) as valid_to,
             to_char(h.recorded_at at time zone 'UTC', ${ISO_UTC}) as recorded_at
      from ${hist} h
      where ${sql.join(conditions, sql.fragment` and `)}
      order by ${order}
      limit ${limit}`);
    });
  } catch (error) {
    if (key && /invalid input syntax|out of range/.test((error as Error).message)) {
      throw new HistoryReadError(`--key "${query.key}" does not fit ${table}'s key (${keyColumns.join(', ')}): ${(error as Error).message}`);
    }
    throw error;
  }
  const versions = rows.map((r): HistoryVersion => {
    const row = Object.fromEntries(Object.entries(r.row).filter(([c]) => !META.includes(c)));
    return {
      validFrom: r.valid_from,
      validTo: r.valid_to,
      change: String(r.row.change),
      validFromSource: String(r.row.valid_from_source),
      deleted: r.row.dbt_is_deleted === true,
      recordedAt: r.recorded_at,
      key: Object.fromEntries(keyColumns.map((c) => [c, r.row[c]])),
      row,
    };
  });
  return { table, enabled: state.enabled, at: query.at?.toISOString() ?? null, key, versions };
}

/** Columns left out of the text output: the same for every version or about the sync, not the record. */
const QUIET = ['synced_at', 'inferred', 'deleted_at'];

/**
 * Text: one line per version, `from → to  change (source)` then, for a key's versions, what changed from the
 * previous version (`list_price: 10 → 12`; the first version shows its columns that are not null); for a
 * table at a time, each row's key and its columns that are not null. `columns`: only these are shown.
 */
export function renderHistory(report: HistoryReport, options: { columns?: string[] } = {}): string[] {
  const lines: string[] = [];
  const what = report.key ? ` ${Object.entries(report.key).map(([k, v]) => `${k}=${v}`).join(',')}` : '';
  const when = report.at ? ` at ${report.at}` : '';
  lines.push(`${report.table}${what}${when}: ${report.versions.length} version(s)${report.enabled ? '' : ' (history no longer kept for this table)'}`);
  let previous: Record<string, unknown> | null = null;
  for (const v of report.versions) {
    const keyText = report.key ? '' : `${Object.entries(v.key).map(([k, val]) => `${k}=${show(val)}`).join(',')}  `;
    const head = `${keyText}${v.validFrom} → ${v.validTo ?? 'now'}  ${v.change} (${v.validFromSource})${v.deleted ? ' deleted' : ''}`;
    const columns = Object.entries(v.row).filter(([c]) => (options.columns ? options.columns.includes(c) : !QUIET.includes(c)) && !(c in v.key));
    const changed =
      report.key && previous
        ? columns.filter(([c, val]) => JSON.stringify(val) !== JSON.stringify(previous![c])).map(([c, val]) => `${c}: ${show(previous![c])} → ${show(val)}`)
        : columns.filter(([, val]) => val !== null).map(([c, val]) => `${c}=${show(val)}`);
    lines.push(changed.length > 0 ? `${head}  ${changed.join(', ')}` : head);
    previous = v.row;
  }
  return lines;
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
