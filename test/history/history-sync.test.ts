/**
 * History (issue 23) written by every path that writes a table, against the simulator over HTTP and a real
 * PostgreSQL: a scheduled run after a price change and a salesperson reassignment (unchanged rows write
 * nothing), reconcile's delete and restore, a webhook load, a healed inferred member, and a quant changed by
 * raw SQL (an 'observed' version). Expected times come from the simulator's records (Odoo's write_date).
 */
import { sql } from 'slonik';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { reconcileDeletions } from '../../src/sync/reconcile.ts';
import { syncRecords } from '../../src/webhooks/sync-records.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

const HISTORY = ['dim_customers', 'dim_product_costs', 'dim_products', 'dim_products_product', 'fact_stock'];

/** Odoo's `YYYY-MM-DD HH:MM:SS` (UTC) as the ISO form the queries below print. */
function iso(odoo: unknown): string {
  return `${String(odoo).replace(' ', 'T')}.000000`;
}

const versionSchema = z.object({
  valid_from: z.string(),
  valid_to: z.string().nullable(),
  change: z.string(),
  source: z.string(),
  deleted: z.boolean(),
  value: z.string().nullable(),
});

/** The versions of one key of a history table (single odoo_id key), with one column's value as text. */
async function versionsOf(harness: SyncHarness, table: string, id: number, column: string) {
  const hist = sql.identifier(['public', `${table}_history`]);
  return harness.db.pool.any(sql.type(versionSchema)`
    select to_char(dbt_valid_from at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as valid_from,
           to_char(dbt_valid_to at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as valid_to,
           change, valid_from_source as source, dbt_is_deleted as deleted, ${sql.identifier([column])}::text as value
      from ${hist} where odoo_id = ${id} order by dbt_valid_from`);
}

async function versionCounts(harness: SyncHarness): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of HISTORY) {
    counts[table] = await harness.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from ${sql.identifier(['public', `${table}_history`])}`);
  }
  return counts;
}

/** Per table: keys with more than one open version, and versions whose end is not the next version's start. */
async function intervalFaults(harness: SyncHarness): Promise<Record<string, { open: number; gaps: number }>> {
  const faults: Record<string, { open: number; gaps: number }> = {};
  for (const table of ['dim_customers', 'dim_products', 'dim_products_product', 'fact_stock']) {
    const hist = sql.identifier(['public', `${table}_history`]);
    faults[table] = await harness.db.pool.one(sql.type(z.object({ open: z.number(), gaps: z.number() }))`
      select (select count(*) from (select odoo_id from ${hist} where dbt_valid_to is null group by odoo_id having count(*) > 1) o)::int as open,
             (select count(*) from (select dbt_valid_to, lead(dbt_valid_from) over (partition by odoo_id order by dbt_valid_from) as next from ${hist}) v
               where v.dbt_valid_to is distinct from v.next)::int as gaps`);
  }
  return faults;
}
const NO_FAULTS = { dim_customers: { open: 0, gaps: 0 }, dim_products: { open: 0, gaps: 0 }, dim_products_product: { open: 0, gaps: 0 }, fact_stock: { open: 0, gaps: 0 } };

describe('history written by the sync', () => {
  let harness: SyncHarness | undefined;
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  it("a scheduled run writes a version for a product's new price and a customer's new salesperson, starting at Odoo's write_date; unchanged rows write nothing", async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 21 } });
    const { sim, db } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');

    // The full pass: one open 'insert' version per real row.
    for (const table of HISTORY) {
      const t = sql.identifier(['public', table]);
      const h = sql.identifier(['public', `${table}_history`]);
      const counts = await db.pool.one(sql.type(z.object({ rows: z.number(), versions: z.number(), open_inserts: z.number() }))`
        select (select count(*) from ${t} where not inferred and deleted_at is null)::int as rows,
               (select count(*) from ${h})::int as versions,
               (select count(*) from ${h} where dbt_valid_to is null and change = 'insert' and not dbt_is_deleted)::int as open_inserts`);
      expect(counts.rows, table).toBeGreaterThan(0);
      expect(counts, table).toEqual({ rows: counts.rows, versions: counts.rows, open_inserts: counts.rows });
    }
    const before = await versionCounts(harness);

    sim.advanceClock(3_600_000);
    const template = sim.records('product.template')[0]!;
    const oldPrice = Number(template.list_price);
    sim.write('product.template', [template.id], { list_price: oldPrice + 10 });
    // The simulator's customers have no salesperson yet: one is assigned (or reassigned, when it has one).
    const customer = sim.records('res.partner').find((p) => p.customer_rank && p.active)!;
    const oldUser = customer.user_id ? String(Array.isArray(customer.user_id) ? customer.user_id[0] : customer.user_id) : null;
    const newUser = sim.records('res.users').map((u) => u.id).find((id) => String(id) !== oldUser)!;
    sim.write('res.partner', [customer.id], { user_id: newUser });
    expect((await harness.sync()).run.status).toBe('succeeded');

    const templateWritten = sim.records('product.template').find((t) => t.id === template.id)!.write_date;
    const customerWritten = sim.records('res.partner').find((p) => p.id === customer.id)!.write_date;
    const firstPrice = await versionsOf(harness, 'dim_products', template.id, 'list_price');
    expect(firstPrice.map((v) => [v.valid_to, v.change, v.source, v.deleted, Number(v.value)])).toEqual([
      [iso(templateWritten), 'insert', 'write_date', false, oldPrice],
      [null, 'update', 'write_date', false, oldPrice + 10],
    ]);
    expect(firstPrice[1]!.valid_from).toBe(iso(templateWritten));
    const salesperson = await versionsOf(harness, 'dim_customers', customer.id, 'user_id');
    expect(salesperson.map((v) => [v.valid_to, v.change, v.value])).toEqual([
      [iso(customerWritten), 'insert', oldUser],
      [null, 'update', String(newUser)],
    ]);
    expect(salesperson[1]!.valid_from).toBe(iso(customerWritten));

    // Exactly those two versions: the run re-read its lookback window, and nothing else changed.
    const after = await versionCounts(harness);
    expect(after).toEqual({ ...before, dim_products: before.dim_products! + 1, dim_customers: before.dim_customers! + 1 });
    sim.advanceClock(3_600_000);
    expect((await harness.sync()).run.status).toBe('succeeded');
    expect(await versionCounts(harness)).toEqual(after);
    expect(await intervalFaults(harness)).toEqual(NO_FAULTS);
  });

  it("reconcile's delete and restore are versions; a webhook load writes a version; a raw-SQL quant change is an 'observed' one", async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 22 } });
    const { sim, db } = harness;
    expect((await harness.sync({ full: true })).run.status).toBe('succeeded');

    // Delete: the record is gone from Odoo; reconcile marks it.
    const partners = sim.records('res.partner').filter((p) => p.customer_rank && p.active);
    const gone = partners[0]!;
    sim.unlink('res.partner', [gone.id]);
    const deleted = await reconcileDeletions(harness.ctx, { entities: ['dim_customers'] });
    expect(deleted.find((r) => r.entity === 'dim_customers')).toMatchObject({ deleted: 1, restored: 0 });
    const goneVersions = await versionsOf(harness, 'dim_customers', gone.id, 'name');
    expect(goneVersions.map((v) => [v.change, v.source, v.deleted, v.valid_to === null])).toEqual([
      ['insert', 'write_date', false, false],
      ['delete', 'observed', true, true],
    ]);
    const deletedAt = await db.pool.oneFirst(sql.type(z.object({ t: z.string() }))`
      select to_char(deleted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as t from dim_customers where odoo_id = ${gone.id}`);
    expect(goneVersions[1]!.valid_from).toBe(deletedAt);

    // Restore: a row the warehouse holds deleted while Odoo has it (an earlier reconcile's mistake) comes back.
    const back = partners[1]!;
    await db.pool.query(sql.unsafe`update dim_customers set deleted_at = now() where odoo_id = ${back.id}`);
    const restored = await reconcileDeletions(harness.ctx, { entities: ['dim_customers'] });
    expect(restored.find((r) => r.entity === 'dim_customers')).toMatchObject({ deleted: 0, restored: 1 });
    expect((await versionsOf(harness, 'dim_customers', back.id, 'name')).map((v) => [v.change, v.deleted, v.valid_to === null])).toEqual([
      ['insert', false, false],
      ['delete', true, false],
      ['restore', false, true],
    ]);

    // Webhook load (task sync_records): the notified record's new name, from its write_date.
    sim.advanceClock(3_600_000);
    const renamed = partners[2]!;
    sim.write('res.partner', [renamed.id], { name: 'Renamed By Webhook' });
    await db.pool.query(sql.unsafe`select etl.webhook_notify('res.partner', ${renamed.id}, 0)`);
    const result = await syncRecords(harness.ctx, { model: 'res.partner', settleMs: 0 });
    expect(result.counts.updated).toBe(1);
    const written = sim.records('res.partner').find((p) => p.id === renamed.id)!.write_date;
    expect((await versionsOf(harness, 'dim_customers', renamed.id, 'name')).map((v) => [v.valid_from === iso(written), v.valid_to, v.change, v.source, v.value])).toEqual([
      [false, iso(written), 'insert', 'write_date', String(renamed.name)],
      [true, null, 'update', 'write_date', 'Renamed By Webhook'],
    ]);

    // A quant changed by raw SQL (write_date untouched): the snapshot sees it; the version starts when the run saw it.
    const quant = sim.records('stock.quant')[0]!;
    sim.setQuantQuantity(quant.id, Number(quant.quantity) + 7);
    expect((await harness.sync({ entities: ['fact_stock'] })).run.status).toBe('succeeded');
    const stock = await db.pool.any(sql.type(z.object({ change: z.string(), source: z.string(), quantity: z.number(), from_is_recorded: z.boolean(), write_date_kept: z.boolean() }))`
      select change, valid_from_source as source, quantity::float8 as quantity, dbt_valid_from = recorded_at as from_is_recorded,
             write_date is not distinct from (select write_date from fact_stock_history f where f.odoo_id = h.odoo_id order by dbt_valid_from limit 1) as write_date_kept
        from fact_stock_history h where odoo_id = ${quant.id} order by dbt_valid_from`);
    expect(stock).toEqual([
      { change: 'insert', source: 'write_date', quantity: Number(quant.quantity), from_is_recorded: false, write_date_kept: true },
      { change: 'update', source: 'observed', quantity: Number(quant.quantity) + 7, from_is_recorded: true, write_date_kept: true },
    ]);
    expect(await intervalFaults(harness)).toEqual(NO_FAULTS);
  });

  it("an inferred member is no version; healed, it becomes an 'insert' from its write_date", async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 4 } });
    const { sim, db } = harness;
    await harness.sync({ full: true });

    sim.advanceClock(3_600_000);
    const categ = sim.records('product.category').at(-1)!.id;
    const template = sim.create('product.template', { name: 'Late Arrival Tea', categ_id: categ, list_price: 4.5, type: 'consu', detailed_type: 'product', sale_ok: true, uom_id: 1, uom_po_id: 1, company_id: false });
    const variant = sim.create('product.product', { product_tmpl_id: template, name: 'Late Arrival Tea', default_code: 'LATE-1' });
    const order = sim.records('sale.order')[0]!;
    sim.create('sale.order.line', {
      order_id: order.id, product_id: variant, name: 'Late Arrival Tea', product_uom_qty: 2, price_unit: 4.5, price_subtotal: 9, price_total: 9,
      company_id: order.company_id, state: 'sale', currency_id: 1, order_partner_id: order.partner_id,
    });
    // Only the facts: the variant arrives as an inferred member, and the run's heal fills it from Odoo.
    expect((await harness.sync({ entities: ['fact_sales_lines'] })).run.status).toBe('succeeded');
    expect(await db.pool.oneFirst(sql.type(z.object({ inferred: z.boolean() }))`select inferred from dim_products_product where odoo_id = ${variant}`)).toBe(false);
    const variantWritten = sim.records('product.product').find((p) => p.id === variant)!.write_date;
    expect(await versionsOf(harness, 'dim_products_product', variant, 'default_code')).toEqual([
      { valid_from: iso(variantWritten), valid_to: null, change: 'insert', source: 'write_date', deleted: false, value: 'LATE-1' },
    ]);
  });
});
