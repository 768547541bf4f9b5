// The `tables` topic and the declaration through the CLI, as an operator runs it: scaffold asks the
// simulator's fields_get (stock.picking as recorded from Odoo 16 and 19, a Studio model), migrate and check
// read ODOO_ETL_TABLES, and a mistake in the file stops every command with exit 2 naming file and line.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDeclarations } from '../../src/declared/load.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { emptyDatabase } from '../support/database.ts';
import { runCli, odooEnv } from '../ops/cli.ts';
import { checkReportSchema } from '../../src/ops/check/result.ts';
import { declaredTablesReportSchema } from '../../src/declared/changes.ts';
import pg from 'pg';

describe.each(['16.0', '19.0'] as const)('odoo-etl tables scaffold on Odoo %s', (version) => {
  let sim: Simulator;
  beforeAll(async () => {
    sim = await startSimulator({ version, scale: 1, customModels: true });
  });
  afterAll(async () => {
    await sim?.close();
  });
  const env = () => ({ ...odooEnv(sim, 'admin', 'admin'), ...(version === '19.0' ? { ODOO_API_KEY: sim.admin.apiKey, ODOO_PASSWORD: undefined } : {}) });

  it('stock.picking: stored fields typed, many2one as references to the mirroring table, one2many left out', async () => {
    const result = await runCli(['tables', 'scaffold', 'stock.picking'], env());
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toContain('  - name: x_stock_picking\n    model: stock.picking\n    sync: incremental\n');
    // From the recorded fields_get: partner_id → res.partner, picking_type_id → stock.picking.type, location_id → stock.location.
    expect(out).toContain('      partner_id: { references: dim_customers }  # Contact\n');
    expect(out).toContain('      picking_type_id: { references: dim_stock_picking_type }  # Operation Type\n');
    expect(out).toContain('      location_id: { references: fact_stock_locations }  # Source Location\n');
    expect(out).toContain('      scheduled_date: { type: "timestamptz" }  # Scheduled Date\n');
    expect(out).toContain('      origin: { type: "text" }  # Source Document\n');
    expect(out).toContain('      # move_ids: one2many to stock.move, left out');
    expect(out).not.toMatch(/^\s+(write_date|display_name|id):/m);
    // What it prints is a valid declaration.
    const file = parseDeclarations(out, 'scaffold');
    expect(file.tables[0]!.columns.partner_id).toEqual({ references: 'dim_customers', required: true });
  });

  it('a Studio model: x_ fields, references to partners and products, binary left out, --table and --fields', async () => {
    const all = await runCli(['tables', 'scaffold', 'x_delivery_slot'], env());
    expect(all.code).toBe(0);
    // Studio's archive flag is x_active, an ordinary column here (the table's `active` mirrors Odoo's `active` field).
    expect(all.stdout).not.toContain('    active: true');
    expect(all.stdout).toContain('      x_active: { type: "boolean" }  # Active\n');
    expect(all.stdout).toContain('      x_studio_partner_id: { references: dim_customers }  # Customer\n');
    expect(all.stdout).toContain('      x_studio_product_id: { references: dim_products_product }  # Product\n');
    expect(all.stdout).toContain('      x_studio_tag_ids: { type: "integer[]" }  # Tags\n');
    expect(all.stdout).toContain('      # x_studio_line_ids: one2many to x_delivery_slot_line, left out');
    expect(all.stdout).not.toContain('x_studio_photo');
    expect(all.stdout).not.toContain('x_studio_total');
    const some = await runCli(['tables', 'scaffold', 'x_delivery_slot', '--table', 'x_slots', '--fields', 'x_name,x_studio_partner_id'], env());
    expect(some.code).toBe(0);
    expect(parseDeclarations(some.stdout, 'scaffold').tables).toEqual([
      { name: 'x_slots', model: 'x_delivery_slot', kind: 'dimension', sync: 'incremental', active: false, history: false,
        columns: { x_name: { type: 'text', required: true }, x_studio_partner_id: { references: 'dim_customers', required: true } } },
    ]);
    const unknown = await runCli(['tables', 'scaffold', 'x_delivery_slot', '--fields', 'x_nope'], env());
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Odoo model x_delivery_slot has no field x_nope');
  });
});

describe('a declaration through migrate and check', () => {
  let sim: Simulator;
  let db: Awaited<ReturnType<typeof emptyDatabase>>;
  let cwd: string;
  beforeAll(async () => {
    sim = await startSimulator({ version: '17.0', scale: 1, customModels: true });
    db = await emptyDatabase();
    cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-etl-declared-'));
  });
  afterAll(async () => {
    await db?.drop();
    await sim?.close();
  });

  it('a mistake in the file stops the command with exit 2, naming file, line, table and key', async () => {
    fs.writeFileSync(path.join(cwd, 'odoo-etl.tables.yaml'), 'tables:\n  - name: x_slots\n    model: x_delivery_slot\n    columns:\n      x_studio_partner_id: { references: dim_partner }\n');
    const result = await runCli(['migrate'], { DATABASE_URL: db.url }, { cwd });
    expect(result.code).toBe(2);
    // oclif wraps long messages ("\n ›   "): unwrap before reading.
    expect(result.stderr.replace(/\s*\n\s*›\s*/g, ' ')).toContain('odoo-etl.tables.yaml:5: table x_slots, columns.x_studio_partner_id.references: unknown table dim_partner');
  });

  it('ODOO_ETL_TABLES naming a file that is not there is an error', async () => {
    const result = await runCli(['migrate'], { DATABASE_URL: db.url, ODOO_ETL_TABLES: 'mine.yaml' }, { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('mine.yaml: no such file (ODOO_ETL_TABLES names it)');
  });

  it('migrate creates the declared table (types from Odoo), check validates it against the server', async () => {
    const declaration = [
      'tables:',
      '  - name: x_slots',
      '    model: x_delivery_slot',
      '    columns:',
      '      x_name:',
      '      x_studio_partner_id: { references: dim_customers }',
      '      x_studio_quantity:',
      '  - name: x_bad',
      '    model: x_delivery_slot',
      '    active: true',
      '    columns:',
      '      x_studio_slot_date: boolean',
      '      x_studio_product_id: { references: dim_customers }',
      '      x_nope: text',
      '  - name: x_gone',
      '    model: x_nothing',
      '    columns:',
      '      x_name: text',
    ].join('\n');
    fs.writeFileSync(path.join(cwd, 'tables.json.yaml'), declaration);
    const env = { DATABASE_URL: db.url, ODOO_ETL_TABLES: 'tables.json.yaml', ...odooEnv(sim, 'admin', 'admin') };
    const migrated = await runCli(['migrate'], env, { cwd });
    expect(migrated.stderr).toBe('');
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain('x_slots: create table (x_delivery_slot: x_name text, x_studio_partner_id integer, x_studio_quantity numeric)');
    expect(migrated.stdout).toContain('x_slots: add foreign key x_studio_partner_id (references dim_customers)');
    const again = await runCli(['migrate'], env, { cwd });
    expect(again.stdout).not.toContain('x_slots:');

    const checked = await runCli(['check', '--json'], env, { cwd });
    const report = checkReportSchema.parse(JSON.parse(checked.stdout));
    expect(report.checks.find((c) => c.check === 'declared x_slots')).toEqual({ check: 'declared x_slots', status: 'ok', detail: 'x_delivery_slot: 3 field(s) with compatible types' });
    expect(report.checks.find((c) => c.check === 'declared x_bad')?.detail).toBe(
      'x_delivery_slot has no field active: remove "active: true"; ' +
        'x_studio_slot_date: x_delivery_slot.x_studio_slot_date is a date field, which a boolean column cannot hold; ' +
        'x_studio_product_id: x_delivery_slot.x_studio_product_id points at product.product, but dim_customers mirrors res.partner; ' +
        'x_nope: x_delivery_slot has no field x_nope (or the API user may not see it)',
    );
    expect(report.checks.find((c) => c.check === 'declared x_gone')).toMatchObject({ status: 'fail', detail: 'Odoo has no model x_nothing' });
    expect(checked.code).toBe(1);
    // x_bad was created too (its declaration is valid; its mismatch with the server is check's to say).
    expect(report.checks.find((c) => c.check === 'declared tables (database)')).toMatchObject({ status: 'ok' });
    expect(report.checks.find((c) => c.check === 'declared tables (database)')?.detail).toMatch(/^x_slots: 4 change\(s\), last \d{4}-\d\d-\d\d \d\d:\d\dZ; x_bad: 4 change\(s\), last [^;]*; x_gone: 3 change\(s\), last /);
  });

  it('sync --entity syncs a declared table from the command line', async () => {
    const partner = sim.records('res.partner')[0]!.id;
    const slot = sim.create('x_delivery_slot', { x_name: 'Friday 8-10', x_studio_partner_id: partner, x_studio_quantity: 3.25 });
    const env = { DATABASE_URL: db.url, ODOO_ETL_TABLES: 'tables.json.yaml', ...odooEnv(sim, 'admin', 'admin') };
    const result = await runCli(['sync', '--entity', 'x_slots', '--quiet'], env, { cwd });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const rows = await client.query('select odoo_id, x_name, x_studio_partner_id, x_studio_quantity::float8 as q from x_slots');
      expect(rows.rows).toEqual([{ odoo_id: slot, x_name: 'Friday 8-10', x_studio_partner_id: partner, q: 3.25 }]);
    } finally {
      await client.end();
    }
  });

  it('tables lists the declared tables and what migrate did to each', async () => {
    const env = { DATABASE_URL: db.url, ODOO_ETL_TABLES: 'tables.json.yaml' };
    const json = await runCli(['tables', '--json'], env, { cwd });
    expect(json.code).toBe(0);
    const report = declaredTablesReportSchema.parse(JSON.parse(json.stdout));
    expect(report.tables.map((t) => [t.table, t.model, t.sync, t.columns.join(',')])).toEqual([
      ['x_slots', 'x_delivery_slot', 'incremental', 'x_name,x_studio_partner_id,x_studio_quantity'],
      ['x_bad', 'x_delivery_slot', 'incremental', 'x_studio_slot_date,x_studio_product_id,x_nope'],
      ['x_gone', 'x_nothing', 'incremental', 'x_name'],
    ]);
    expect(report.tables[0]!.changes.map((c) => [c.action, c.column, c.detail])).toEqual([
      ['add_foreign_key', 'x_studio_partner_id', 'references dim_customers'],
      ['create_index', null, 'x_slots_synced_at_idx'],
      ['create_index', null, 'x_slots_write_date_idx'],
      ['create_table', null, 'x_delivery_slot: x_name text, x_studio_partner_id integer, x_studio_quantity numeric'],
    ]);
    const text = await runCli(['tables'], env, { cwd });
    expect(text.stdout).toContain('x_slots ← x_delivery_slot, incremental: x_name, x_studio_partner_id, x_studio_quantity\n');
    expect(text.stdout).toMatch(/\n    \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  create table \(x_delivery_slot: x_name text/);
  });
});
