/**
 * `odoo-etl demo` end to end, as a new user runs it: embedded PostgreSQL in ODOO_ETL_HOME, the built-in
 * simulator, full and incremental sync, reconcile; the output names every table with rows and says how
 * to open the data. Also: LOG_FILE receives the engine's JSON lines, through the rotating sink.
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
    for (const step of ['Full sync', 'Changing records in Odoo', 'Incremental sync', 'The changed invoices in the warehouse', 'Reconciling deletions', 'Status']) expect(out).toContain(`==> ${step}`);

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
