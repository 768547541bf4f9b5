/**
 * The target database a command works on: DATABASE_URL when set, else the embedded default.
 */
import type { Settings } from '../config.ts';
import type { Logger } from '../log.ts';
import { silentLogger } from '../log.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.ts';

export interface TargetDatabase {
  url: string;
  /** Set when the target is the embedded cluster. */
  embedded?: EmbeddedServer;
  /** Where it is, for people: host, port and database, never the password. */
  description: string;
  close(): Promise<void>;
}

export async function openTargetDatabase(
  settings: Pick<Settings, 'DATABASE_URL' | 'ODOO_ETL_HOME' | 'EMBEDDED_PG_PORT'>,
  logger: Logger = silentLogger,
): Promise<TargetDatabase> {
  if (settings.DATABASE_URL) {
    return { url: settings.DATABASE_URL, description: describeDatabaseUrl(settings.DATABASE_URL), close: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({ home: settings.ODOO_ETL_HOME, port: settings.EMBEDDED_PG_PORT, logger });
  return {
    url: embedded.url,
    embedded,
    description: `embedded PostgreSQL (${embedded.dataDir}), ${describeDatabaseUrl(embedded.url)}`,
    close: () => embedded.stop(),
  };
}

export function describeDatabaseUrl(value: string): string {
  const url = new URL(value);
  return `${url.username ? `${decodeURIComponent(url.username)}@` : ''}${url.hostname || 'localhost'}:${url.port || 5432}${url.pathname}`;
}
