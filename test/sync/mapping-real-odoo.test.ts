// The mapping checked against real Odoo: the records real 16/17/18/19 servers returned (recorded, in
// test/fixtures/odoo/<version>/samples/) are served by the simulator at their own ids, a full sync runs, and
// every column of every table's row is compared with the recorded field the hand-written documented mapping
// names (test/support/documented-mapping.ts), normalized by the rules below and nothing else. The expected
// values never go through src/entities. Swapping two columns of a spec fails here: the first test where the
// recorded records tell the two apart (list_price ↔ weight in dim_products does), the second always (it
// compares each spec with the documented mapping): three demo records a model leave some same-typed pairs
// equal in every record (e.g. a POS line's price_subtotal and price_total, no tax in the demo).
import fs from 'node:fs';
import path from 'node:path';
import { sql } from 'slonik';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { columnFields, entities } from '../../src/entities/index.ts';
import { loadVersionFile, type ModelFields } from '../../src/sim/versions.ts';
import {
  DOCUMENTED_MAPPING,
  SERIES,
  UNKNOWN,
  entryFor,
  type Entry,
  type Recorded,
  type RecordedRecord,
  type Series,
} from '../support/documented-mapping.ts';
import { fixturesDir } from '../support/fixtures-dir.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

/** The recorded search_read answers of one server, by model (the simulator serves every one of them). */
function recordedSamples(series: Series): Recorded {
  const folder = path.join(fixturesDir, series, 'samples');
  const out: Recorded = {};
  for (const file of fs.readdirSync(folder).filter((f) => f.endsWith('.json'))) {
    const sample = JSON.parse(fs.readFileSync(path.join(folder, file), 'utf8')) as { model: string; records: RecordedRecord[] };
    out[sample.model] = sample.records;
  }
  return out;
}

/**
 * The normalizations between what Odoo answers and what a column holds: these and nothing else.
 * `columnType` is the column's PostgreSQL type (information_schema), `value` the recorded value.
 */
function normalize(value: unknown, columnType: string): unknown {
  // XML-RPC has no null: Odoo sends `false` for an empty value of any type; only a boolean column keeps it.
  if (value === false && columnType !== 'boolean') return null;
  // many2one arrives as [id, display_name]: the column keeps the id (the name belongs to the referenced table).
  if (Array.isArray(value) && columnType === 'integer') return value[0];
  // Odoo datetimes are UTC strings without a zone ('YYYY-MM-DD HH:MM:SS'); the column is a timestamptz,
  // read back here in UTC as PostgreSQL's JSON prints it.
  if (typeof value === 'string' && columnType === 'timestamp with time zone') return `${value.replace(' ', 'T')}+00:00`;
  // float/monetary → numeric, integer → integer, many2many id list → integer[], date/char/text/selection → as is.
  return value;
}

/** A field the server does not have (not in its recorded fields_get) gives a NULL column (optional fields). */
const ABSENT = Symbol('field absent from the server');

/** The recorded record reached from `record` through many2one hops, or undefined when the recording lacks it. */
function follow(record: RecordedRecord, hops: Array<[string, string]>, recorded: Recorded): RecordedRecord | undefined {
  let at: RecordedRecord | undefined = record;
  for (const [via, model] of hops) {
    const id: unknown = Array.isArray(at?.[via]) ? (at[via] as unknown[])[0] : undefined;
    at = (recorded[model] ?? []).find((r) => r.id === id);
    if (!at) return undefined;
  }
  return at;
}

/** What a documented entry says the column holds for one recorded record, before normalization. */
function documentedValue(entry: Entry, record: RecordedRecord, recorded: Recorded, fields: ModelFields, company: number): unknown {
  if (entry === null) return null;
  if (typeof entry === 'string') {
    if (entry !== 'id' && !(entry in fields)) return ABSENT;
    if (!(entry in record)) throw new Error(`the documented field ${entry} is not in the recording: document how it is known`);
    return record[entry];
  }
  if ('constant' in entry) return entry.constant;
  if ('readCompany' in entry) return company;
  if ('notRecorded' in entry) return UNKNOWN;
  if ('related' in entry) {
    if (entry.related in record) return record[entry.related];
    const target = follow(record, entry.path, recorded);
    return target && entry.target in target ? target[entry.target] : UNKNOWN;
  }
  return entry.value(record, recorded);
}

/**
 * The records as the simulator serves them: the recording, plus the values of fields Odoo does not store
 * (so the recording lacks them) that the documented mapping knows from another recorded record.
 */
function servedRecords(series: Series, recorded: Recorded, fieldsGet: Record<string, ModelFields>): Recorded {
  const served: Recorded = structuredClone(recorded);
  for (const table of Object.values(DOCUMENTED_MAPPING)) {
    for (const source of table.sources) {
      for (const [index, record] of (served[source.model] ?? []).entries()) {
        for (const raw of Object.values(source.columns)) {
          const entry = entryFor(raw, series);
          const field = entry === null || typeof entry !== 'object' ? undefined : 'related' in entry ? entry.related : 'computed' in entry && entry.computed.length === 1 ? entry.computed[0] : undefined;
          if (!field || field in record || !(field in (fieldsGet[source.model] ?? {}))) continue;
          const value = documentedValue(entry, recorded[source.model]![index]!, recorded, fieldsGet[source.model]!, 0);
          if (value !== UNKNOWN) record[field] = value;
        }
      }
    }
  }
  return served;
}

type Row = Record<string, unknown>;

async function tableRows(harness: SyncHarness, table: string): Promise<readonly Row[]> {
  return harness.db.pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`set local timezone = 'UTC'`);
    return tx.anyFirst(sql.type(z.object({ row: z.record(z.unknown()) }))`select to_jsonb(r) as row from ${sql.identifier(['public', table])} r`);
  });
}

/** The table's columns and their types; generated columns (constants of the schema, not the mapping) left out. */
async function tableColumns(harness: SyncHarness, table: string): Promise<Map<string, string>> {
  const rows = await harness.db.pool.any(sql.type(z.object({ column_name: z.string(), data_type: z.string() }))`
    select column_name, case when data_type = 'ARRAY' then udt_name else data_type end as data_type
      from information_schema.columns
     where table_schema = 'public' and table_name = ${table} and is_generated = 'NEVER' and column_name <> 'synced_at'`);
  return new Map(rows.map((r) => [r.column_name, r.data_type]));
}

interface Difference {
  table: string;
  key: string;
  column: string;
  expected: unknown;
  actual: unknown;
}

describe.each(SERIES)('the mapping against the records of a real Odoo %s', (series) => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('fills every column of every table with the recorded value of the field the documented mapping names', async () => {
    // the recorded fields_get: the sales/stock/hr models, the finance models (finance.json), the stock movements (stock-moves.json)
    const fieldsGet = { ...loadVersionFile<Record<string, ModelFields>>(series, 'fields.json'), ...loadVersionFile<Record<string, ModelFields>>(series, 'finance.json'), ...loadVersionFile<Record<string, ModelFields>>(series, 'stock-moves.json') };
    const recorded = recordedSamples(series);
    harness = await startHarness({ sim: { version: series, recordedRecords: servedRecords(series, recorded, fieldsGet) } });
    const report = await harness.sync({ full: true });
    expect(report.run.status, JSON.stringify(report.steps.filter((s) => s.status === 'failed'))).toBe('succeeded');
    // product.brand (OCA) is on none of the recorded servers: skipped, its table empty (checked below)
    for (const step of report.steps.filter((s) => s.entity !== 'heal_missing')) expect(step.status, step.entity).toBe(step.entity === 'dim_brands' ? 'skipped' : 'succeeded');
    // The samples (three records a model) point at records outside them: those become inferred members,
    // open in missing_data (this Odoo does not have them), and the referencing column keeps the recorded id.
    const open = await harness.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from missing_data where resolved_at is null`);
    expect(open).toBeGreaterThan(0);

    // The company whose values a plain read shows: the recorded admin's (res.users 2), as the recording read;
    // dim_product_costs is checked on that company's rows (the other companies' values were not recorded).
    const admin = recorded['res.users']!.find((u) => u.id === 2)!;
    const mainCompany = (admin.company_id as [number, string])[0];

    const differences: Difference[] = [];
    let checked = 0;
    expect(Object.keys(DOCUMENTED_MAPPING).sort(), 'every table has a documented mapping').toEqual(entities.map((e) => e.table).sort());
    for (const [table, doc] of Object.entries(DOCUMENTED_MAPPING)) {
      const columns = await tableColumns(harness, table);
      const rows = await tableRows(harness, table);
      const keyOf = (row: Row) => doc.key.map((k) => String(row[k])).join('/');
      const byKey = new Map(rows.map((r) => [keyOf(r), r]));
      for (const source of doc.sources) {
        let fields = fieldsGet[source.model];
        let records: RecordedRecord[];
        if (source.selectionOf) {
          // derived: one row per selection value of the recorded fields_get, as a { code, name } pseudo-record
          const selection = fields?.[source.selectionOf]?.selection ?? [];
          records = selection.map(([code, name], i) => ({ id: i, code, name }));
          fields = { code: { type: 'selection', string: 'value' }, name: { type: 'char', string: 'label' } };
          expect(rows.length, `${table}: one row per selection value`).toBe(selection.length);
        } else records = fields ? (recorded[source.model] ?? []) : [];
        if (!fields) expect(rows, `${table}: ${source.model} is not on the server, the table stays empty`).toEqual([]);
        for (const record of records) {
          const expected: Row = { deleted_at: null, inferred: false, extra: null };
          // a selection value has no write date
          if (source.selectionOf) expected.write_date = null;
          else {
            if (doc.key.includes('odoo_id')) expected.odoo_id = record.id;
            expected.write_date = record.write_date;
            if (doc.active) expected.active = record.active;
          }
          for (const [column, raw] of Object.entries(source.columns)) {
            expected[column] = documentedValue(entryFor(raw, series), record, recorded, fields ?? {}, mainCompany);
          }
          for (const column of columns.keys()) if (!(column in expected)) expected[column] = `undocumented column ${column}`;
          const key = keyOf(Object.fromEntries(Object.entries(expected).map(([c, value]) => [c, normalize(value, columns.get(c) ?? '')])));
          const row = byKey.get(key);
          if (!row) {
            differences.push({ table, key, column: '(row)', expected: 'a row', actual: 'none' });
            continue;
          }
          for (const [column, type] of columns) {
            const want = expected[column];
            if (want === UNKNOWN) continue;
            const value = want === ABSENT ? null : normalize(want, type);
            checked++;
            if (JSON.stringify(value) !== JSON.stringify(row[column])) differences.push({ table, key, column, expected: value, actual: row[column] });
          }
        }
      }
    }
    expect(differences).toEqual([]);
    expect(checked).toBeGreaterThan(800);
  });

  it('has every spec read, for every column, the field the documented mapping names', () => {
    const mismatches: string[] = [];
    for (const entity of entities) {
      const doc = DOCUMENTED_MAPPING[entity.table];
      if (!doc) {
        mismatches.push(`${entity.table}: no documented mapping`);
        continue;
      }
      expect([...doc.key], entity.table).toEqual([...entity.key]);
      for (const source of entity.sources) {
        const documented = doc.sources.find((s) => s.model === source.model);
        if (!documented) {
          mismatches.push(`${entity.table}: source ${source.model} is not documented`);
          continue;
        }
        if (documented.selectionOf !== source.selectionOf) mismatches.push(`${entity.table}: selection ${source.selectionOf} documented as ${documented.selectionOf}`);
        const specColumns = new Set(source.columns.map((c) => c.column));
        for (const column of source.columns) {
          const entry = documented.columns[column.column] === undefined ? undefined : entryFor(documented.columns[column.column]!, series);
          const says = 'constant' in column ? `constant ${column.constant}` : 'readCompany' in column ? 'read company' : columnFields(column, series).join('+') || 'NULL';
          const doc = entry === undefined ? 'undocumented'
            : entry === null ? 'NULL'
            : typeof entry === 'string' ? entry
            : 'constant' in entry ? `constant ${entry.constant}`
            : 'readCompany' in entry ? 'read company'
            : 'related' in entry ? entry.related
            : 'computed' in entry ? entry.computed.join('+')
            : entry.notRecorded;
          if (says !== doc) mismatches.push(`${entity.table}.${column.column} (${source.model}, Odoo ${series}): the spec reads ${says}, documented ${doc}`);
        }
        // a documented column the spec does not fill must be NULL for that source
        for (const [column, raw] of Object.entries(documented.columns)) {
          if (!specColumns.has(column) && entryFor(raw, series) !== null) mismatches.push(`${entity.table}.${column} (${source.model}): documented but not in the spec`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
