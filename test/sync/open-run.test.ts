/**
 * Two `sync` of the same tables started together end in one run that both follow (issue 18 §3): looking
 * for a run to attach to and starting one are one step (src/sync/attach.ts openRun), so none is refused
 * with "already being synced by another run" and no `skipped` run is left behind.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { createDatabasePool, type DatabasePool } from '../../src/db/pool.ts';
import { openRun } from '../../src/sync/attach.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';

describe('openRun', () => {
  let db: TestDatabase;
  const pools: DatabasePool[] = [];
  beforeAll(async () => {
    db = await freshDatabase();
  });
  afterAll(async () => {
    for (const pool of pools) await pool.end();
    await db?.drop();
  });

  it('eight syncs of the same table started at once: one run starts, the seven others attach to it', async () => {
    // One pool per "process", as eight `odoo-etl sync` would have.
    for (let i = 0; i < 8; i++) pools.push(await createDatabasePool(db.url, { maximumPoolSize: 2 }));
    const opened = await Promise.all(
      pools.map((pool) => openRun(pool, { entities: ['dim_categories'], full: false, staleAfterMs: 60_000, trigger: 'cli' })),
    );
    expect(opened.filter((o) => o.notStarted !== undefined)).toEqual([]);
    expect(new Set(opened.map((o) => o.runId)).size).toBe(1);
    expect(opened.filter((o) => o.attached === undefined)).toHaveLength(1);
    expect(opened.filter((o) => o.attached !== undefined)).toHaveLength(7);
    const runs = await db.pool.any(sql.type(z.object({ status: z.string() }))`select status from etl.run order by id`);
    expect(runs).toEqual([{ status: 'running' }]);
  });

  it('a sync of tables a running run covers only in part is still refused, naming them', async () => {
    const other = await openRun(db.pool, { entities: ['dim_categories', 'dim_branches'], full: false, staleAfterMs: 60_000, trigger: 'cli' });
    expect(other.attached).toBeUndefined();
    expect(other.notStarted).toBe('already being synced by another run: dim_categories');
  });
});
