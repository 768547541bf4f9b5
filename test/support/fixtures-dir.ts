// Where the tests find the recorded real-Odoo fixtures: `test/fixtures/odoo/<version>/` in the repository
// (see its README), or `ODOO_FIXTURES_DIR` to try a fresh recording before importing it. fields_get
// answers are not here: the tests take them from the simulator's copy (`src/sim/fields/`).
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export const fixturesDir: string = process.env.ODOO_FIXTURES_DIR ?? path.join(repoRoot, 'test/fixtures/odoo');
