import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

const folder = path.resolve(import.meta.dirname, '../../sql/monitoring');
const files = fs.readdirSync(folder).filter((f) => f.endsWith('.sql'));

describe('the monitoring SQL in sql/monitoring', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await freshDatabase();
    await db.pool.query(sql.unsafe`
      with r as (insert into etl.run (entities, status, finished_at) values ('{dim_categories}', 'failed', now()) returning id)
      insert into etl.run_entity (run_id, entity, status, read, error, started_at, finished_at)
      select id, 'dim_categories', 'failed', 3, 'Odoo product.category.search_read failed: boom', now() - interval '1 minute', now() from r`);
  });
  afterAll(async () => {
    await db.drop();
  });

  it.each(files)('%s runs against the migrated schema', async (file) => {
    // Static files of this repository, not input: run as they are, as psql would.
    const text = fs.readFileSync(path.join(folder, file), 'utf8');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query(text).finally(() => client.end());
    expect(Array.isArray(rows)).toBe(true);
    if (file === 'failures.sql') expect(rows).toEqual([expect.objectContaining({ entity: 'dim_categories', attempts: 0 })]);
  });
});
