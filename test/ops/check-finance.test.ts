// `odoo-etl check` knows the finance tables: where the `account` module is absent, the account tables are
// warned about as optional (they stay empty, the sync skips them), not failed; currencies are checked as usual.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkReportSchema } from '../../src/ops/check.ts';
import { startSimulator, type Simulator } from '../../src/sim/index.ts';
import { freshDatabase, type TestDatabase } from '../support/database.ts';
import { runCli } from './cli.ts';

const ACCOUNT_TABLES = ['dim_account_codes', 'dim_accounts', 'dim_journals', 'dim_taxes', 'fact_invoices', 'fact_journal_items'];

describe('odoo-etl check without the account module', () => {
  let db: TestDatabase;
  let sim: Simulator;
  beforeAll(async () => {
    db = await freshDatabase();
    sim = await startSimulator({ version: '18.0', withBrand: true, withAccount: false });
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  it('warns that the account tables stay empty, naming the model, and passes', async () => {
    const result = await runCli(['check', '--json'], { DATABASE_URL: db.url, ODOO_URL: sim.url, ODOO_DB: sim.db, ODOO_USERNAME: 'admin', ODOO_PASSWORD: 'admin' });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = checkReportSchema.parse(JSON.parse(result.stdout));
    const byName = new Map(report.checks.map((c) => [c.check, c]));
    for (const table of ACCOUNT_TABLES) {
      const check = byName.get(`entity ${table}`);
      expect(check?.status, table).toBe('warn');
      expect(check?.detail, table).toMatch(/^Odoo 18\.0 has no model account\.(account|journal|tax|move|move\.line): the table stays empty \(optional model\)$/);
    }
    expect(byName.get('entity dim_currencies')?.status).toBe('ok');
    expect(byName.get('entity fact_currency_rates')?.status).toBe('ok');
  });
});

describe('odoo-etl check with the account module', () => {
  let db: TestDatabase;
  let sim: Simulator;
  beforeAll(async () => {
    db = await freshDatabase();
    sim = await startSimulator({ version: '18.0', withBrand: true });
  });
  afterAll(async () => {
    await sim?.close();
    await db?.drop();
  });

  it('checks every finance table against the server: all ok', async () => {
    const result = await runCli(['check', '--json'], { DATABASE_URL: db.url, ODOO_URL: sim.url, ODOO_DB: sim.db, ODOO_USERNAME: 'admin', ODOO_PASSWORD: 'admin' });
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const report = checkReportSchema.parse(JSON.parse(result.stdout));
    const byName = new Map(report.checks.map((c) => [c.check, c]));
    for (const table of [...ACCOUNT_TABLES, 'dim_currencies', 'fact_currency_rates']) expect(byName.get(`entity ${table}`)?.status, table).toBe('ok');
  });
});
