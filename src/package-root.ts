/**
 * The folder of odoo-etl's package.json, where the files the program reads at run time live
 * (`migrations/`, `sql/`, the simulator's `src/sim/fields/`). The same whether this module runs from
 * the TypeScript sources (`src/`) or compiled (`dist/src/`), in a checkout or installed under node_modules.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE_NAME = 'odoo-etl';

function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === PACKAGE_NAME) return dir;
    if (path.dirname(dir) === dir) throw new Error(`odoo-etl: no package.json named "${PACKAGE_NAME}" above ${from}`);
  }
}

export const packageRoot = findPackageRoot(path.dirname(fileURLToPath(import.meta.url)));

/** A path inside the package, e.g. `packagePath('migrations')`. */
export function packagePath(...parts: string[]): string {
  return path.join(packageRoot, ...parts);
}
