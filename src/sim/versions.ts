// The Odoo flavours the simulator speaks and the per-version files copied from the recorded fixtures
// (see import-fixtures.ts and test/fixtures/odoo/README.md).
import fs from 'node:fs';
import path from 'node:path';
import { packagePath } from '../package-root.ts';

export const ODOO_VERSIONS = ['16.0', '17.0', '18.0', '19.0'] as const;
export type OdooVersion = (typeof ODOO_VERSIONS)[number];

export interface FieldMeta {
  type: string;
  string: string;
  relation?: string;
  store?: boolean | null;
  required?: boolean;
  readonly?: boolean;
  selection?: [string, string][];
  company_dependent?: boolean;
}
export type ModelFields = Record<string, FieldMeta>;

// Read from the package root: the compiled simulator (dist/src/sim/) uses the same files as the sources.
const fieldsFolder = packagePath('src', 'sim', 'fields');

export function loadVersionFile<T>(version: OdooVersion, file: string): T {
  return JSON.parse(fs.readFileSync(path.join(fieldsFolder, version, file), 'utf8')) as T;
}

/** Accepts `17`, `17.0`, `saas~17.0`-free spellings. */
export function parseVersion(v: string | number | undefined): OdooVersion {
  const s = v === undefined ? '17.0' : String(v);
  const norm = s.includes('.') ? s : `${s}.0`;
  if (!(ODOO_VERSIONS as readonly string[]).includes(norm)) throw new Error(`unsupported Odoo version ${s} (use 16, 17, 18 or 19)`);
  return norm as OdooVersion;
}
