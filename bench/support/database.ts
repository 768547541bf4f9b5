/**
 * PostgreSQL for the benchmarks: the test suite's server (ODOO_ETL_TEST_DATABASE_URL, else testcontainers,
 * else an embedded cluster in a temporary folder), one migrated template, and a fresh clone of it per case.
 */
import crypto from 'node:crypto';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { createDatabasePool, type DatabasePool } from '../../src/db/pool.ts';
import { databaseUrl, provideTestPostgres, withAdmin, type TestPostgres } from '../../test/support/postgres-server.ts';

export interface BenchDatabase {
  url: string;
  pool: DatabasePool;
  drop(): Promise<void>;
}

export interface BenchPostgres {
  kind: TestPostgres['kind'];
  serverVersion: string;
  /** A migrated database of its own. */
  fresh(): Promise<BenchDatabase>;
  stop(): Promise<void>;
}

export async function startBenchPostgres(): Promise<BenchPostgres> {
  const server = await provideTestPostgres();
  const prefix = `odoo_etl_bench_${process.pid}`;
  const template = `${prefix}_template`;
  const serverVersion = await withAdmin(server.adminUrl, async (admin) => {
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    return (await admin.query<{ v: string }>("select current_setting('server_version') as v")).rows[0]!.v;
  });
  await migrateDatabase(databaseUrl(server.adminUrl, template));
  const created: string[] = [];
  return {
    kind: server.kind,
    serverVersion,
    async fresh() {
      const name = `${prefix}_${crypto.randomBytes(4).toString('hex')}`;
      await withAdmin(server.adminUrl, (admin) => admin.query(`create database ${name} template ${template}`));
      created.push(name);
      const url = databaseUrl(server.adminUrl, name);
      const pool = await createDatabasePool(url, { maximumPoolSize: 12 });
      return {
        url,
        pool,
        async drop() {
          await pool.end();
          await withAdmin(server.adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
        },
      };
    },
    async stop() {
      await withAdmin(server.adminUrl, async (admin) => {
        for (const name of [...created, template]) await admin.query(`drop database if exists ${name} with (force)`);
      });
      await server.stop();
    },
  };
}
