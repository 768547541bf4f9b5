/**
 * A dbt `sources.yml` for the warehouse: every mirrored table and `missing_data`, every column described
 * with the Odoo field it mirrors (label and model.field, per Odoo version where they differ), primary keys as
 * `unique` + `not_null` tests, foreign keys as `relationships` tests, and source freshness on `synced_at`
 * from FRESHNESS. Written from the entity specs alone (no database needed), in dbt ≥ 1.10's syntax
 * (`data_tests`, test `arguments`, `loaded_at_field` and `freshness` under `config`).
 *
 * Composite keys use dbt's own tests on an expression (`source || '/' || odoo_id`) rather than a package
 * (dbt_utils), so the file works in any dbt project as it is.
 */
import { stringify } from 'yaml';
import { ODOO_SERIES, entities, getEntity, type ColumnSpec, type Entity, type OdooSeries, type SourceSpec } from '../entities/index.ts';
import { columnCompanyFields, columnFields } from '../entities/plan.ts';
import { loadVersionFile, type ModelFields } from '../sim/versions.ts';

export interface DbtSourcesOptions {
  /** FRESHNESS in milliseconds: dbt warns past it and errors past twice it. */
  freshnessMs: number;
  /** The dbt source name models use in `source('odoo', 'dim_products')`. */
  sourceName?: string;
  /** The PostgreSQL schema of the tables. */
  schema?: string;
  /** The tables whose history is kept (HISTORY): their `<table>_history` tables are sources too. */
  history?: string[];
}

export const DBT_SOURCE_NAME = 'odoo';
export const DBT_SCHEMA = 'public';

/** A test as dbt reads it: a bare name, or `{ name: { arguments } }`. */
export type DbtTest = string | Record<string, { arguments: Record<string, unknown> }>;

export interface DbtColumn {
  name: string;
  description: string;
  data_tests?: DbtTest[];
}

export interface DbtTable {
  name: string;
  description: string;
  config?: { freshness: null };
  data_tests?: DbtTest[];
  columns: DbtColumn[];
}

export interface DbtFreshness {
  warn_after: { count: number; period: 'minute' | 'hour' | 'day' };
  error_after: { count: number; period: 'minute' | 'hour' | 'day' };
}

export interface DbtSourcesFile {
  version: 2;
  sources: Array<{
    name: string;
    description: string;
    schema: string;
    config: { loaded_at_field: string; freshness: DbtFreshness };
    tables: DbtTable[];
  }>;
}

/** The separator of composite-key expressions: no key part (source codes, model names, ids) contains it. */
const KEY_SEPARATOR = " || '/' || ";

/** `a || '/' || b`: one value per composite key, for dbt's single-column tests. */
export function keyExpression(parts: string[]): string {
  return parts.join(KEY_SEPARATOR);
}

/** The parts of a key expression (column names, or quoted constants). */
export function keyExpressionParts(expression: string): string[] {
  return expression.split(KEY_SEPARATOR);
}

/** A duration as dbt's { count, period }: the largest period that divides it, else whole minutes (rounded up). */
export function dbtPeriod(ms: number): { count: number; period: 'minute' | 'hour' | 'day' } {
  const minutes = Math.max(1, Math.ceil(ms / 60_000));
  if (minutes % 1440 === 0) return { count: minutes / 1440, period: 'day' };
  if (minutes % 60 === 0) return { count: minutes / 60, period: 'hour' };
  return { count: minutes, period: 'minute' };
}

let recordedFields: Map<OdooSeries, Record<string, ModelFields>> | undefined;

/** The fields_get recorded from real Odoo 16–19 servers (shipped with the simulator): labels and relations. */
function fieldsOf(series: OdooSeries): Record<string, ModelFields> {
  recordedFields ??= new Map(
    ODOO_SERIES.map((s) => [s, { ...loadVersionFile<Record<string, ModelFields>>(s, 'fields.json'), ...loadVersionFile<Record<string, ModelFields>>(s, 'finance.json'), ...loadVersionFile<Record<string, ModelFields>>(s, 'stock-moves.json') }]),
  );
  return recordedFields.get(series)!;
}

/** The field's label in the newest version that has it. */
function fieldLabel(model: string, field: string): string | undefined {
  for (const series of [...ODOO_SERIES].reverse()) {
    const label = fieldsOf(series)[model]?.[field]?.string;
    if (label) return label;
  }
  return undefined;
}

/** The comodel of a many2one in the newest version that has it. */
function fieldRelation(model: string, field: string): string | undefined {
  for (const series of [...ODOO_SERIES].reverse()) {
    const relation = fieldsOf(series)[model]?.[field]?.relation;
    if (relation) return relation;
  }
  return undefined;
}

/** "16.0", "16.0–17.0", "18.0+" for a run of consecutive series. */
function seriesSpan(series: OdooSeries[]): string {
  const first = series[0]!;
  const last = series[series.length - 1]!;
  if (series.length === ODOO_SERIES.length) return '';
  if (last === ODOO_SERIES[ODOO_SERIES.length - 1]) return `${first}+`;
  return first === last ? first : `${first}–${last}`;
}

/** What fills the column from one source: its Odoo field(s) per version, with the label. */
function describeFromSource(column: ColumnSpec, source: SourceSpec): string {
  if ('constant' in column) return `'${column.constant}' for rows from ${source.model}`;
  if (source.selectionOf) {
    const label = fieldLabel(source.model, source.selectionOf);
    const what = column.column === 'code' ? 'A selection value' : 'The label of a selection value';
    return `${what} of ${source.model}.${source.selectionOf}${label ? ` ("${label}")` : ''}`;
  }
  // Group the versions by the fields they read, in series order.
  const groups: Array<{ fields: string[]; series: OdooSeries[] }> = [];
  for (const series of ODOO_SERIES) {
    // a computed column's company fields (a company default) are res.company's
    const fields = [...columnFields(column, series).map((f) => `${source.model}.${f}`), ...columnCompanyFields(column, series).map((f) => `res.company.${f}`)];
    const last = groups[groups.length - 1];
    if (last && last.fields.join(',') === fields.join(',')) last.series.push(series);
    else groups.push({ fields, series: [series] });
  }
  const where = groups
    .map((g) => {
      const span = seriesSpan(g.series);
      const fields = g.fields.length === 0 ? 'null' : g.fields.join(', ');
      return span ? `${fields} in Odoo ${span}` : fields;
    })
    .join('; ');
  // A computed column has no label of its own (its first field's would mislead: amount_untaxed is not "Total").
  if ('compute' in column) return `Computed from ${where}`;
  if ('businessDateOf' in column) {
    return `The calendar day of ${source.model}.${column.businessDateOf} in the company's timezone (its partner's tz, else BUSINESS_TIMEZONE, else UTC)`;
  }
  const newest = [...groups].reverse().find((g) => g.fields.length > 0);
  const label = newest ? fieldLabel(source.model, newest.fields[0]!.slice(source.model.length + 1)) : undefined;
  return label ? `${label} (${where})` : where;
}

const COMMON_DESCRIPTIONS: Record<string, string> = {
  write_date: "When the record last changed in Odoo (its write_date): the incremental sync's watermark",
  synced_at: 'When odoo-etl last wrote this row (it writes changed rows only)',
  deleted_at: 'When `odoo-etl reconcile` found the record deleted in Odoo; null while it exists',
  extra: 'The EXTRA_FIELDS configured for this table, as jsonb {field: value}',
  inferred: 'True for a placeholder holding only the key, made because another row referenced it before it loaded (see missing_data); false once the record itself is loaded',
  active: "Odoo's active flag: archived records are mirrored too, with false",
};

function modelsOf(entity: Entity): string {
  return entity.sources.map((s) => (entity.sourceColumn ? `${s.model} (${entity.sourceColumn} = '${s.source}')` : s.model)).join(', ');
}

function describeTable(entity: Entity): string {
  const kind = entity.kind === 'fact' ? 'Fact' : 'Dimension';
  if (entity.sync === 'derived') {
    const source = entity.sources[0]!;
    return `${kind}: the values of the selection field ${source.model}.${source.selectionOf}, refreshed on every run.`;
  }
  const from = `${kind} mirrored from Odoo ${modelsOf(entity)}, one row per record`;
  const archived = entity.active ? ', archived ones included (active = false)' : '';
  const how = entity.sync === 'snapshot' ? ' Re-read in full on every run (Odoo changes these without touching write_date).'
    : entity.snapshotWhenFull ? ' Synced incrementally by write_date; re-read in full after each reconcile (some edits leave write_date alone).'
    : ' Synced incrementally by write_date.';
  const optional = entity.optionalModel ? ` Empty where the model's module is not installed.` : '';
  return `${from}${archived}; records deleted in Odoo keep their row with deleted_at set.${how}${optional}`;
}

/** The key of `parent` as `child` holds it for a reference column: one expression part per parent key column. */
function referenceParts(child: Entity, source: SourceSpec, column: ColumnSpec, parent: Entity): string[] {
  return parent.key.map((part) => {
    if (part === 'odoo_id') return column.column;
    // The parent's source part: the child's own source column (all_sales.source for fact_sales_lines.order_id) ...
    if (child.key.includes(part)) return part;
    // ... or the model the Odoo field points at (dim_branches_branch_ref.ref_model = 'pos.config' for all_sales.config_id).
    const field = columnFields(column, ODOO_SERIES[ODOO_SERIES.length - 1]!)[0];
    const relation = field ? fieldRelation(source.model, field) : undefined;
    if (!relation || !parent.sources.some((s) => s.source === relation)) {
      throw new Error(`${child.table}.${column.column}: cannot tell which ${parent.table}.${part} it references`);
    }
    return `'${relation}'`;
  });
}

function entityTable(entity: Entity, sourceName: string): DbtTable {
  const columns = new Map<string, { descriptions: string[]; tests: DbtTest[] }>();
  const column = (name: string) => {
    let entry = columns.get(name);
    if (!entry) columns.set(name, (entry = { descriptions: [], tests: [] }));
    return entry;
  };
  const tableTests: DbtTest[] = [];

  // Key columns first, in key order, then the common ones, then the business columns.
  for (const part of entity.key) column(part);
  if (entity.key.includes('odoo_id')) column('odoo_id').descriptions.push(`Odoo record id (${entity.sources.map((s) => `${s.model}.id`).join(', ')})`);
  if (entity.key.length === 1) column(entity.key[0]!).tests.push('unique', 'not_null');
  else {
    for (const part of entity.key) column(part).tests.push('not_null');
    tableTests.push({ unique: { arguments: { column_name: keyExpression(entity.key) } } });
  }
  if (entity.active) column('active').descriptions.push(COMMON_DESCRIPTIONS.active!);

  const references = new Map<string, DbtTest>();
  for (const source of entity.sources) {
    for (const spec of source.columns) {
      const entry = column(spec.column);
      entry.descriptions.push(describeFromSource(spec, source));
      if (!spec.references || references.has(spec.column)) continue;
      const parent = getEntity(spec.references);
      const to = `source('${sourceName}', '${parent.table}')`;
      if (parent.key.length === 1) {
        const test: DbtTest = { relationships: { arguments: { to, field: parent.key[0]! } } };
        references.set(spec.column, test);
        entry.tests.push(test);
      } else {
        const test: DbtTest = {
          relationships: { arguments: { column_name: keyExpression(referenceParts(entity, source, spec, parent)), to, field: keyExpression(parent.key) } },
        };
        references.set(spec.column, test);
        tableTests.push(test);
      }
    }
  }
  for (const name of ['write_date', 'synced_at', 'deleted_at', 'extra', 'inferred']) column(name).descriptions.push(COMMON_DESCRIPTIONS[name]!);

  return {
    name: entity.table,
    description: describeTable(entity),
    ...(tableTests.length > 0 ? { data_tests: tableTests } : {}),
    columns: [...columns].map(([name, { descriptions, tests }]) => ({
      name,
      description: sourceValueDescription(entity, name) ?? [...new Set(descriptions)].join(' · '),
      ...(tests.length > 0 ? { data_tests: tests } : {}),
    })),
  };
}

/** The source column of a multi-source table says which model a row comes from. */
function sourceValueDescription(entity: Entity, column: string): string | undefined {
  if (column !== entity.sourceColumn) return undefined;
  return `Which Odoo model the row comes from: ${entity.sources.map((s) => `'${s.source}' = ${s.model}`).join(', ')}`;
}

/** public.missing_data: not mirrored from Odoo, written by the load and the heal step. */
const MISSING_DATA: DbtTable = {
  name: 'missing_data',
  description:
    'References to rows that were not in the warehouse when a row pointing at them loaded (a product committed late, a record the API user cannot read): the row loaded with an inferred parent and the miss is logged here, one row per referencing row, column and referenced row. The heal step fetches the parents and sets resolved_at; `odoo-etl missing` lists them.',
  config: { freshness: null },
  columns: [
    { name: 'id', description: 'Row id', data_tests: ['unique', 'not_null'] },
    { name: 'table_name', description: 'The referencing table' },
    { name: 'column_name', description: 'The referencing column' },
    { name: 'record_key', description: 'The referencing row\'s key as jsonb ({"odoo_id": 7}, {"source": "pos", "odoo_id": 3})' },
    { name: 'referenced_table', description: 'The table the reference points at' },
    { name: 'referenced_model', description: 'The Odoo model of the referenced record' },
    { name: 'referenced_id', description: 'The referenced record\'s Odoo id (the odoo_id part of referenced_key)' },
    { name: 'referenced_key', description: "The referenced row's whole key as jsonb" },
    { name: 'first_seen', description: 'When the miss was first seen' },
    { name: 'last_seen', description: 'When a load last met it' },
    { name: 'times_seen', description: 'How many loads met it' },
    { name: 'resolved_at', description: 'When the parent arrived (healed); null while open' },
    { name: 'reason', description: 'Why it cannot heal (e.g. the record no longer exists in Odoo); null while it may still heal' },
  ],
};

/** Computed in the warehouse (sql/functions/stock_daily.sql), not mirrored: freshness follows its refreshes. */
const FACT_STOCK_DAILY: DbtTable = {
  name: 'fact_stock_daily',
  description:
    "End-of-day stock per product, internal location and company, on the company's business day: from fact_stock_history since history began, reconstructed backwards from fact_stock_moves before; a row every day while the quantity is not zero and the day it reaches zero (etl.refresh_stock_daily, refreshed daily and at the end of each run that synced stock).",
  config: { freshness: null },
  data_tests: [{ unique: { arguments: { column_name: keyExpression(['day', 'product_id', 'location_id', 'company_id']) } } }],
  columns: [
    { name: 'day', description: "The day, in the company's business timezone", data_tests: ['not_null'] },
    { name: 'product_id', description: 'Product (dim_products_product.odoo_id)', data_tests: ['not_null'] },
    { name: 'location_id', description: 'Internal location (fact_stock_locations.odoo_id)', data_tests: ['not_null'] },
    { name: 'company_id', description: 'Company (dim_branches.odoo_id)', data_tests: ['not_null'] },
    { name: 'quantity', description: "Quantity at the end of the day, in the product's unit" },
    { name: 'source', description: "'history' (the quants' versions) or 'moves' (reconstructed from the move lines)" },
    { name: 'refreshed_at', description: 'When the row was computed' },
  ],
};

/** The columns every history table adds to its table's (sql/functions/history.sql), as dbt snapshots name them. */
const HISTORY_COLUMNS: DbtColumn[] = [
  { name: 'dbt_scd_id', description: "The version's id: md5 of the key and dbt_valid_from", data_tests: ['unique', 'not_null'] },
  { name: 'dbt_updated_at', description: 'Equal to dbt_valid_from (as with dbt\'s timestamp strategy)' },
  { name: 'dbt_valid_from', description: "When this version started: Odoo's write_date when the change moved it, else when odoo-etl saw the change (valid_from_source)", data_tests: ['not_null'] },
  { name: 'dbt_valid_to', description: "When the next version started; null for the current version. Intervals of a key never overlap and leave no gap" },
  { name: 'dbt_is_deleted', description: "True for a delete: a version of its own (dbt >= 1.9 hard_deletes='new_record')", data_tests: ['not_null'] },
  { name: 'change', description: "What happened: 'insert', 'update', 'delete' or 'restore'" },
  { name: 'valid_from_source', description: "'write_date' (Odoo's write_date moved) or 'observed' (the time of the writing transaction: raw-SQL changes, deletes)" },
  { name: 'recorded_at', description: 'When odoo-etl wrote this version (its transaction time)' },
];

/** `<table>_history`: snapshot-shaped (dbt snapshot columns), so dbt models can treat it as a snapshot. */
function historyTable(entity: Entity, sourceName: string): DbtTable {
  const base = entityTable(entity, sourceName);
  return {
    name: `${entity.table}_history`,
    description:
      `Every version of the rows of ${entity.table} (odoo-etl history): its columns plus the validity interval. Snapshot-shaped: the columns of a dbt snapshot ` +
      `(dbt_valid_from, dbt_valid_to null = current, dbt_is_deleted as with hard_deletes='new_record'), written by odoo-etl in the load's own transaction, not by \`dbt snapshot\`; ` +
      `${entity.table}_as_of(timestamptz) gives the table at a time.`,
    config: { freshness: null },
    data_tests: [{ unique: { arguments: { column_name: keyExpression([...entity.key, 'dbt_valid_from']) } } }],
    columns: [...base.columns.map(({ name, description }) => ({ name, description })), ...HISTORY_COLUMNS],
  };
}

/** The sources.yml document for dbt. */
export function dbtSources(options: DbtSourcesOptions): DbtSourcesFile {
  const sourceName = options.sourceName ?? DBT_SOURCE_NAME;
  return {
    version: 2,
    sources: [
      {
        name: sourceName,
        description: 'Odoo ERP data kept in sync by odoo-etl: dimension and fact tables mirrored from Odoo models, plus the log of missing references.',
        schema: options.schema ?? DBT_SCHEMA,
        config: {
          loaded_at_field: 'synced_at',
          freshness: { warn_after: dbtPeriod(options.freshnessMs), error_after: dbtPeriod(2 * options.freshnessMs) },
        },
        tables: [
          ...entities.map((entity) => entityTable(entity, sourceName)),
          MISSING_DATA,
          FACT_STOCK_DAILY,
          ...entities.filter((entity) => options.history?.includes(entity.table)).map((entity) => historyTable(entity, sourceName)),
        ],
      },
    ],
  };
}

/** sources.yml as text, with a header saying where it came from. */
export function renderDbtSources(file: DbtSourcesFile): string {
  const header = '# Generated by `odoo-etl dbt-sources` from the odoo-etl entity specs; regenerate rather than edit.\n';
  return header + stringify(file, { lineWidth: 0 });
}
