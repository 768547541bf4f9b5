/**
 * vitest global setup: one PostgreSQL server for the whole run, and one migrated template database
 * that every test file clones (see database.ts), so files run in parallel and never see each other's rows.
 */
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { databaseUrl, provideTestPostgres } from './postgres-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
    pgKind: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await provideTestPostgres();
  const template = `odoo_etl_template_${process.pid}`;
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
  } finally {
    await admin.end();
  }
  await migrateDatabase(databaseUrl(server.adminUrl, template));

  project.provide('pgAdminUrl', server.adminUrl);
  project.provide('pgTemplate', template);
  project.provide('pgKind', server.kind);

  return async () => {
    const cleanup = new pg.Client({ connectionString: server.adminUrl });
    await cleanup.connect();
    try {
      // Drop what this run created (matters only on an existing server; the others go away whole).
      const { rows } = await cleanup.query<{ datname: string }>(
        `select datname from pg_database where datname = $1 or datname like $2`,
        [template, `odoo_etl_t${process.pid}_%`],
      );
      for (const { datname } of rows) await cleanup.query(`drop database if exists "${datname}" with (force)`);
    } finally {
      await cleanup.end();
    }
    await server.stop();
  };
}
