/**
 * Slonik pools with the type parsers this project wants: int8 counts as numbers (not BigInt),
 * numeric as numbers, timestamptz as ISO-8601 strings (what `--json` output and comparisons need).
 */
import { SETTING_DEFAULTS } from '../config.ts';
import { createPool, createTypeParserPreset, SchemaValidationError, type DatabasePool, type Interceptor } from 'slonik';
import { trackPgClients } from './raw-client.ts';

export type { DatabasePool };

const typeParsers = [
  ...createTypeParserPreset().filter((parser) => !['int8', 'timestamptz', 'timestamp'].includes(parser.name)),
  { name: 'int8', parse: (value: string) => Number(value) },
  { name: 'timestamptz', parse: (value: string) => new Date(value).toISOString() },
  { name: 'timestamp', parse: (value: string) => value },
];

/** Rows of `sql.type(schema)` queries are checked against their zod schema: a drifted column fails loudly here. */
const resultParser: Interceptor = {
  name: 'odoo-etl/result-parser',
  transformRowAsync: async (context, query, row) => {
    if (!context.resultParser) return row;
    const result = await context.resultParser.safeParseAsync(row);
    if (!result.success) throw new SchemaValidationError(query, row, result.error.issues);
    return result.data as typeof row;
  },
};

/**
 * Server-side limits set on every connection of both pools (slonik's and graphile-worker's): a statement
 * running longer than `statementTimeoutMs`, or a transaction left idle longer than
 * `idleInTransactionTimeoutMs`, is ended by PostgreSQL itself, releasing its locks. 0 turns a guard off.
 * The defaults are far above the longest legitimate statement (a 50,000-row upsert, a reconcile's update).
 */
export interface DatabaseGuards {
  statementTimeoutMs: number;
  idleInTransactionTimeoutMs: number;
}

export const DEFAULT_GUARDS: DatabaseGuards = {
  statementTimeoutMs: SETTING_DEFAULTS.DB_STATEMENT_TIMEOUT,
  idleInTransactionTimeoutMs: SETTING_DEFAULTS.DB_IDLE_IN_TRANSACTION_TIMEOUT,
};

/** The guards of the settings (DB_STATEMENT_TIMEOUT, DB_IDLE_IN_TRANSACTION_TIMEOUT). */
export function guardsFromSettings(settings: { DB_STATEMENT_TIMEOUT?: number; DB_IDLE_IN_TRANSACTION_TIMEOUT?: number }): DatabaseGuards {
  return {
    statementTimeoutMs: settings.DB_STATEMENT_TIMEOUT ?? DEFAULT_GUARDS.statementTimeoutMs,
    idleInTransactionTimeoutMs: settings.DB_IDLE_IN_TRANSACTION_TIMEOUT ?? DEFAULT_GUARDS.idleInTransactionTimeoutMs,
  };
}

export interface PoolOptions {
  maximumPoolSize?: number;
  guards?: DatabaseGuards;
}

export function createDatabasePool(connectionString: string, options: PoolOptions = {}): Promise<DatabasePool> {
  const guards = options.guards ?? DEFAULT_GUARDS;
  // The loader COPYs through the pg client of a transaction (raw-client.ts).
  trackPgClients();
  return createPool(connectionString, {
    typeParsers,
    interceptors: [resultParser],
    maximumPoolSize: options.maximumPoolSize ?? 10,
    // Sent as startup parameters of each connection (slonik would turn 0 into 1 ms: 0 means off here).
    statementTimeout: guards.statementTimeoutMs || 'DISABLE_TIMEOUT',
    idleInTransactionSessionTimeout: guards.idleInTransactionTimeoutMs || 'DISABLE_TIMEOUT',
    idleTimeout: 5_000,
    // Slonik's default query logging goes through roarr; ours goes through pino.
    captureStackTrace: false,
  });
}
