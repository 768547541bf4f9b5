/**
 * The shape of a declaration file (ODOO_ETL_TABLES, default `odoo-etl.tables.yaml`): the tables a user
 * adds to the warehouse. Checked with zod for the shape; src/declared/validate.ts checks what needs the
 * whole file or the built-in registry (duplicate names, references).
 */
import { z } from 'zod';

/** Declared tables live in `public` beside the built-in ones; this prefix keeps the two sets apart. */
export const DECLARED_PREFIX = 'x_';

/** Columns every mirrored table has: a declaration may not name them. */
export const RESERVED_COLUMNS = ['odoo_id', 'active', 'write_date', 'synced_at', 'deleted_at', 'extra', 'inferred'] as const;

export const COLUMN_TYPES = ['text', 'integer', 'numeric', 'boolean', 'date', 'timestamptz', 'integer[]', 'jsonb'] as const;

// Room for the suffixes of the index and constraint names (`_write_date_idx`, `_<column>_fkey`) within 63 bytes.
const tableName = z
  .string()
  .max(40, 'at most 40 characters')
  .regex(/^x_[a-z][a-z0-9_]*$/, `must start with "${DECLARED_PREFIX}" then lower-case letters, digits or _ (the prefix keeps declared tables apart from built-in ones)`);
export const columnName = z.string().max(40, 'at most 40 characters').regex(/^[a-z_][a-z0-9_]*$/, 'lower-case letters, digits or _');
const odooName = z.string().regex(/^[a-z][a-z0-9_.]*$/, 'an Odoo technical name (lower-case, dots and _)');
const fieldName = z.string().regex(/^[a-z_][a-z0-9_]*$/, 'an Odoo field name');

const columnObject = z
  .object({
    /** The Odoo field (default: the column's name). */
    field: fieldName.optional(),
    /** Default: from the server's fields_get at migrate (a many2one with `references`: integer). */
    type: z.enum(COLUMN_TYPES).optional(),
    /** A many2one mirrored by another table (built-in or declared): integer column with a foreign key. */
    references: z.string().optional(),
    /** The reference closes a cycle between declared tables: it does not order the run (a row loaded first gets an inferred member). */
    cyclic: z.boolean().optional(),
    /** false: the column is NULL where the server lacks the field (one warning) instead of an error. */
    required: z.boolean().default(true),
    /** Company-dependent field: the record's company's value (else the main company's), or the main company's. */
    companyDependent: z.enum(['record', 'main']).optional(),
  })
  .strict();

export type DeclaredColumnInput = z.input<typeof columnObject>;

/** `column: {…}`, or `column: <type>`, or `column:` (nothing: field = column, type from the server). */
const column = z.preprocess((value) => (value === null || value === undefined ? {} : typeof value === 'string' ? { type: value } : value), columnObject);

const domainLeaf = z.union([z.enum(['&', '|', '!']), z.tuple([z.string().min(1), z.string().min(1), z.unknown()])], {
  errorMap: () => ({ message: `a domain item is '&', '|', '!' or [field, operator, value]` }),
});

export const declaredTableSchema = z
  .object({
    name: tableName,
    model: odooName,
    kind: z.enum(['dimension', 'fact']).default('dimension'),
    /** incremental: on (write_date, id); snapshot: every run reads all records (models without write_date). */
    sync: z.enum(['incremental', 'snapshot']).default('incremental'),
    /** Extra domain ANDed to every read, in Odoo's notation: [["state", "=", "done"]]. */
    domain: z.array(domainLeaf).optional(),
    /** Mirror Odoo's `active` flag (archived records are read either way). */
    active: z.boolean().default(false),
    /** Keep every version of the rows in <table>_history: added to HISTORY unless HISTORY=none (src/history/setting.ts). */
    history: z.boolean().default(false),
    columns: z.record(columnName, column).refine((c) => Object.keys(c).length > 0, 'declare at least one column'),
  })
  .strict();

export const declarationFileSchema = z.object({ tables: z.array(declaredTableSchema) }).strict();

export type DeclaredTable = z.output<typeof declaredTableSchema>;
export type DeclaredColumn = DeclaredTable['columns'][string];
export type DeclarationFile = z.output<typeof declarationFileSchema>;
