import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { entities, getEntity } from '../../src/entities/index.ts';
import { NOT_IN_ODOO } from '../../src/sync/heal.ts';
import { reconcileDeletions } from '../../src/sync/reconcile.ts';
import { hasStockCheck } from '../../src/sync/stock-check.ts';
import { compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const LOOKBACK_MS = 60_000;

/** Odoo's `YYYY-MM-DD HH:MM:SS`, `ms` ago from `from`. */
function odooTime(from: string, ms: number): string {
  return new Date(Date.parse(from) - ms).toISOString().slice(0, 19).replace('T', ' ');
}

async function highWatermark(harness: SyncHarness, entity: string, source = ''): Promise<string> {
  return harness.db.pool.oneFirst(sql.type(z.object({ high_write_date: z.string() }))`
    select high_write_date from etl.watermark where entity = ${entity} and source = ${source}`);
}

describe('incremental sync', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('reflects creates, updates and archives exactly, reading only the changed records and the lookback window; reconcile marks deletes', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 2, seed: 11 }, settings: { LOOKBACK: LOOKBACK_MS } });
    const { sim, db } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');

    // Where each incremental entity will start reading: its watermark (to the second), LOOKBACK before Odoo's clock at the full pass.
    const starts = new Map<string, string>();
    for (const row of await db.pool.any(sql.type(z.object({ entity: z.string(), source: z.string(), resume_at: z.string().nullable() }))`
      select entity, source, resume_at from etl.watermark`)) {
      if (row.resume_at) starts.set(`${row.entity}/${row.source}`, odooTime(row.resume_at, 0));
    }

    sim.advanceClock(3_600_000);
    const customer = sim.create('res.partner', { name: 'New Customer Ltd', email: 'new@example.com', customer_rank: 1 });
    const template = sim.records('product.template')[0]!;
    sim.write('product.template', [template.id], { name: 'Renamed Product' });
    const archived = sim.records('res.partner').find((p) => p.active && p.id !== customer && !p.is_company)!;
    sim.archive('res.partner', [archived.id]);
    const order = sim.records('sale.order')[0]!;
    sim.write('sale.order', [order.id], { state: 'cancel' });
    const deletedLine = sim.records('sale.order.line').at(-1)!;
    sim.unlink('sale.order.line', [deletedLine.id]);

    // The comparison sees the changes before the sync (it is a real check, not a tautology).
    const before = (await compareWithSimulator(harness)).map((d) => d.table).sort();
    expect(before).toEqual(expect.arrayContaining(['all_sales', 'dim_customers', 'dim_products', 'fact_sales_lines']));

    sim.resetCounts();
    const report = await harness.sync();
    expect(report.run.status).toBe('succeeded');

    // Reads: per entity exactly the records at or after its start (the changes plus the lookback window).
    for (const step of report.steps) {
      if (step.entity === 'heal_missing' || step.status !== 'succeeded' || step.mode !== 'incremental') continue;
      const entity = getEntity(step.entity);
      let expected = 0;
      for (const source of entity.sources) {
        const start = starts.get(`${entity.table}/${source.source ?? ''}`);
        if (!start) continue;
        expected += sim.records(source.model).filter((r) => typeof r.write_date === 'string' && r.write_date >= start).length;
      }
      expect(step.read, step.entity).toBe(expected);
    }
    const totalRead = report.steps.reduce((n, s) => n + (s.mode === 'incremental' ? s.read : 0), 0);
    const totalRows = sim.records('sale.order.line').length + sim.records('pos.order.line').length;
    expect(totalRead).toBeLessThan(totalRows / 10);

    const customers = Object.fromEntries(
      (await db.pool.any(sql.type(z.object({ odoo_id: z.number(), name: z.string().nullable(), active: z.boolean().nullable() }))`
        select odoo_id, name, active from dim_customers where odoo_id = any(${sql.array([customer, archived.id], 'int4')})`)).map((r) => [r.odoo_id, r]),
    );
    expect(customers[customer]).toMatchObject({ name: 'New Customer Ltd', active: true });
    expect(customers[archived.id]).toMatchObject({ active: false });

    // Only the delete is left: Odoo keeps no tombstone, so the cursor cannot see it.
    const afterSync = await compareWithSimulator(harness);
    expect(afterSync.map((d) => d.table)).toEqual(['fact_sales_lines']);
    expect(afterSync[0]).toMatchObject({ actual: afterSync[0]!.expected + 1 });

    const reconciled = await reconcileDeletions(harness.ctx, { entities: ['fact_sales_lines'] });
    expect(reconciled.find((r) => r.source === 'sale')).toMatchObject({ deleted: 1, restored: 0 });
    expect(await compareWithSimulator(harness)).toEqual([]);
    const deletedAt = await db.pool.oneFirst(sql.type(z.object({ deleted_at: z.string().nullable() }))`
      select deleted_at from fact_sales_lines where source = 'sale' and odoo_id = ${deletedLine.id}`);
    expect(deletedAt).not.toBeNull();
  });

  it('does nothing but one read per entity when nothing changed', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 5 }, settings: { LOOKBACK: 1000 } });
    await harness.sync({ full: true });
    harness.sim.advanceClock(3_600_000);
    await harness.sync(); // warms the process's fields_get cache, as a long-running worker has it
    harness.sim.resetCounts();
    const report = await harness.sync();
    const counts = harness.sim.callCounts();
    // One search_read per incremental entity and source (a model read by two entities is read twice).
    const readers = new Map<string, number>();
    for (const entity of entities.filter((e) => e.sync === 'incremental')) {
      for (const source of entity.sources) readers.set(source.model, (readers.get(source.model) ?? 0) + 1);
    }
    readers.delete('product.brand'); // not installed: skipped
    // all_sales' business date: the companies' timezones, one res.partner search_read a run (by ref_company_ids).
    readers.set('res.partner', readers.get('res.partner')! + 1);
    // Snapshot entities re-read their model in full every run (dim_product_costs reads product.product too):
    // one search_read per batch. fact_stock's check finds nothing changed: no search_read, its one grouped call only.
    for (const step of report.steps.filter((s) => s.mode === 'snapshot')) {
      const entity = getEntity(step.entity);
      if (hasStockCheck(entity)) {
        expect(step.calls, step.entity).toBe(1);
        continue;
      }
      for (const source of entity.sources) readers.set(source.model, (readers.get(source.model) ?? 0) + step.batches);
    }
    for (const [model, n] of readers) expect(counts[`${model}:search_read`] ?? 0, model).toBe(n);
    const incrementalCalls = report.steps.filter((s) => s.mode === 'incremental' && s.status === 'succeeded').map((s) => [s.entity, s.calls]);
    for (const [entity, calls] of incrementalCalls) expect(calls, String(entity)).toBe(getEntity(String(entity)).sources.length);
    const written = report.steps.filter((s) => s.mode === 'incremental').reduce((n, s) => n + s.inserted + s.updated, 0);
    expect(written).toBe(0);
  });

  it('picks up a record committed late: write_date before the watermark but inside the lookback', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 2 }, settings: { LOOKBACK: 5 * 60_000 } });
    const { sim, db } = harness;
    await harness.sync({ full: true });
    sim.advanceClock(3_600_000);
    const partner = sim.records('res.partner').find((p) => !p.is_company)!;
    sim.write('res.partner', [partner.id], { name: 'Edited In A Long Transaction' });
    await harness.sync();
    const high = await highWatermark(harness, 'dim_customers');

    // Another long transaction started two minutes before the newest write we have seen, and commits now.
    const late = sim.records('res.partner').find((p) => !p.is_company && p.id !== partner.id)!;
    sim.write('res.partner', [late.id], { name: 'Committed Late' }, { writeDate: Date.parse(high) - 2 * 60_000 });
    await harness.sync();
    const name = await db.pool.oneFirst(sql.type(z.object({ name: z.string() }))`select name from dim_customers where odoo_id = ${late.id}`);
    expect(name).toBe('Committed Late');
  });
});

describe('missing references', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('loads a fact whose product arrived after the dimensions, makes an inferred member, then heals it and resolves the miss', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 4 } });
    const { sim, db } = harness;
    await harness.sync({ full: true });

    sim.advanceClock(3_600_000);
    const categ = sim.records('product.category').at(-1)!.id;
    const template = sim.create('product.template', { name: 'Late Arrival Tea', categ_id: categ, list_price: 4.5, type: 'consu', detailed_type: 'product', sale_ok: true, uom_id: 1, uom_po_id: 1, company_id: false });
    const variant = sim.create('product.product', { product_tmpl_id: template, name: 'Late Arrival Tea', default_code: 'LATE-1' });
    const order = sim.records('sale.order')[0]!;
    const line = sim.create('sale.order.line', {
      order_id: order.id, product_id: variant, name: 'Late Arrival Tea', product_uom_qty: 2, price_unit: 4.5, price_subtotal: 9, price_total: 9,
      company_id: order.company_id, state: 'sale', currency_id: 1, order_partner_id: order.partner_id,
    });
    const ghost = 990_001; // a product id Odoo does not have (deleted after the line was written)
    const ghostLine = sim.create('sale.order.line', {
      order_id: order.id, product_id: ghost, name: 'Ghost', product_uom_qty: 1, price_unit: 1, price_subtotal: 1, price_total: 1,
      company_id: order.company_id, state: 'sale', currency_id: 1, order_partner_id: order.partner_id,
    });

    // Only the facts: the product dimension is not part of this run.
    const report = await harness.sync({ entities: ['fact_sales_lines'] });
    expect(report.run.status).toBe('succeeded');

    const lines = await db.pool.any(sql.type(z.object({ odoo_id: z.number(), product_id: z.number().nullable() }))`
      select odoo_id, product_id from fact_sales_lines where source = 'sale' and odoo_id = any(${sql.array([line, ghostLine], 'int4')}) order by odoo_id`);
    expect(lines).toEqual([
      { odoo_id: line, product_id: variant },
      { odoo_id: ghostLine, product_id: ghost },
    ]);

    const misses = await db.pool.any(sql.type(z.object({ referenced_id: z.number(), resolved_at: z.string().nullable(), reason: z.string().nullable(), times_seen: z.number() }))`
      select referenced_id, resolved_at, reason, times_seen from missing_data
       where table_name = 'fact_sales_lines' and column_name = 'product_id' order by referenced_id`);
    expect(misses).toHaveLength(2);
    expect(misses[0]).toMatchObject({ referenced_id: variant, reason: null, times_seen: 1 });
    expect(misses[0]!.resolved_at).not.toBeNull();
    expect(misses[1]).toMatchObject({ referenced_id: ghost, resolved_at: null, reason: NOT_IN_ODOO });

    // The inferred members: the variant (and its template, found through it) were filled from Odoo; the ghost stays inferred.
    const products = await db.pool.any(sql.type(z.object({ odoo_id: z.number(), inferred: z.boolean(), default_code: z.string().nullable(), product_tmpl_id: z.number().nullable() }))`
      select odoo_id, inferred, default_code, product_tmpl_id from dim_products_product where odoo_id = any(${sql.array([variant, ghost], 'int4')}) order by odoo_id`);
    expect(products).toEqual([
      { odoo_id: variant, inferred: false, default_code: 'LATE-1', product_tmpl_id: template },
      { odoo_id: ghost, inferred: true, default_code: null, product_tmpl_id: null },
    ]);
    const tmpl = await db.pool.one(sql.type(z.object({ inferred: z.boolean(), name: z.string().nullable() }))`
      select inferred, name from dim_products where odoo_id = ${template}`);
    expect(tmpl).toEqual({ inferred: false, name: 'Late Arrival Tea' });
    const heal = report.steps.find((s) => s.entity === 'heal_missing')!;
    expect(heal).toMatchObject({ status: 'succeeded' });
    expect(heal.inserted).toBeGreaterThanOrEqual(2);
  });
});

describe('fact_stock snapshot', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it('equals Odoo quants after quants change or vanish without write_date moving', async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 9 } });
    const { sim, db } = harness;
    await harness.sync({ full: true });
    const quants = sim.records('stock.quant');
    const changed = quants[0]!;
    const before = changed.write_date;
    sim.setQuantQuantity(changed.id, 4242);
    const sameProduct = quants.filter((q) => q.id !== changed.id).slice(0, 3).map((q) => q.id);
    const kept = sim.mergeQuants(sameProduct);
    expect(sim.records('stock.quant').find((q) => q.id === changed.id)!.write_date).toBe(before);

    const report = await harness.sync({ entities: ['fact_stock'] });
    expect(report.run.status).toBe('succeeded');
    expect(await compareWithSimulator(harness, ['fact_stock'])).toEqual([]);
    const quantity = await db.pool.oneFirst(sql.type(z.object({ quantity: z.number() }))`select quantity from fact_stock where odoo_id = ${changed.id}`);
    expect(quantity).toBe(4242);
    const gone = sameProduct.filter((id) => id !== kept);
    const deleted = await db.pool.anyFirst(sql.type(z.object({ odoo_id: z.number() }))`
      select odoo_id from fact_stock where deleted_at is not null order by odoo_id`);
    expect(deleted).toEqual(gone.sort((a, b) => a - b));
  });
});
