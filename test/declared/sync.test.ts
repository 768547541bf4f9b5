// Declared tables on the simulator (Odoo 16–19): a Studio model (x_delivery_slot) referencing partners and
// products, and stock.picking. migrate creates them (types from fields_get where not declared), a sync
// fills them through the ordinary engine (inferred members, missing_data), a second migrate does nothing,
// a column added to the declaration is backfilled by the next run, a removed one is kept and a type change
// is refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { fieldsGetThrough } from '../../src/declared/ddl.ts';
import { parseDeclarations } from '../../src/declared/load.ts';
import { useDeclarations } from '../../src/declared/to-spec.ts';
import { migrateDatabase } from '../../src/db/migrate.ts';
import { reconcileDeletions } from '../../src/sync/reconcile.ts';
import { dbtSources } from '../../src/ops/dbt-sources.ts';
import { getStatus, renderStatus } from '../../src/ops/status.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

const DECLARATION = `
tables:
  - name: x_delivery_slots
    model: x_delivery_slot
    active: false
    columns:
      x_name: text
      x_studio_partner_id: { references: dim_customers }
      x_studio_product_id: { references: dim_products_product }
      x_studio_quantity:
      x_studio_slot_date: { type: date }
      x_studio_state:
  - name: x_pickings
    model: stock.picking
    kind: fact
    domain: [["picking_type_code", "=", "outgoing"]]
    columns:
      name: text
      partner_id: { references: dim_customers }
      picking_type_id: { references: dim_stock_picking_type }
      location_id: { references: fact_stock_locations }
      scheduled_date: timestamptz
      state: text
`;

const slotRow = z.object({
  odoo_id: z.number(), x_name: z.string().nullable(), x_studio_partner_id: z.number().nullable(), x_studio_product_id: z.number().nullable(),
  quantity: z.number().nullable(), slot_date: z.string().nullable(), x_studio_state: z.string().nullable(),
});

describe.each(['16.0', '17.0', '18.0', '19.0'] as const)('declared tables sync through the engine on Odoo %s', (version) => {
  let h: SyncHarness;
  let partner: number;
  let product: number;
  let pickingType: number;
  let location: number;
  const slots: number[] = [];
  const pickings: number[] = [];
  const migrate = () => migrateDatabase(h.db.url, undefined, { fieldsGetOf: fieldsGetThrough(h.odoo) });
  const statusNow = () => getStatus(h.db.pool, {
    settings: { FRESHNESS: 3_600_000, SYNC_SCHEDULE: '*/15 * * * *', RECONCILE_SCHEDULE: '0 * * * *', ODOO_URL: undefined, ODOO_DB: undefined, ODOO_USERNAME: undefined, ODOO_TRANSPORT: 'auto' },
    database: 'test',
  });
  const slotRows = () => h.db.pool.any(sql.type(slotRow)`
    select odoo_id, x_name, x_studio_partner_id, x_studio_product_id, x_studio_quantity::float8 as quantity,
           x_studio_slot_date::text as slot_date, x_studio_state from x_delivery_slots order by odoo_id`);

  beforeAll(async () => {
    h = await startHarness({ sim: { version, scale: 1, seed: 5, customModels: true } });
    partner = h.sim.records('res.partner')[0]!.id;
    product = h.sim.records('product.product')[0]!.id;
    pickingType = h.sim.records('stock.picking.type').find((t) => t.code === 'outgoing')!.id;
    location = h.sim.records('stock.location')[0]!.id;
    slots.push(h.sim.create('x_delivery_slot', { x_name: 'Monday 9-12', x_studio_partner_id: partner, x_studio_product_id: product, x_studio_quantity: 12.5, x_studio_slot_date: '2026-03-02', x_studio_state: 'open' }));
    // A partner Odoo does not have (deleted meanwhile): the slot is loaded, the partner inferred and logged.
    slots.push(h.sim.create('x_delivery_slot', { x_name: 'Tuesday 14-17', x_studio_partner_id: 987654, x_studio_product_id: false, x_studio_quantity: 0, x_studio_slot_date: false, x_studio_state: 'full' }));
    pickings.push(h.sim.create('stock.picking', { name: 'WH/OUT/00001', partner_id: partner, picking_type_id: pickingType, picking_type_code: 'outgoing', location_id: location, scheduled_date: '2026-03-01 09:30:00', state: 'assigned', origin: 'S00042' }));
    // Outside the declared domain: never read.
    h.sim.create('stock.picking', { name: 'WH/IN/00001', partner_id: partner, picking_type_id: pickingType, picking_type_code: 'incoming', location_id: location, scheduled_date: '2026-03-01 10:00:00', state: 'done' });
    useDeclarations(parseDeclarations(DECLARATION, 'tables.yaml').tables);
  });
  afterAll(async () => {
    useDeclarations([]);
    await h?.close();
  });

  it('migrate creates the tables with inferred types, indexes and foreign keys, and logs each step', async () => {
    const result = await migrate();
    expect(result.declared.map((c) => `${c.table} ${c.action} ${c.column ?? ''} ${c.detail}`.trim())).toEqual([
      'x_delivery_slots create_table  x_delivery_slot: x_name text, x_studio_partner_id integer, x_studio_product_id integer, x_studio_quantity numeric, x_studio_slot_date date, x_studio_state text',
      'x_pickings create_table  stock.picking: name text, partner_id integer, picking_type_id integer, location_id integer, scheduled_date timestamptz, state text',
      'x_delivery_slots create_index  x_delivery_slots_write_date_idx',
      'x_delivery_slots create_index  x_delivery_slots_synced_at_idx',
      'x_delivery_slots add_foreign_key x_studio_partner_id references dim_customers',
      'x_delivery_slots add_foreign_key x_studio_product_id references dim_products_product',
      'x_pickings create_index  x_pickings_write_date_idx',
      'x_pickings create_index  x_pickings_synced_at_idx',
      'x_pickings add_foreign_key partner_id references dim_customers',
      'x_pickings add_foreign_key picking_type_id references dim_stock_picking_type',
      'x_pickings add_foreign_key location_id references fact_stock_locations',
    ]);
    const logged = await h.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.declared_change`);
    expect(logged).toBe(11);
    const catalog = await h.db.pool.any(sql.type(z.object({ table_name: z.string(), odoo_models: z.array(z.string()) }))`
      select table_name, odoo_models from etl.entity where table_name like 'x\\_%' order by table_name`);
    expect(catalog).toEqual([
      { table_name: 'x_delivery_slots', odoo_models: ['x_delivery_slot'] },
      { table_name: 'x_pickings', odoo_models: ['stock.picking'] },
    ]);
  });

  it('migrate twice is a no-op', async () => {
    const again = await migrate();
    expect(again.declared).toEqual([]);
    expect(again.applied).toEqual([]);
    const logged = await h.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.declared_change`);
    expect(logged).toBe(11);
  });

  it('a sync fills them like built-in tables: references, inferred members, missing_data, the domain', async () => {
    const report = await h.sync();
    expect(report.run.status).toBe('succeeded');
    expect(report.steps.find((s) => s.entity === 'x_delivery_slots')?.status).toBe('succeeded');
    expect(await slotRows()).toEqual([
      { odoo_id: slots[0], x_name: 'Monday 9-12', x_studio_partner_id: partner, x_studio_product_id: product, quantity: 12.5, slot_date: '2026-03-02', x_studio_state: 'open' },
      { odoo_id: slots[1], x_name: 'Tuesday 14-17', x_studio_partner_id: 987654, x_studio_product_id: null, quantity: 0, slot_date: null, x_studio_state: 'full' },
    ]);
    const inferred = await h.db.pool.oneFirst(sql.type(z.object({ inferred: z.boolean() }))`select inferred from dim_customers where odoo_id = 987654`);
    expect(inferred).toBe(true);
    const missing = await h.db.pool.any(sql.type(z.object({ column_name: z.string(), referenced_table: z.string(), referenced_model: z.string(), referenced_id: z.number(), resolved: z.boolean() }))`
      select column_name, referenced_table, referenced_model, referenced_id, resolved_at is not null as resolved from missing_data where table_name = 'x_delivery_slots'`);
    expect(missing).toEqual([{ column_name: 'x_studio_partner_id', referenced_table: 'dim_customers', referenced_model: 'res.partner', referenced_id: 987654, resolved: false }]);
    const picked = await h.db.pool.any(sql.type(z.object({ odoo_id: z.number(), name: z.string(), partner_id: z.number(), picking_type_id: z.number(), location_id: z.number(), scheduled: z.string(), state: z.string() }))`
      select odoo_id, name, partner_id, picking_type_id, location_id, to_char(scheduled_date at time zone 'UTC', 'YYYY-MM-DD HH24:MI:SS') as scheduled, state from x_pickings`);
    expect(picked).toEqual([{ odoo_id: pickings[0], name: 'WH/OUT/00001', partner_id: partner, picking_type_id: pickingType, location_id: location, scheduled: '2026-03-01 09:30:00', state: 'assigned' }]);
  });

  it('status and dbt-sources show them as any table, with what migrate last did', async () => {
    const status = await statusNow();
    const slotsStatus = status.entities.find((e) => e.entity === 'x_delivery_slots')!;
    expect(slotsStatus.rows).toBe(2);
    expect(slotsStatus.lastSuccessAt).not.toBeNull();
    // The create, not the indexes and keys logged after it.
    expect(slotsStatus.lastMigrate).toEqual({
      action: 'create_table', column: null, at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      detail: 'x_delivery_slot: x_name text, x_studio_partner_id integer, x_studio_product_id integer, x_studio_quantity numeric, x_studio_slot_date date, x_studio_state text',
    });
    expect(status.entities.find((e) => e.entity === 'dim_customers')!.lastMigrate).toBeUndefined();
    const tables = dbtSources({ freshnessMs: 3_600_000 }).sources[0]!.tables;
    const picking = tables.find((t) => t.name === 'x_pickings')!;
    const partnerColumn = picking.columns.find((c) => c.name === 'partner_id')!;
    expect(partnerColumn.data_tests).toContainEqual({ relationships: { arguments: { to: "source('odoo', 'dim_customers')", field: 'odoo_id' } } });
  });

  it('sync --entity runs only the declared table, incrementally', async () => {
    h.sim.write('x_delivery_slot', [slots[0]!], { x_studio_quantity: 20 });
    const report = await h.sync({ entities: ['x_delivery_slots'] });
    expect(report.run.status).toBe('succeeded');
    expect(report.steps.map((s) => [s.entity, s.mode])).toEqual([['x_delivery_slots', 'incremental'], ['heal_missing', 'heal']]);
    expect(report.steps[0]!.updated).toBe(1);
    expect((await slotRows())[0]!.quantity).toBe(20);
  });

  it('a column added to the declaration is created by migrate and backfilled by the next sync', async () => {
    const withOrigin = DECLARATION.replace('      state: text\n', '      state: text\n      origin:\n');
    useDeclarations(parseDeclarations(withOrigin, 'tables.yaml').tables);
    const result = await migrate();
    expect(result.declared.map((c) => [c.table, c.action, c.column, c.detail])).toEqual([['x_pickings', 'add_column', 'origin', 'text']]);
    const report = await h.sync({ entities: ['x_pickings'] });
    const step = report.steps.find((s) => s.entity === 'x_pickings')!;
    expect(step.mode).toBe('full');
    const origins = await h.db.pool.anyFirst(sql.type(z.object({ origin: z.string().nullable() }))`select origin from x_pickings`);
    expect(origins).toEqual(['S00042']);
  });

  it('a column removed from the declaration stays with its data, reported once', async () => {
    useDeclarations(parseDeclarations(DECLARATION, 'tables.yaml').tables);
    const result = await migrate();
    expect(result.declared.map((c) => [c.table, c.action, c.column])).toEqual([['x_pickings', 'column_kept', 'origin']]);
    expect((await migrate()).declared).toEqual([]);
    const origins = await h.db.pool.anyFirst(sql.type(z.object({ origin: z.string().nullable() }))`select origin from x_pickings`);
    expect(origins).toEqual(['S00042']);
  });

  it('a type change is refused, saying what to do, and changes nothing', async () => {
    useDeclarations(parseDeclarations(DECLARATION.replace('x_studio_slot_date: { type: date }', 'x_studio_slot_date: { type: timestamptz }'), 'tables.yaml').tables);
    await expect(migrate()).rejects.toThrow(
      'x_delivery_slots.x_studio_slot_date is date in the database but declared timestamptz: odoo-etl never rewrites a column. ' +
        'Declare it as date again, or declare a new column (e.g. x_studio_slot_date_2: { field: …, type: timestamptz }) and drop x_studio_slot_date yourself once nothing reads it',
    );
    const type = await h.db.pool.oneFirst(sql.type(z.object({ t: z.string() }))`
      select format_type(atttypid, atttypmod) as t from pg_attribute where attrelid = 'public.x_delivery_slots'::regclass and attname = 'x_studio_slot_date'`);
    expect(type).toBe('date');
    // Logged once while it stands (a second refused migrate adds nothing); status shows it, and x_pickings' kept column.
    await expect(migrate()).rejects.toThrow('x_delivery_slots.x_studio_slot_date is date in the database but declared timestamptz');
    const refusals = await h.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.declared_change where action = 'type_refused'`);
    expect(refusals).toBe(1);
    const status = await statusNow();
    const lastMigrate = (table: string) => status.entities.find((e) => e.entity === table)!.lastMigrate;
    expect(lastMigrate('x_delivery_slots')).toEqual({
      action: 'type_refused', column: 'x_studio_slot_date', detail: 'date in the database, declared timestamptz', at: expect.any(String),
    });
    expect(lastMigrate('x_pickings')).toEqual({ action: 'column_kept', column: 'origin', detail: 'no longer declared: kept with its data', at: expect.any(String) });
    expect(renderStatus(status)).toContainEqual(expect.stringMatching(/^ {2}x_delivery_slots: type change refused: x_studio_slot_date \(date in the database, declared timestamptz\), \d{4}-/));
    useDeclarations(parseDeclarations(DECLARATION, 'tables.yaml').tables);
  });

  it('a record deleted in Odoo is marked deleted by the reconcile', async () => {
    h.sim.unlink('x_delivery_slot', [slots[1]!]);
    await reconcileDeletions(h.ctx, { entities: ['x_delivery_slots'] });
    const deleted = await h.db.pool.anyFirst(sql.type(z.object({ odoo_id: z.number() }))`select odoo_id from x_delivery_slots where deleted_at is not null`);
    expect(deleted).toEqual([slots[1]]);
  });
});
