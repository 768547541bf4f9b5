/**
 * `odoo-etl demo`: the whole job on this machine with nothing to install. An embedded PostgreSQL (data
 * under ODOO_ETL_HOME, in its own database `odoo_etl_demo`, recreated on every demo so it never mixes
 * with a real warehouse) and the built-in Odoo 17 simulator serving a small retail dataset:
 * migrate, full sync, then change records in "Odoo" (create, update, archive, delete, an order line
 * whose product arrives late, one whose product was deleted, a draft invoice posted and an invoice paid, a
 * delivery and a receipt of stock), incremental sync with healing of the missing references, yesterday's
 * end-of-day stock of a location beside today's (fact_stock_daily), the changed invoices as the warehouse now has
 * them, a second price change of a product and that product's price history (dim_products_history), delete
 * reconciliation, and the status.
 */
import path from 'node:path';
import pg from 'pg';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Settings } from '../config.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../db/embedded.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { createDatabasePool } from '../db/pool.ts';
import { describeDatabaseUrl } from '../db/target.ts';
import type { Logger } from '../log.ts';
import { entityNames } from '../entities/index.ts';
import { createOdooClient } from '../odoo/index.ts';
import { startSimulator, type Simulator } from '../sim/index.ts';
import { payInvoice, postInvoice } from '../sim/finance-actions.ts';
import { createSyncContext, type SyncContext } from '../sync/context.ts';
import { followRun } from '../worker/follow.ts';
import { reconcileDeletions } from '../sync/reconcile.ts';
import type { RunReport } from '../sync/run-report.ts';
import { startRun } from '../sync/run.ts';
import { readHistory, renderHistory } from './history.ts';
import { getMissing, renderMissing } from './missing.ts';
import type { ProgressRenderer } from './progress.ts';
import { getStatus, renderStatus, type Status } from './status.ts';
import { runSummaryLines } from './summary.ts';

export const DEMO_DATABASE = 'odoo_etl_demo';
/** Small batches, so the progress display has something to show on a small dataset. */
const DEMO_BATCH_SIZE = 250;

export interface DemoOptions {
  settings: Pick<Settings, 'ODOO_ETL_HOME' | 'EMBEDDED_PG_PORT' | 'LOOKBACK' | 'FULL_SYNC_CONCURRENCY' | 'WORKER_CONCURRENCY' | 'FRESHNESS' | 'SYNC_SCHEDULE' | 'RECONCILE_SCHEDULE'>;
  logger: Logger;
  /** Where the demo tells what it does (one line a call). */
  say: (line: string) => void;
  /** A progress display for each run. */
  progress: () => ProgressRenderer;
  scale?: number;
}

export interface DemoResult {
  status: Status;
  /** The runs' reports: full, then incremental. */
  runs: RunReport[];
  /** Connection facts without the password (it is in passwordFile). */
  connection: { host: string; port: number; user: string; database: string; passwordFile: string };
  simulator: { url: string; db: string; login: string; password: string };
  /** Stops the simulator and (if the demo started it) the embedded PostgreSQL. */
  close(): Promise<void>;
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const { say, logger } = options;
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch((error: unknown) => logger.warn({ err: error }, 'demo cleanup failed'));
    closers.length = 0;
  };
  try {
    const home = path.resolve(options.settings.ODOO_ETL_HOME);
    say(`==> Starting the embedded PostgreSQL (data in ${path.join(home, 'postgres')})`);
    const server = await startEmbeddedPostgres({ home, port: options.settings.EMBEDDED_PG_PORT, logger, database: 'postgres' });
    closers.push(() => server.stop());
    const url = await recreateDemoDatabase(server);

    say('==> Starting the Odoo 17 simulator (a small retail chain: branches, shops, products, POS and sales orders, stock)');
    const sim = await startSimulator({ version: '17.0', scale: options.scale ?? 1, seed: 1, withBrand: true });
    closers.push(() => sim.close());
    say(`    ${sim.url}, database "${sim.db}", user "${sim.admin.login}"`);

    say(`==> Creating the warehouse schema in database ${DEMO_DATABASE} (odoo-etl migrate)`);
    const migration = await migrateDatabase(url, logger);
    say(`    ${migration.applied.length} migration(s) applied, ${entityNames().length} tables + missing_data, job queue installed`);

    const pool = await createDatabasePool(url);
    closers.push(() => pool.end());
    const odoo = createOdooClient({
      url: sim.url,
      db: sim.db,
      username: sim.admin.login,
      password: sim.admin.password,
      logger: logger.child({ component: 'odoo' }),
    });
    closers.push(async () => odoo.close());
    const context = createSyncContext({
      pool,
      odoo,
      settings: { BATCH_SIZE: DEMO_BATCH_SIZE, LOOKBACK: options.settings.LOOKBACK, EXTRA_FIELDS: undefined, FULL_SYNC_CONCURRENCY: options.settings.FULL_SYNC_CONCURRENCY },
      logger,
    });

    const runs: RunReport[] = [];
    say(`==> Full sync of all ${entityNames().length} tables (odoo-etl sync): dimensions first, facts after the dimensions they reference`);
    runs.push(await syncOnce(url, context, options, true));

    say('==> Changing records in Odoo');
    const changes = changeOdoo(sim);
    for (const line of changes.said) say(`    ${line}`);

    say('==> Incremental sync (odoo-etl sync): only what changed since each table\'s watermark is read');
    runs.push(await syncOnce(url, context, options, false));

    say(`==> Stock at ${changes.stock.locationName} at the end of yesterday and now (fact_stock_daily: the end-of-day quantity per product, location and day; see README, Stock at any date)`);
    for (const line of await stockLines(pool, changes.stock)) say(`    ${line}`);

    say('==> The changed invoices in the warehouse (fact_invoices; their lines are in fact_journal_items)');
    for (const line of await invoiceLines(pool, changes.invoices)) say(`    ${line}`);

    // The price changes again, and the next sync of products reads it: the product now has three versions,
    // each kept in dim_products_history (HISTORY's default keeps it, see README "History").
    const price = changes.price;
    const discounted = Math.round(price.raised * 0.9 * 100) / 100;
    // Odoo stamps write_date to the second: a write in the second of the raise would not move it, and its
    // version would start when odoo-etl saw it ('observed', see README "History"). On a fast machine the sync
    // between them takes less than a second, so the discount waits for Odoo's clock to leave that second.
    const raisedAt = String(sim.records('product.template').find((r) => r.id === price.id)?.write_date ?? '');
    while (sim.now().toISOString().slice(0, 19).replace('T', ' ') <= raisedAt) await new Promise((resolve) => setTimeout(resolve, 50));
    sim.write('product.template', [price.id], { list_price: discounted });
    say(`==> A 10% discount on product.template(${price.id}) "${price.name}": ${formatPrice(price.raised)} → ${formatPrice(discounted)}, then a sync of products (odoo-etl sync --entity dim_products)`);
    runs.push(await syncOnce(url, context, options, false, ['dim_products']));

    say(`==> The price history of "${price.name}" (odoo-etl history dim_products --key ${price.id}): every version the syncs saw, from dim_products_history`);
    const history = await readHistory(pool, 'dim_products', { key: String(price.id) });
    for (const line of renderHistory(history, { columns: ['list_price'] })) say(`    ${line}`);

    say('==> Reconciling deletions (odoo-etl reconcile): Odoo keeps no trace of a deleted record, so ids are compared');
    const reconciled = await reconcileDeletions(context);
    const deleted = reconciled.filter((r) => r.deleted > 0).map((r) => `${r.entity} ${r.deleted}`);
    const deferred = [...new Set(reconciled.filter((r) => r.status === 'deferred').map((r) => r.entity))];
    say(`    ${new Set(reconciled.filter((r) => r.status === 'done').map((r) => r.entity)).size} tables compared with Odoo's ids; rows marked deleted (deleted_at set): ${deleted.length > 0 ? deleted.join(', ') : 'none'}`);
    if (deferred.length > 0) say(`    re-read whole by the next sync: ${deferred.join(', ')}`);

    say('==> Missing references (odoo-etl missing)');
    for (const line of renderMissing(await getMissing(pool))) say(`    ${line}`);

    const database = describeDatabaseUrl(url);
    const status = await getStatus(pool, {
      settings: { ...options.settings, ODOO_URL: sim.url, ODOO_DB: sim.db, ODOO_USERNAME: sim.admin.login, ODOO_TRANSPORT: 'auto' },
      database: `embedded PostgreSQL, ${database}`,
    });
    say('==> Status (odoo-etl status)');
    for (const line of renderStatus(status)) say(`    ${line}`);

    return {
      status,
      runs,
      connection: { host: '127.0.0.1', port: server.port, user: 'postgres', database: DEMO_DATABASE, passwordFile: path.join(home, 'postgres.password') },
      simulator: { url: sim.url, db: sim.db, login: sim.admin.login, password: sim.admin.password },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function syncOnce(url: string, context: SyncContext, options: DemoOptions, full: boolean, entities?: string[]): Promise<RunReport> {
  const run = await startRun(context.pool, { full, trigger: 'cli', entities });
  if (!run.started) throw new Error(`the demo run could not start: ${run.reason}`);
  const progress = options.progress();
  const report = await followRun({
    connectionString: url,
    context,
    runId: run.runId,
    concurrency: options.settings.WORKER_CONCURRENCY,
    onProgress: (r) => progress.update(r),
  });
  progress.finish(report);
  for (const line of runSummaryLines(report)) options.say(`    ${line}`);
  if (report.run.status !== 'succeeded') throw new Error(`the demo's sync failed: ${report.run.error ?? report.run.status}`);
  return report;
}

/** The everyday changes of an Odoo database, made through the simulator's control API. */
function changeOdoo(sim: Simulator): { said: string[]; invoices: Array<{ id: number; was: string }>; price: { id: number; name: string; was: number; raised: number }; stock: StockChange } {
  const said: string[] = [];
  const customer = sim.create('res.partner', { name: 'Demo Customer (new)', customer_rank: 1, email: 'new.customer@example.com', is_company: false });
  said.push(`created customer res.partner(${customer})`);

  // A write through the simulator's ORM, which stamps write_date as Odoo does: the version starts then.
  const product = sim.records('product.template')[0]!;
  const was = Number(product.list_price ?? 0);
  const price = { id: product.id, name: String(product.name), was, raised: Math.round((was + 1) * 100) / 100 };
  sim.write('product.template', [product.id], { list_price: price.raised });
  said.push(`raised the price of product.template(${product.id}) "${price.name}" from ${formatPrice(was)} to ${formatPrice(price.raised)}`);

  const partners = sim.records('res.partner').filter((p) => p.id !== customer && p.active !== false);
  const archived = partners[partners.length - 1]!;
  sim.archive('res.partner', [archived.id]);
  said.push(`archived res.partner(${archived.id}) "${String(archived.name)}" (kept in the warehouse with active = false)`);

  const programs = sim.records('loyalty.program');
  const unlinked = programs[programs.length - 1]!;
  sim.unlink('loyalty.program', [unlinked.id]);
  said.push(`deleted loyalty.program(${unlinked.id}) "${String(unlinked.name)}" (found by the reconcile)`);

  // A product committed by a long transaction: its write_date is older than the watermark, so the
  // incremental read of products cannot see it, but a new order line points at it.
  const late = newProduct(sim, 'Late Arrival');
  const template = sim.records('sale.order.line')[0]!;
  const { id: _id, create_date: _c, write_date: _w, ...lineValues } = template;
  const lateLine = sim.create('sale.order.line', { ...lineValues, product_id: late.variant, name: 'Late Arrival' });
  said.push(`created sale.order.line(${lateLine}) for product.product(${late.variant}), a product whose write_date is older than the watermark`);

  // A line whose product was deleted before the sync ever saw it: that reference cannot heal.
  const gone = newProduct(sim, 'Discontinued');
  const goneLine = sim.create('sale.order.line', { ...lineValues, product_id: gone.variant, name: 'Discontinued' });
  sim.unlink('product.product', [gone.variant]);
  sim.unlink('product.template', [gone.template]);
  said.push(`created sale.order.line(${goneLine}) for product.product(${gone.variant}), then deleted that product`);

  // Accounting: a draft customer invoice confirmed, an unpaid one paid by a bank entry reconciled with it.
  const invoices: Array<{ id: number; was: string }> = [];
  const moves = sim.records('account.move').filter((m) => m.move_type === 'out_invoice' && m.currency_id === 1);
  const draft = moves.find((m) => m.state === 'draft');
  if (draft) {
    const name = postInvoice(sim, draft.id);
    said.push(`posted the draft invoice account.move(${draft.id}) as ${name} (its journal items' parent_state follows)`);
    invoices.push({ id: draft.id, was: 'was a draft' });
  }
  const unpaid = moves.find((m) => m.state === 'posted' && m.payment_state === 'not_paid');
  if (unpaid) {
    const payment = payInvoice(sim, unpaid.id);
    said.push(`paid the invoice account.move(${unpaid.id}) ${String(unpaid.name)}: bank entry account.move(${payment.paymentId}) ${payment.paymentName} reconciled with it`);
    invoices.push({ id: unpaid.id, was: 'was not_paid' }, { id: payment.paymentId, was: 'new: the payment' });
  }
  const stock = moveStock(sim, said);
  return { said, invoices, price, stock };
}

interface StockChange {
  location: number;
  locationName: string;
  /** The products shown, the first ones stored at the location. */
  products: number[];
  /** What was done to each product today (a delivery, a receipt), for the table. */
  notes: Map<number, string>;
}

/**
 * Today's stock movements at the first company's stock location, as done pickings (move lines and quants
 * written as Odoo writes them): a delivery of one product to a customer and a receipt of another.
 */
function moveStock(sim: Simulator, said: string[]): StockChange {
  const types = sim.records('stock.picking.type').filter((t) => t.company_id === 1);
  const delivery = types.find((t) => t.code === 'outgoing')!;
  const receipt = types.find((t) => t.code === 'incoming')!;
  const location = Number(delivery.default_location_src_id);
  const locationName = String(sim.records('stock.location').find((l) => l.id === location)!.complete_name);
  const customers = sim.records('stock.location').find((l) => l.usage === 'customer')!.id;
  const products = [...new Set(sim.records('stock.quant').filter((q) => q.location_id === location).map((q) => Number(q.product_id)))].slice(0, 3);
  const [out, into] = products;
  const notes = new Map<number, string>();
  const delivered = sim.moveStock({ product: out!, from: location, to: customers, quantity: 5, pickingType: delivery.id });
  said.push(`delivered 5 of product.product(${out}) from ${locationName} to a customer (picking ${String(sim.records('stock.picking').find((p) => p.id === delivered.picking)!.name)}, done)`);
  notes.set(out!, 'delivered 5 today');
  const received = sim.moveStock({ product: into!, from: Number(receipt.default_location_src_id), to: location, quantity: 12, pickingType: receipt.id });
  said.push(`received 12 of product.product(${into}) into ${locationName} (picking ${String(sim.records('stock.picking').find((p) => p.id === received.picking)!.name)}, done)`);
  notes.set(into!, 'received 12 today');
  return { location, locationName, products, notes };
}

/** Yesterday's end-of-day quantity beside today's, per product shown (no row on a day: nothing held then). */
async function stockLines(pool: DatabasePool, stock: StockChange): Promise<string[]> {
  const rows = await pool.any(sql.type(z.object({ product_id: z.number(), product: z.string().nullable(), yesterday: z.string(), today: z.string() }))`
    with today as (select max(day) as day from fact_stock_daily where location_id = ${stock.location})
    select p.odoo_id as product_id, coalesce(p.default_code || ' ', '') || tmpl.name as product,
           coalesce(sum(d.quantity) filter (where d.day = t.day - 1), 0)::text as yesterday,
           coalesce(sum(d.quantity) filter (where d.day = t.day), 0)::text as today
      from dim_products_product p
      left join dim_products tmpl on tmpl.odoo_id = p.product_tmpl_id
      cross join today t
      left join fact_stock_daily d on d.product_id = p.odoo_id and d.location_id = ${stock.location} and d.day >= t.day - 1
     where p.odoo_id = any(${sql.array(stock.products, 'int4')})
     group by p.odoo_id, p.default_code, tmpl.name order by p.odoo_id`);
  const width = Math.max(7, ...rows.map((r) => (r.product ?? '').length));
  return [
    `${'product'.padEnd(width)}  ${'yesterday'.padStart(9)}  ${'today'.padStart(5)}`,
    ...rows.map((r) => `${(r.product ?? '').padEnd(width)}  ${r.yesterday.padStart(9)}  ${r.today.padStart(5)}${stock.notes.has(r.product_id) ? `  (${stock.notes.get(r.product_id)})` : ''}`),
  ];
}

function formatPrice(value: number): string {
  return value.toFixed(2);
}

/** The changed invoices' rows as the incremental sync left them, one line each. */
async function invoiceLines(pool: DatabasePool, invoices: Array<{ id: number; was: string }>): Promise<string[]> {
  const rows = await pool.any(sql.type(z.object({ odoo_id: z.number(), name: z.string().nullable(), move_type: z.string().nullable(), state: z.string().nullable(), payment_state: z.string().nullable(), amount_total: z.string().nullable(), amount_residual: z.string().nullable(), items: z.number() }))`
    select i.odoo_id, i.name, i.move_type, i.state, i.payment_state, i.amount_total::text, i.amount_residual::text,
      (select count(*) from fact_journal_items j where j.move_id = i.odoo_id and j.parent_state = i.state)::int as items
    from fact_invoices i where i.odoo_id = any(${sql.array(invoices.map((i) => i.id), 'int4')}) order by i.odoo_id`);
  const lines = rows.map((r) => {
    const was = invoices.find((i) => i.id === r.odoo_id)!.was;
    // an entry has no payment state of its own (Odoo answers not_paid): only invoices show theirs
    const payment = r.move_type === 'entry' ? '' : `  payment ${r.payment_state ?? ''}  residual ${r.amount_residual ?? ''}`;
    return `${r.name ?? ''}  ${r.move_type ?? ''}  ${r.state ?? ''}  total ${r.amount_total ?? ''}${payment}  (${was}; ${r.items} journal items ${r.state ?? ''})`;
  });
  return lines.length > 0 ? lines : ['none (no finance in this Odoo)'];
}

function newProduct(sim: Simulator, name: string): { template: number; variant: number } {
  const { id: _id, create_date: _c, write_date: _w, ...templateValues } = sim.records('product.template')[0]!;
  const template = sim.create('product.template', { ...templateValues, name, default_code: `DEMO-${name.slice(0, 4).toUpperCase()}`, barcode: false });
  const variant = sim.create('product.product', { product_tmpl_id: template, name, default_code: `DEMO-${name.slice(0, 4).toUpperCase()}`, barcode: false, active: true });
  const longAgo = '2020-01-01 00:00:00';
  sim.write('product.template', [template], {}, { writeDate: longAgo });
  sim.write('product.product', [variant], {}, { writeDate: longAgo });
  return { template, variant };
}

/** The demo gets a database of its own, made anew each time so the demo always tells the same story. */
async function recreateDemoDatabase(server: EmbeddedServer): Promise<string> {
  const admin = new pg.Client({ connectionString: server.adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${DEMO_DATABASE} with (force)`);
    await admin.query(`create database ${DEMO_DATABASE}`);
  } finally {
    await admin.end();
  }
  const url = new URL(server.adminUrl);
  url.pathname = `/${DEMO_DATABASE}`;
  return url.toString();
}

