/**
 * Slonik pools with the type parsers this project wants: int8 counts as numbers (not BigInt),
 * numeric as numbers, timestamptz as ISO-8601 strings (what `--json` output and comparisons need).
 */
import { createPool, createTypeParserPreset, type DatabasePool } from 'slonik';

export type { DatabasePool };

const typeParsers = [
  ...createTypeParserPreset().filter((parser) => !['int8', 'timestamptz', 'timestamp'].includes(parser.name)),
  { name: 'int8', parse: (value: string) => Number(value) },
  { name: 'timestamptz', parse: (value: string) => new Date(value).toISOString() },
  { name: 'timestamp', parse: (value: string) => value },
];

export interface PoolOptions {
  maximumPoolSize?: number;
  statementTimeoutMs?: number | 'DISABLE_TIMEOUT';
}

export function createDatabasePool(connectionString: string, options: PoolOptions = {}): Promise<DatabasePool> {
  return createPool(connectionString, {
    typeParsers,
    maximumPoolSize: options.maximumPoolSize ?? 10,
    statementTimeout: options.statementTimeoutMs ?? 'DISABLE_TIMEOUT',
    idleTimeout: 5_000,
    // Slonik's default query logging goes through roarr; ours goes through pino.
    captureStackTrace: false,
  });
}
