// The statement etl.upsert_sql generates, compared with reviewed copies in test/schema/golden/: a change to
// the generator (sql/functions/upsert.sql) or to a table's columns or foreign keys shows up here as a diff of
// the SQL that actually runs. Every table of the entity catalog has its file, and no file outlives its table.
// After an intended change: UPDATE_GOLDEN=1 npx vitest run test/schema/upsert-golden.test.ts, then review
// and commit the diff of test/schema/golden/.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entities } from '../../src/entities/index.ts';
import { openSqlDatabase, type SqlDatabase } from './helpers.ts';

const GOLDEN_DIR = path.join(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

let s: SqlDatabase;
beforeAll(async () => {
  s = await openSqlDatabase();
});
afterAll(async () => {
  await s.close();
});

describe('etl.upsert_sql, against the golden files', () => {
  const tables = entities.map((e) => e.table).sort();

  it('has a golden file for every table of the catalog and none for another', () => {
    if (UPDATE) {
      for (const f of fs.readdirSync(GOLDEN_DIR)) if (!tables.includes(f.replace(/^upsert-|\.sql$/g, ''))) fs.rmSync(path.join(GOLDEN_DIR, f));
    }
    expect(fs.readdirSync(GOLDEN_DIR).sort()).toEqual(tables.map((t) => `upsert-${t}.sql`).sort());
  });

  for (const table of tables) {
    it(`generates the reviewed statement for ${table}`, async () => {
      const { rows } = await s.client.query<{ sql: string }>('select etl.upsert_sql($1::regclass) as sql', [table]);
      const generated = `${rows[0]!.sql}\n`;
      const file = path.join(GOLDEN_DIR, `upsert-${table}.sql`);
      if (UPDATE) fs.writeFileSync(file, generated);
      const expected = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
      expect(
        generated === expected,
        `etl.upsert_sql('${table}') differs from ${path.relative(process.cwd(), file)}` +
          ' — if the change is intended, regenerate with UPDATE_GOLDEN=1 npx vitest run test/schema/upsert-golden.test.ts and review the diff',
      ).toBe(true);
      // The line-by-line diff, when they differ.
      expect(generated).toEqual(expected);
    });
  }
});
