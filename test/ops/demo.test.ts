/**
 * `odoo-etl demo` end to end, as a new user runs it: embedded PostgreSQL in ODOO_ETL_HOME, the built-in
 * simulator, full and incremental sync, a product's price history, reconcile; the output names every table
 * with rows and says how to open the data. Also: LOG_FILE receives the engine's JSON lines, through the rotating sink.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { entityNames } from '../../src/entities/index.ts';
import { ANSI, runCli } from './cli.ts';

describe('odoo-etl demo', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'odoo-etl-demo-'));
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('runs the whole job on the embedded database and the simulator and shows every table with rows', { timeout: 150_000 }, async () => {
    const logFile = path.join(home, 'logs', 'etl.log');
    // The deadline is the process's own (killed past it, so the exit code fails): how long the demo takes on
    // this shared machine says nothing about the demo; the bench measures time.
    const result = await runCli(['demo'], { ODOO_ETL_HOME: home, LOG_FILE: logFile, LOG_LEVEL: 'info' }, { timeoutMs: 120_000 });
    expect(result.code, result.stderr.slice(-2000)).toBe(0);
    const out = result.stdout;
    expect(out).not.toMatch(ANSI);
    for (const step of ['Full sync', 'Changing records in Odoo', 'Incremental sync', 'Stock at HQ/Stock', 'The changed invoices in the warehouse', 'A 10% discount', 'The price history', 'Reconciling deletions', 'Status']) expect(out).toContain(`==> ${step}`);

    // The status table: every entity ok and with rows.
    const statusPart = out.slice(out.indexOf('==> Status'));
    expect(statusPart).toContain('healthy');
    for (const name of entityNames()) expect(statusPart).toMatch(new RegExp(`^\\s+${name}\\s+ok\\s+\\S+ ago\\s+[1-9][\\d,]*\\s`, 'm'));

    // The changes show up: a new and an archived customer, a deleted program, a healed late product, one that cannot heal.
    expect(out).toMatch(/^\s+dim_customers\s+succeeded\s+incremental\s+\d+\s+1\s+1\s/m);
    expect(out).toMatch(/rows marked deleted \(deleted_at set\): .*dim_promotions 1/);
    expect(out).toMatch(/^\s+fact_sales_lines\.product_id\s+dim_products_product\s+product\.product\s+1\s+1\s/m);
    expect(out).toContain('cannot heal (1): not found in Odoo');

    // Finance: a draft invoice posted and an unpaid one paid by a bank entry arrive with the incremental sync:
    // the payment's move is new, both invoices changed; the payment's two journal items are new, the posted
    // draft's four (two products, the tax, the receivable) and the paid invoice's receivable line changed.
    expect(out).toMatch(/^\s+posted the draft invoice account\.move\(\d+\) as INV\/\d{4}\/\d{5}/m);
    expect(out).toMatch(/^\s+paid the invoice account\.move\(\d+\) INV\/\d{4}\/\d{5}: bank entry account\.move\(\d+\) PBNK\d\/\d{4}\/\d{5} reconciled with it$/m);
    const incremental = out.slice(out.indexOf('==> Incremental sync'));
    expect(incremental).toMatch(/^\s+fact_invoices\s+succeeded\s+incremental\s+\d+\s+1\s+2\s/m);
    expect(incremental).toMatch(/^\s+fact_journal_items\s+succeeded\s+incremental\s+\d+\s+2\s+5\s/m);
    const invoices = out.slice(out.indexOf('==> The changed invoices in the warehouse'), out.indexOf('==> Reconciling deletions'));
    expect(invoices).toMatch(/^\s+INV\/\d{4}\/\d{5}\s+out_invoice\s+posted\s+total \S+\s+payment paid\s+residual 0\s+\(was not_paid; 4 journal items posted\)$/m);
    expect(invoices).toMatch(/^\s+INV\/\d{4}\/\d{5}\s+out_invoice\s+posted\s+total \S+\s+payment not_paid\s+residual \S+\s+\(was a draft; 4 journal items posted\)$/m);
    expect(invoices).toMatch(/^\s+PBNK\d\/\d{4}\/\d{5}\s+entry\s+posted\s+total \S+\s+\(new: the payment; 2 journal items posted\)$/m);

    // Yesterday's stock beside today's: in the seeded dataset HQ/Stock (stock.location 8) holds 90 of product.product(4)
    // NW00004, 93 of (10) NW00008 and 73 of (13) NW00010-BLUE; the demo delivers 5 of the first and receives 12 of the
    // second today, as done pickings: fact_stock_daily has yesterday's quantities, counted back from the moves, and today's.
    expect(out).toMatch(/^\s+delivered 5 of product\.product\(4\) from HQ\/Stock to a customer \(picking \S+, done\)$/m);
    expect(out).toMatch(/^\s+received 12 of product\.product\(10\) into HQ\/Stock \(picking \S+, done\)$/m);
    const stock = out.slice(out.indexOf('==> Stock at HQ/Stock at the end of yesterday and now'), out.indexOf('==> The changed invoices in the warehouse'));
    expect(stock.split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '').map((l) => l.split(/\s{2,}/))).toEqual([
      ['product', 'yesterday', 'today'],
      ['NW00004 Organic Pack 4', '90', '85', '(delivered 5 today)'],
      ['NW00008 Nordic Bundle 8', '93', '105', '(received 12 today)'],
      ['NW00010-BLUE Nordic Selection 10', '73', '73'],
    ]);

    // The price history: product.template(1) "Organic Pack 1" of the seeded dataset costs 17.36 (its write_date
    // 2025-10-20 08:16:48); the demo raises it to 18.36, syncs, discounts it 10% to 16.52, syncs products, and
    // prints the three versions dim_products_history kept, each starting at the write_date of its write.
    expect(out).toMatch(/^\s+raised the price of product\.template\(1\) "Organic Pack 1" from 17\.36 to 18\.36$/m);
    expect(out).toContain('==> A 10% discount on product.template(1) "Organic Pack 1": 18.36 → 16.52, then a sync of products (odoo-etl sync --entity dim_products)');
    const prices = out.slice(out.indexOf('==> The price history of "Organic Pack 1"'), out.indexOf('==> Reconciling deletions'));
    const versions = prices.split('\n').slice(1).map((l) => l.trim()).filter((l) => l !== '');
    expect(versions[0]).toBe('dim_products odoo_id=1: 3 version(s)');
    const ts = '\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z';
    expect(versions[1]).toMatch(new RegExp(`^2025-10-20T08:16:48\\.000000Z → (${ts})  insert \\(write_date\\)  list_price=17\\.36$`));
    expect(versions[2]).toMatch(new RegExp(`^(${ts}) → (${ts})  update \\(write_date\\)  list_price: 17\\.36 → 18\\.36$`));
    expect(versions[3]).toMatch(new RegExp(`^(${ts}) → now  update \\(write_date\\)  list_price: 18\\.36 → 16\\.52$`));
    expect(versions).toHaveLength(4);
    // No gap, no overlap: each version ends where the next starts.
    const [, end1] = /→ (\S+)/.exec(versions[1]!)!;
    const [start2, end2] = /^(\S+) → (\S+)/.exec(versions[2]!)!.slice(1);
    const [start3] = /^(\S+) →/.exec(versions[3]!)!.slice(1);
    expect(start2).toBe(end1);
    expect(start3).toBe(end2);
    expect(Date.parse(start3!)).toBeGreaterThan(Date.parse(start2!));

    // Where the data is, without printing the password.
    const password = fs.readFileSync(path.join(home, 'postgres.password'), 'utf8').trim();
    expect(out).toMatch(/PGPASSWORD="\$\(cat .*postgres\.password\)" psql -h 127\.0\.0\.1 -p \d+ -U postgres odoo_etl_demo/);
    expect(out).toContain('odoo-etl demo --keep');
    expect(out + result.stderr).not.toContain(password);

    // LOG_FILE: JSON lines from the engine in the very file named (nothing rotated yet), no password.
    expect(fs.readdirSync(path.dirname(logFile))).toEqual(['etl.log']);
    const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n');
    const records = lines.map((l) => JSON.parse(l) as { msg: string; level: number });
    expect(records.some((r) => r.msg === 'missing references healed')).toBe(true);
    expect(lines.join('\n')).not.toContain(password);
  });
});
