// Where the recorded Odoo fixtures live: `ODOO_FIXTURES_DIR`, else `../shared/odoo-fixtures` beside the
// repository root. Only the import script and the tests read it; the simulator itself runs from the copies
// in `src/sim/fields/<version>/`.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function fixturesDir(): string {
  return process.env.ODOO_FIXTURES_DIR ?? path.resolve(repoRoot, '../shared/odoo-fixtures');
}
