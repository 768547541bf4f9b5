/**
 * What odoo-etl uses from graphile-migrate beyond its public API, as deep imports from its `dist/` folder:
 * - `clearAllPools`: graphile-migrate keeps its pools alive for a while after `migrate()`; releasing them
 *   lets a command end at once.
 * - `getAllMigrations` / `getMigrationsAfter`: the committed migrations as graphile-migrate reads them
 *   (headers parsed, the hash chain validated) and the ones its `status` counts as pending. Its public
 *   `status()` would need a shadow database setting it never uses, and opens its own pool.
 * - `graphile_migrate.migrations`: its own record of the applied migrations (no API reads it), read here only.
 * test/foundation/internals.test.ts fails loudly if an upgrade moves or renames them.
 */
import type pg from 'pg';
import { getAllMigrations, getMigrationsAfter } from 'graphile-migrate/dist/migration.js';
import { clearAllPools } from 'graphile-migrate/dist/pgReal.js';
import type { ParsedSettings } from 'graphile-migrate/dist/settings.js';

export const MIGRATE_DEEP_IMPORT = 'graphile-migrate/dist/pgReal.js';
export const MIGRATE_MIGRATION_IMPORT = 'graphile-migrate/dist/migration.js';

/** Ends the pools graphile-migrate opened. */
export function releaseMigratePools(): void {
  clearAllPools();
}

export interface CommittedMigration {
  /** `000001.sql`: the name graphile_migrate.migrations stores. */
  filename: string;
  hash: string;
}

/** A row of graphile_migrate.migrations. */
export interface AppliedMigration {
  filename: string;
  hash: string;
  previousHash: string | null;
}

/**
 * The committed migrations of `migrationsFolder`, and those graphile-migrate would apply after the last
 * applied one (its `status`). Throws graphile-migrate's own error when a committed file is invalid.
 */
export async function committedMigrations(
  migrationsFolder: string,
  lastApplied: AppliedMigration | null,
): Promise<{ committed: CommittedMigration[]; pending: string[] }> {
  // Both read only `migrationsFolder` from the settings (graphile-migrate 1.4.1).
  const settings = { migrationsFolder } as ParsedSettings;
  const committed = await getAllMigrations(settings);
  const pending = await getMigrationsAfter(settings, lastApplied === null ? null : { ...lastApplied, allowInvalidHash: false });
  return { committed: committed.map((m) => ({ filename: m.filename, hash: m.hash })), pending: pending.map((m) => m.filename) };
}

/**
 * The migrations graphile-migrate has applied (graphile_migrate.migrations), in their order; null when the
 * database has no such table yet (never migrated).
 */
export async function appliedMigrations(client: pg.ClientBase): Promise<AppliedMigration[] | null> {
  const exists = await client.query<{ ok: boolean }>(`select to_regclass('graphile_migrate.migrations') is not null as ok`);
  if (!exists.rows[0]!.ok) return null;
  const result = await client.query<AppliedMigration>(
    'select filename, hash, previous_hash as "previousHash" from graphile_migrate.migrations order by filename',
  );
  return result.rows;
}
