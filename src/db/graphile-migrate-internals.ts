/**
 * What odoo-etl uses from graphile-migrate beyond its public API: `clearAllPools`, a deep import from its
 * `dist/` folder. graphile-migrate keeps its pools alive for a while after `migrate()`; releasing them lets a
 * command end at once. test/foundation/internals.test.ts fails loudly if an upgrade moves or renames it.
 */
import { clearAllPools } from 'graphile-migrate/dist/pgReal.js';

export const MIGRATE_DEEP_IMPORT = 'graphile-migrate/dist/pgReal.js';

/** Ends the pools graphile-migrate opened. */
export function releaseMigratePools(): void {
  clearAllPools();
}
