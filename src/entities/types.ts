/**
 * The shape of an entity spec: which Odoo model(s) feed a warehouse table, which field (per Odoo version)
 * fills each column, and what the column references. Specs are data; the few columns that need code get a
 * small pure `compute` next to their spec.
 */

export const ODOO_SERIES = ['16.0', '17.0', '18.0', '19.0'] as const;
export type OdooSeries = (typeof ODOO_SERIES)[number];

/** PostgreSQL types of the mirrored columns (the specs-match-schema test compares them with the catalog). */
export type ColumnType = 'text' | 'integer' | 'numeric' | 'boolean' | 'date' | 'timestamptz' | 'integer[]' | 'jsonb';

/** A decoded value (see src/odoo/decode.ts: many2one is already its id, many2many an id list). */
export type RowValue = string | number | boolean | number[] | null | Record<string, unknown> | unknown[];

/** A decoded record's values by field name. */
export type RecordValues = Record<string, unknown>;
/** Company id → values of res.company fields (ComputedColumn.companyFields), as the plan carries them. */
export type CompanyValues = Record<string, Record<string, unknown>>;

/**
 * An Odoo field name, the same in every version, or per version. A version not listed takes the value of
 * the nearest earlier listed one (so `{ '16.0': 'pos_categ_id', '17.0': 'pos_categ_ids' }` means 17, 18
 * and 19 use `pos_categ_ids`); `null` means the version has no such field (the column is NULL, no warning).
 */
export type FieldRef = string | Partial<Record<OdooSeries, string | null>>;

interface ColumnBase {
  column: string;
  type: ColumnType;
  /**
   * True: the server must have the field(s) — a missing one is a start-up error naming model, field and
   * version. False: a missing field makes the column NULL with one warning.
   */
  required: boolean;
  /** The table this column's value points at (a real foreign key in the schema). */
  references?: string;
  /**
   * The reference closes a cycle between tables (e.g. company → partner → company): it does not order the
   * run; a row loaded before its parent gets an inferred member, filled when the parent loads.
   */
  cyclic?: boolean;
  /**
   * How a company-dependent value is read. Odoo answers such a field (fields_get `company_dependent`, or
   * computed from env.company like a template's standard_price) for the first of allowed_company_ids, so a
   * spec must choose (the plan refuses a company-dependent column without a choice):
   * - 'record': the record's own company's value when its company_id is set, else the user's main company's;
   * - 'main': the user's main company's value for every record.
   * Columns of a per-company source (SourceSpec.perCompany) carry the company of their row instead.
   */
  companyDependent?: 'record' | 'main';
}

/** The column is one Odoo field's decoded value. */
export interface FieldColumn extends ColumnBase {
  field: FieldRef;
}

/** The column is computed from several fields (e.g. product type from `type` + `is_storable`). */
export interface ComputedColumn extends ColumnBase {
  /** The fields `compute` reads, per version (same fallback rule as FieldRef). */
  fields: string[] | Partial<Record<OdooSeries, string[] | null>>;
  /**
   * Fields of the record's company (res.company) the compute also needs, per version (e.g. a company default
   * a record can override): read once per run for every company (src/sync/business-timezones.ts) and named
   * in the plan's field set, so a change of them makes the next run a full pass.
   */
  companyFields?: Partial<Record<OdooSeries, string[] | null>>;
  /**
   * `companies`: company id → its `companyFields` values, when the column has companyFields on this version;
   * `names`: the display names of the record's many2one values (src/odoo/decode.ts), for a column that keeps one.
   */
  compute: (values: RecordValues, series: OdooSeries, companies: CompanyValues | undefined, names: Record<string, string | null>) => RowValue;
}

/** The column has the same value for every row of the source (e.g. all_sales.source = 'pos'). */
export interface ConstantColumn extends ColumnBase {
  constant: string;
}

/** The company a per-company source's record was read for (SourceSpec.perCompany). */
export interface CompanyColumn extends ColumnBase {
  readCompany: true;
}

/**
 * The calendar day of a datetime field as the business counts it: in the timezone of the record's company
 * (`company_id`), resolved once per plan (src/entities/business-date.ts; SourcePlan.timezones).
 */
export interface BusinessDateColumn extends ColumnBase {
  businessDateOf: string;
}

export type ColumnSpec = FieldColumn | ComputedColumn | ConstantColumn | CompanyColumn | BusinessDateColumn;

export interface SourceSpec {
  /** The Odoo model read. */
  model: string;
  /** For tables fed by several models: this source's value of the entity's source column ('pos', 'sale', 'pos.config'). */
  source?: string;
  /** Extra domain leaves ANDed to the sync's cursor domain. */
  domain?: unknown[];
  /**
   * Derived sources read no records: the rows are the selection values of this field of `model`, as
   * `{ code, name }` pseudo-records (dim_promotion_types).
   */
  selectionOf?: string;
  /**
   * Every record is read once per company of the user, in that company's context: one row per record and
   * company, the company in the source's CompanyColumn (dim_product_costs).
   */
  perCompany?: boolean;
  /** Business columns this source fills; the common ones (odoo_id ← id, write_date, extra, ...) are implicit. */
  columns: ColumnSpec[];
}

export type EntityKind = 'dimension' | 'fact';
export type SyncMode = 'incremental' | 'snapshot' | 'derived';

export interface EntitySpec {
  table: string;
  kind: EntityKind;
  sync: SyncMode;
  /** Primary key columns of the table. */
  key: string[];
  /** The key column that tells sources apart (`source`, `ref_model`), for multi-source tables. */
  sourceColumn?: string;
  /** The model may be absent from a server (e.g. OCA product.brand): the entity is skipped, not failed. */
  optionalModel?: boolean;
  /** The table has Odoo's `active` column (archived records are mirrored too). */
  active: boolean;
  /**
   * Incremental entities whose values can also change without write_date moving: normal runs read what
   * write_date says changed, but a full pass reads the whole snapshot instead (every record, keys Odoo no
   * longer has marked deleted), and the delete reconcile clears the watermark so that the next run is such
   * a pass: edits behind the ORM's back are repaired at the reconcile's cadence (dim_product_costs).
   */
  snapshotWhenFull?: boolean;
  sources: SourceSpec[];
}

/** An entity as the registry hands it out: the spec plus the tables it must run after. */
export interface Entity extends EntitySpec {
  /** Tables referenced by non-cyclic columns (self-references excluded): they sync first. */
  dependsOn: string[];
}

/**
 * The columns every mirrored table has besides its key and business columns; write_date and extra are
 * filled by toRow, the others by the SQL load. `odoo_id` (when in the key) is filled from the record id.
 */
export const COMMON_COLUMNS = ['write_date', 'synced_at', 'deleted_at', 'extra', 'inferred'] as const;
