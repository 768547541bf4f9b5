// `.gmrc` (graphile-migrate's own commands: watch, commit, reset) and `odoo-etl migrate` (src/db/migrate.ts)
// must apply the same SQL function files in the same order, and every file of sql/functions must be applied.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SQL_FUNCTION_FILES } from '../../src/db/migrate.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** `.gmrc` is JSON with comments: the comments go, then it parses. */
function gmrc(): { afterAllMigrations: Array<{ _: string; file?: string }> } {
  const text = readFileSync(path.join(root, '.gmrc'), 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/^\s*\/\/.*$/gm, '');
  return JSON.parse(text) as ReturnType<typeof gmrc>;
}

describe('the SQL function files', () => {
  it(".gmrc's afterAllMigrations lists exactly the files migrate applies, in its order", () => {
    const listed = gmrc().afterAllMigrations.filter((a) => a._ === 'sql').map((a) => a.file);
    expect(listed).toEqual(SQL_FUNCTION_FILES);
  });

  it('every file of sql/functions is applied', () => {
    const files = readdirSync(path.join(root, 'sql/functions')).filter((f) => f.endsWith('.sql')).map((f) => `../sql/functions/${f}`);
    expect([...SQL_FUNCTION_FILES].sort()).toEqual(files.sort());
  });
});
