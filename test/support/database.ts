/**
 * A fresh database per test file (or per test), cloned from the migrated template of global-setup.ts.
 */
import crypto from 'node:crypto';
import { inject } from 'vitest';
import { createDatabasePool, type DatabasePool } from '../../src/db/pool.ts';
import { databaseUrl, withAdmin } from './postgres-server.ts';

export interface TestDatabase {
  url: string;
  name: string;
  pool: DatabasePool;
  /** Drops the database (the pool is ended first). */
  drop(): Promise<void>;
}

/** Creates an empty database on the test server (not migrated), for tests of `migrate` itself. */
export async function emptyDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  return createDatabase(undefined);
}

/** Creates a migrated database with its own pool. */
export async function freshDatabase(): Promise<TestDatabase> {
  const created = await createDatabase(inject('pgTemplate'));
  const pool = await createDatabasePool(created.url, { maximumPoolSize: 5 });
  return {
    ...created,
    pool,
    async drop() {
      await pool.end();
      await created.drop();
    },
  };
}

async function createDatabase(template: string | undefined) {
  const adminUrl = inject('pgAdminUrl');
  // The global setup's pid prefixes the name, so its teardown finds what a crashed file left behind.
  const templatePid = inject('pgTemplate').split('_').pop();
  const name = `odoo_etl_t${templatePid}_${crypto.randomBytes(5).toString('hex')}`;
  await withAdmin(adminUrl, async (admin) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(template ? `create database ${name} template ${template}` : `create database ${name}`);
        return;
      } catch (error) {
        // Two files cloning the template at the same instant can collide ("being accessed by other users").
        if (attempt >= 20 || (error as { code?: string }).code !== '55006') throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  });
  return {
    url: databaseUrl(adminUrl, name),
    name,
    drop: () => withAdmin(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`).then(() => undefined)),
  };
}
