/**
 * load: 100k new rows into fact_sales_lines through the engine's load call (src/sync/load.ts: COPY into a
 * staging table, then one merge; in batches, one transaction each, as the sync engine loads them) against one plain COPY of the same rows into an empty copy of the table
 * (`like ... including all`: same columns, primary key and indexes, no foreign keys). Then the same rows
 * again, all unchanged (nothing should be written), and with 10% changed. Last, the 10%-changed load with
 * the table's history kept (sql/functions/history.sql) against the same load without it, and the size of a
 * year of history at this scale.
 *
 * The parents the rows reference (orders, products, branches, users) are loaded first, as a full sync
 * loads dimensions before facts: the figure is the load itself, not the inferred-member path.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { BenchPostgres } from '../support/database.ts';
import { round, timed, type Figure } from '../support/measure.ts';
import { factSalesLines } from '../../src/entities/fact_sales_lines.ts';
import { upsertRows as loadBatch } from '../../src/sync/load.ts';

export interface LoadOptions {
  rows: number;
  batchSize: number;
}

type Row = Record<string, string | number | boolean | null>;

/** The columns the engine loads into fact_sales_lines, from its spec (key, every source's columns, write_date). */
const COLUMNS = [...new Set([...factSalesLines.key, ...factSalesLines.sources.flatMap((s) => s.columns.map((c) => c.column)), 'write_date'])];

const ORDERS = 20_000;
const PRODUCTS = 2_000;
const COMPANIES = 12;
const USERS = 6;

function makeRows(n: number): Row[] {
  const rows: Row[] = [];
  const base = Date.UTC(2025, 0, 1);
  for (let i = 1; i <= n; i++) {
    const pos = i % 5 < 3;
    const qty = 1 + (i % 7);
    const price = 1 + ((i * 37) % 5000) / 100;
    const created = new Date(base + i * 60_000).toISOString();
    rows.push({
      source: pos ? 'pos' : 'sale',
      odoo_id: i,
      order_id: 1 + (i % ORDERS),
      product_id: 1 + ((i * 13) % PRODUCTS),
      name: `Product ${(i * 13) % PRODUCTS} — Classic Blend ${i % 97}`,
      qty,
      price_unit: price,
      discount: i % 10 === 0 ? 10 : 0,
      price_subtotal: Math.round(qty * price * 100) / 100,
      price_total: Math.round(qty * price * 115) / 100,
      qty_delivered: pos ? null : qty,
      qty_invoiced: pos ? null : qty,
      total_cost: pos ? Math.round(qty * price * 60) / 100 : null,
      company_id: 1 + (i % COMPANIES),
      salesman_id: pos ? null : 1 + (i % USERS),
      state: pos ? null : 'sale',
      is_reward_line: pos ? false : null,
      create_date: created,
      write_date: created,
    });
  }
  return rows;
}

function csvValue(value: Row[string] | undefined): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return `"${value.replaceAll('"', '""')}"`;
  return String(value);
}

async function copyRows(url: string, table: string, rows: Row[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const stream = client.query(copyFrom(`copy ${table} (${COLUMNS.join(', ')}) from stdin with (format csv)`));
    const lines = function* (): Generator<string> {
      let chunk = '';
      for (const row of rows) {
        chunk += COLUMNS.map((c) => csvValue(row[c])).join(',') + '\n';
        if (chunk.length > 64 * 1024) {
          yield chunk;
          chunk = '';
        }
      }
      if (chunk) yield chunk;
    };
    await pipeline(Readable.from(lines()), stream);
  } finally {
    await client.end();
  }
}

async function upsertRows(pool: DatabasePool, rows: Row[], batchSize: number) {
  const total = { inserted: 0, updated: 0, unchanged: 0 };
  for (let i = 0; i < rows.length; i += batchSize) {
    const batch = rows.slice(i, i + batchSize);
    // The engine's own load call (src/sync/load.ts), one transaction per batch as the engine commits.
    const c = await pool.transaction((tx) => loadBatch(tx, 'fact_sales_lines', batch));
    total.inserted += c.inserted;
    total.updated += c.updated;
    total.unchanged += c.unchanged;
  }
  return total;
}

export async function loadCase(pg: BenchPostgres, options: LoadOptions): Promise<Figure[]> {
  const db = await pg.fresh();
  try {
    const { pool } = db;
    await pool.query(sql.unsafe`insert into dim_branches (odoo_id, name) select g, 'Branch ' || g from generate_series(1, ${COMPANIES}) g`);
    await pool.query(sql.unsafe`insert into dim_users (odoo_id, name) select g, 'User ' || g from generate_series(1, ${USERS}) g`);
    await pool.query(sql.unsafe`insert into dim_products_product (odoo_id) select g from generate_series(1, ${PRODUCTS}) g`);
    await pool.query(sql.unsafe`insert into all_sales (source, odoo_id) select s, g from generate_series(1, ${ORDERS}) g, unnest(array['pos', 'sale']) s`);
    await pool.query(sql.unsafe`create table bench_copy (like public.fact_sales_lines including all)`);
    // A second baseline with the table's foreign keys too (checked per row, as on the real table).
    await pool.query(sql.unsafe`create table bench_copy_fk (like public.fact_sales_lines including all)`);
    const fks = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from pg_constraint where conrelid = 'public.fact_sales_lines'::regclass and contype = 'f'`);
    await pool.query(sql.unsafe`
      do $$
      declare def text;
      begin
        for def in select pg_get_constraintdef(oid) from pg_constraint
                    where conrelid = 'public.fact_sales_lines'::regclass and contype = 'f' loop
          execute format('alter table bench_copy_fk add %s', def);
        end loop;
      end $$`);
    await pool.query(sql.unsafe`vacuum analyze`);

    const rows = makeRows(options.rows);
    const unset = COLUMNS.filter((c) => !(c in rows[0]!));
    if (unset.length > 0) throw new Error(`load: makeRows gives no value for ${unset.join(', ')} (the spec has them): add them`);
    const copy = await timed(() => copyRows(db.url, 'bench_copy', rows));
    const copyFk = await timed(() => copyRows(db.url, 'bench_copy_fk', rows));
    const fresh = await timed(() => upsertRows(pool, rows, options.batchSize));
    await pool.query(sql.unsafe`vacuum analyze fact_sales_lines`);
    const same = await timed(() => upsertRows(pool, rows, options.batchSize));
    const later = new Date(Date.UTC(2026, 0, 1)).toISOString();
    const changed = rows.map((row, i) => (i % 10 === 0 ? { ...row, qty: (row.qty as number) + 1, write_date: later } : row));
    const tenth = await timed(() => upsertRows(pool, changed, options.batchSize));

    const stored = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from fact_sales_lines`);
    if (stored !== options.rows) throw new Error(`load: ${stored} rows stored, expected ${options.rows}`);
    const history = await historyFigure(pool, rows, options);
    const copyRate = options.rows / (copy.ms / 1000);
    const figure = (name: string, m: { ms: number; result: typeof fresh.result }, limit: number): Figure => ({
      case: 'load',
      name,
      ratio: round(m.ms / copy.ms),
      target: `≤ ${limit}× COPY`,
      met: m.ms / copy.ms <= limit,
      values: {
        ms: Math.round(m.ms), copyMs: Math.round(copy.ms), rowsPerSec: Math.round(options.rows / (m.ms / 1000)), copyRowsPerSec: Math.round(copyRate),
        inserted: m.result.inserted, updated: m.result.updated, unchanged: m.result.unchanged, batch: options.batchSize,
      },
    });
    return [
      figure(`${options.rows} new rows`, fresh, 2),
      {
        case: 'load',
        name: `${options.rows} new rows vs COPY with the same foreign keys`,
        ratio: round(fresh.ms / copyFk.ms),
        target: '≤ 1.1× COPY with FKs',
        met: fresh.ms / copyFk.ms <= 1.1,
        values: { ms: Math.round(fresh.ms), copyFkMs: Math.round(copyFk.ms), foreignKeys: fks },
      },
      figure(`${options.rows} rows, all unchanged`, same, 1.2),
      figure(`${options.rows} rows, 10% changed`, tenth, 1.3),
      ...history,
    ];
  } finally {
    await db.drop();
  }
}

/**
 * History (issue 23): the 10%-changed load with fact_sales_lines' history on, against the same load with it
 * off (its triggers disabled), alternated over ROUNDS rounds, each round a different tenth of the rows
 * changed; the fastest of each side is compared. Then the history table's bytes per version, and what a year
 * of history weighs at this scale with a tenth of the rows changing every day.
 */
const ROUNDS = 3;

async function historyFigure(pool: DatabasePool, rows: Row[], options: LoadOptions): Promise<Figure[]> {
  await pool.query(sql.unsafe`select * from etl.apply_history(array['fact_sales_lines', 'fact_stock', 'dim_products', 'dim_products_product', 'dim_product_costs', 'dim_customers'], false)`);
  await pool.query(sql.unsafe`vacuum analyze fact_sales_lines_history`);
  const toggle = (on: boolean) =>
    on
      ? pool.query(sql.unsafe`alter table fact_sales_lines enable trigger odoo_etl_history_update`)
      : pool.query(sql.unsafe`alter table fact_sales_lines disable trigger odoo_etl_history_update`);
  const on: number[] = [];
  const off: number[] = [];
  let pass = 0;
  for (let r = 0; r < ROUNDS; r++) {
    for (const withHistory of [false, true]) {
      pass++;
      await toggle(withHistory);
      const when = new Date(Date.UTC(2026, 1, pass)).toISOString();
      const changed = rows.map((row, i) => (i % 10 === pass % 10 ? { ...row, qty: (row.qty as number) + pass + 1, write_date: when } : row));
      const m = await timed(() => upsertRows(pool, changed, options.batchSize));
      if (m.result.updated === 0) throw new Error('load: a history round changed nothing');
      (withHistory ? on : off).push(m.ms);
    }
  }
  await toggle(true);
  await pool.query(sql.unsafe`vacuum analyze fact_sales_lines_history`);
  const size = await pool.one(sql.type(z.object({ versions: z.number(), bytes: z.number() }))`
    select (select count(*) from fact_sales_lines_history)::int as versions, pg_total_relation_size('fact_sales_lines_history')::float8 as bytes`);
  const best = (xs: number[]) => Math.min(...xs);
  const ratio = best(on) / best(off);
  const perVersion = size.bytes / size.versions;
  const perDay = Math.round(options.rows / 10);
  const yearBytes = perVersion * perDay * 365;
  return [
    {
      case: 'load',
      name: `${options.rows} rows, 10% changed, history on / same load without history`,
      ratio: round(ratio),
      target: '≤ 1.3× without history',
      met: ratio <= 1.3,
      values: { onMs: Math.round(best(on)), offMs: Math.round(best(off)), rounds: ROUNDS, changedPerLoad: perDay, batch: options.batchSize },
    },
    {
      case: 'load',
      name: `a year of fact_sales_lines history at ${options.rows} rows, ${perDay} changed a day`,
      values: { versions: size.versions, bytesPerVersion: Math.round(perVersion), mbPerMillionChanges: round((perVersion * 1e6) / 1048576), yearMb: Math.round(yearBytes / 1048576) },
      note: `measured bytes per version (pg_total_relation_size / versions, indexes included) × ${perDay} changes a day (10% of the rows) × 365`,
    },
  ];
}

