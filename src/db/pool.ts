/**
 * Slonik pools with the type parsers this project wants: int8 counts as numbers (not BigInt),
 * numeric as numbers, timestamptz as ISO-8601 strings (what `--json` output and comparisons need).
 */
import { createPool, createTypeParserPreset, SchemaValidationError, type DatabasePool, type Interceptor } from 'slonik';

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

export interface PoolOptions {
  maximumPoolSize?: number;
  statementTimeoutMs?: number | 'DISABLE_TIMEOUT';
}

export function createDatabasePool(connectionString: string, options: PoolOptions = {}): Promise<DatabasePool> {
  return createPool(connectionString, {
    typeParsers,
    interceptors: [resultParser],
    maximumPoolSize: options.maximumPoolSize ?? 10,
    statementTimeout: options.statementTimeoutMs ?? 'DISABLE_TIMEOUT',
    idleTimeout: 5_000,
    // Slonik's default query logging goes through roarr; ours goes through pino.
    captureStackTrace: false,
  });
}
