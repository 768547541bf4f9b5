/**
 * `status --json` and `missing --json` against what the database holds, and status as a health check:
 * exit 0 when every entity is fresh, 1 when an entity's last run failed or its last success is older
 * than FRESHNESS.
 */
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { entityNames } from '../../src/entities/index.ts';
import { missingReportSchema } from '../../src/ops/missing.ts';
import { statusSchema } from '../../src/ops/status.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { NOT_IN_ODOO } from '../../src/sync/heal.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { odooEnv, runCli } from './cli.ts';

describe('status and missing', () => {
  let db: TestDatabase;
  let sim: Simulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await freshDatabase();
    sim = await startSimulator({ version: '17.0', scale: 1, seed: 1, withBrand: true });
    env = { DATABASE_URL: db.url, ...odooEnv(sim, 'admin', 'admin') };
    const full = await runCli(['sync', '--quiet'], env);
    expect(full.code, full.stderr).toBe(0);
    // An order line whose product was deleted before any sync saw it: a reference that cannot heal.
    const { id: _id, create_date: _c, write_date: _w, ...line } = sim.records('sale.order.line')[0]!;
    const product = sim.create('product.product', { product_tmpl_id: 1, name: 'Gone', active: true });
    sim.create('sale.order.line', { ...line, product_id: product, name: 'Gone' });
    sim.unlink('product.product', [product]);
    const incremental = await runCli(['sync', '--quiet'], env);
    expect(incremental.code, incremental.stderr).toBe(0);
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  it('status --json matches its schema and the database: rows, last run counts, open missing references', async () => {
    const result = await runCli(['status', '--json'], { ...env, FRESHNESS: '1h' });
    expect(result.code, result.stderr).toBe(0);
    const status = statusSchema.parse(JSON.parse(result.stdout));
    expect(status.healthy).toBe(true);
    expect(status.problems).toEqual([]);
    expect(status.entities.map((e) => e.entity).sort()).toEqual([...entityNames()].sort());
    expect(status.database).toContain(db.name);
    expect(status.odoo).toEqual({ url: sim.url, db: sim.db, username: 'admin', transport: 'auto' });
    expect(result.stdout).not.toContain('"admin@');
    expect(status.schedule.map((s) => s.identifier)).toEqual(['odoo-etl:sync', 'odoo-etl:reconcile', 'odoo-etl:prune', 'odoo-etl:stock-daily']);
    for (const s of status.schedule) {
      expect(s.next).toHaveLength(3);
      expect(Date.parse(s.next[0]!)).toBeGreaterThan(Date.parse(status.generatedAt));
    }

    const lastRunId = await db.pool.oneFirst(sql.type(z.object({ id: z.number() }))`select max(id) as id from etl.run`);
    expect(status.lastRun?.id).toBe(lastRunId);
    for (const entity of status.entities) {
      const rows = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*) as n from ${sql.identifier(['public', entity.entity])}`);
      expect({ entity: entity.entity, rows: entity.rows, exact: entity.rowsExact }).toEqual({ entity: entity.entity, rows, exact: true });
      expect(entity.state).toBe('ok');
      expect(entity.lagSeconds).toBeLessThan(300);
      const step = await db.pool.one(sql.type(
        z.object({ run_id: z.number(), inserted: z.number(), updated: z.number(), unchanged: z.number(), deleted: z.number() }),
      )`select run_id, inserted, updated, unchanged, deleted from etl.run_entity where entity = ${entity.entity} and run_id = ${lastRunId}`);
      expect(entity.lastRun).toMatchObject({ runId: step.run_id, inserted: step.inserted, updated: step.updated, unchanged: step.unchanged, deleted: step.deleted });
      const open = await db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        select count(*) as n from public.missing_data where table_name = ${entity.entity} and resolved_at is null`);
      expect(entity.openMissing).toBe(open);
    }
    expect(status.entities.find((e) => e.entity === 'fact_sales_lines')!.openMissing).toBe(1);
    expect(status.openMissing).toBe(1);
    const sales = status.entities.find((e) => e.entity === 'all_sales')!;
    expect(sales.watermarks.map((w) => w.source)).toEqual(['pos', 'sale']);
  });

  it('status as text names every table and says healthy', async () => {
    const result = await runCli(['status'], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/healthy/);
    for (const name of entityNames()) expect(result.stdout).toMatch(new RegExp(`^${name}\\s+ok\\s`, 'm'));
  });

  it('missing --json matches its schema and the missing_data rows, with the reason of the reference that cannot heal', async () => {
    const all = missingReportSchema.parse(JSON.parse((await runCli(['missing', '--json'], env)).stdout));
    const counts = await db.pool.one(sql.type(z.object({ open: z.number(), resolved: z.number() }))`
      select count(*) filter (where resolved_at is null) as open, count(*) filter (where resolved_at is not null) as resolved from public.missing_data`);
    expect({ open: all.open, resolved: all.resolved }).toEqual(counts);
    expect(all.groups.reduce((s, g) => s + g.open + g.resolved, 0)).toBe(counts.open + counts.resolved);

    const open = missingReportSchema.parse(JSON.parse((await runCli(['missing', '--json', '--open'], env)).stdout));
    expect(open.groups).toHaveLength(1);
    const group = open.groups[0]!;
    expect(group).toMatchObject({ table: 'fact_sales_lines', column: 'product_id', referencedTable: 'dim_products_product', referencedModel: 'product.product', open: 1 });
    expect(group.reasons).toEqual([{ reason: NOT_IN_ODOO, count: 1 }]);
    expect(group.examples[0]!.record).toMatchObject({ source: 'sale' });

    const text = await runCli(['missing', '--open'], env);
    expect(text.stdout).toContain('fact_sales_lines.product_id');
    expect(text.stdout).toContain(`cannot heal (1): ${NOT_IN_ODOO}`);
  });

  it('exits 1 when an entity is older than FRESHNESS', async () => {
    // The last successes, moved ten minutes into the past (rather than waiting for them to age).
    await db.pool.query(sql.unsafe`
      update etl.run_entity set started_at = started_at - interval '10 minutes', finished_at = finished_at - interval '10 minutes'
       where finished_at is not null`);
    const fresh = await runCli(['status', '--json'], { ...env, FRESHNESS: '30m' });
    expect(fresh.code, fresh.stdout).toBe(0);
    const result = await runCli(['status', '--json'], { ...env, FRESHNESS: '9m' });
    expect(result.code).toBe(1);
    const status = statusSchema.parse(JSON.parse(result.stdout));
    expect(status.healthy).toBe(false);
    expect(status.entities.every((e) => e.state === 'stale')).toBe(true);
    expect(status.problems[0]).toMatch(/older than FRESHNESS \(9m 0s\)/);
  });

  it('exits 1 when an entity failed, naming it and the error', async () => {
    sim.injectFault({ kind: 'accessDenied', model: 'stock.quant' });
    const sync = await runCli(['sync', '--quiet', '--entity', 'fact_stock'], env);
    sim.clearFaults();
    expect(sync.code).toBe(1);
    const result = await runCli(['status', '--json'], { ...env, FRESHNESS: '1h' });
    expect(result.code).toBe(1);
    const status = statusSchema.parse(JSON.parse(result.stdout));
    const stock = status.entities.find((e) => e.entity === 'fact_stock')!;
    expect(stock.state).toBe('failed');
    expect(stock.lastRun?.status).toBe('failed');
    expect(stock.problem).toMatch(/^fact_stock: run \d+ failed: /);
    expect(status.problems).toEqual([stock.problem]);
    const text = await runCli(['status'], { ...env, FRESHNESS: '1h' });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/^fact_stock\s+failed\s/m);
    expect(text.stdout).toContain('problems:');
  });
});
