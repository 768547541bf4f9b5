// The finance tables synced from the simulator's dataset (issue 22): what the dataset holds reaches the
// warehouse with the shape BI needs (payments, refunds, a second currency, both companies, a sales line
// joined to its invoice lines, per-company account codes), changes arrive incrementally, deleted drafts are
// marked deleted by the reconcile, and the account tables are skipped, not failed, without the module.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { reconcileDeletions } from '../../src/sync/reconcile.ts';
import { statusSchema } from '../../src/ops/status/schema.ts';
import { runCli } from '../ops/cli.ts';
import { cliEnv, compareWithSimulator, startHarness, type SyncHarness } from '../support/sync-harness.ts';

const FINANCE = ['dim_currencies', 'fact_currency_rates', 'dim_accounts', 'dim_account_codes', 'dim_journals', 'dim_taxes', 'fact_invoices', 'fact_journal_items'];
const count = z.object({ n: z.number() });

describe('finance tables, synced from Odoo 18.0', () => {
  let harness: SyncHarness;
  beforeAll(async () => {
    harness = await startHarness({ sim: { version: '18.0', scale: 1, seed: 5 } });
    const report = await harness.sync({ full: true });
    expect(report.run.status, JSON.stringify(report.steps.filter((s) => s.status === 'failed'))).toBe('succeeded');
    for (const table of FINANCE) expect(report.steps.find((s) => s.entity === table)?.status, table).toBe('succeeded');
  });
  afterAll(async () => {
    await harness.close();
  });

  it('holds every finance record of the simulator, column for column', async () => {
    expect(await compareWithSimulator(harness, FINANCE)).toEqual([]);
  });

  it('has invoices posted, paid, partly paid, unpaid and reversed, drafts, in a second currency and in both companies', async () => {
    const { pool } = harness.db;
    const states = await pool.anyFirst(sql.type(z.object({ s: z.string() }))`
      select distinct move_type || ':' || state || ':' || payment_state as s from fact_invoices where move_type <> 'entry' order by 1`);
    expect(states).toEqual(expect.arrayContaining([
      'out_invoice:posted:paid', 'out_invoice:posted:partial', 'out_invoice:posted:not_paid', 'out_invoice:posted:reversed', 'out_invoice:draft:not_paid',
      'out_refund:posted:paid', 'in_invoice:posted:paid',
    ]));
    const currencies = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
      select distinct c.name from fact_invoices i join dim_currencies c on c.odoo_id = i.currency_id order by 1`);
    expect(currencies).toEqual(['EUR', 'USD']);
    const companies = await pool.oneFirst(sql.type(count)`select count(distinct company_id)::int as n from fact_invoices where move_type = 'out_invoice'`);
    expect(companies).toBeGreaterThanOrEqual(2);
    // A refund points at the invoice it reverses, which Odoo marks 'reversed'.
    const reversed = await pool.anyFirst(sql.type(z.object({ s: z.string() }))`
      select distinct o.payment_state as s from fact_invoices r join fact_invoices o on o.odoo_id = r.reversed_entry_id where r.move_type = 'out_refund'`);
    expect(reversed).toEqual(['reversed']);
  });

  it("joins a sales line to its invoice lines, whose amounts are the line's", async () => {
    const rows = await harness.db.pool.any(sql.type(z.object({ sale: z.string(), invoiced: z.string() }))`
      select s.price_subtotal::text as sale, sum(abs(j.balance))::text as invoiced
        from fact_sales_lines s
        join fact_journal_items j on s.source = 'sale' and s.odoo_id = any (j.sale_line_ids)
        join fact_invoices i on i.odoo_id = j.move_id and i.move_type = 'out_invoice' and i.currency_id = 1
       group by s.source, s.odoo_id, s.price_subtotal`);
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) expect(Number(row.invoiced)).toBeCloseTo(Number(row.sale), 2);
  });

  it('keeps one code per account and company (18+: the bank account differs by company), and the main company\'s code on the account', async () => {
    const codes = await harness.db.pool.any(sql.type(z.object({ company_id: z.number(), code: z.string(), main: z.string() }))`
      select c.company_id, c.code, a.code as main from dim_account_codes c join dim_accounts a on a.odoo_id = c.account_id
       where a.name = 'Bank' order by c.company_id`);
    // the dataset gives company N the bank code 10140N; the API user's main company is 1
    expect(codes.map((c) => [c.company_id, c.code])).toEqual(codes.map((c) => [c.company_id, `10140${c.company_id}`]));
    expect(codes.length).toBeGreaterThanOrEqual(3);
    expect(new Set(codes.map((c) => c.main))).toEqual(new Set(['101401']));
  });

  it('gives each rate its inverse, the company currency per unit', async () => {
    // the dataset's first EUR rate is 0.9 EUR per USD: 1 EUR = 1.11111111111 USD
    const first = await harness.db.pool.one(sql.type(z.object({ rate: z.string(), inverse_rate: z.string(), date: z.string() }))`
      select rate::text, inverse_rate::text, date::text from fact_currency_rates where company_id is null order by date limit 1`);
    expect(first).toEqual({ rate: '0.9', inverse_rate: '1.11111111111', date: '2024-11-24' });
  });

  it('reads a payment incrementally: the invoice and its receivable line, whose residual moved', async () => {
    const { sim, db } = harness;
    const invoice = sim.records('account.move').find((m) => m.move_type === 'out_invoice' && m.state === 'posted' && m.payment_state === 'not_paid')!;
    const receivable = sim.records('account.move.line').find((l) => l.move_id === invoice.id && l.display_type === 'payment_term')!;
    sim.advanceClock(3_600_000);
    // What Odoo's reconcile does through the ORM: the line's stored computed fields and the move's payment state.
    sim.write('account.move.line', [receivable.id], { amount_residual: 0, amount_residual_currency: 0, reconciled: true, matching_number: 'A9999' });
    sim.write('account.move', [invoice.id], { payment_state: 'paid', amount_residual: 0, amount_residual_signed: 0 });
    const report = await harness.sync();
    expect(report.run.status).toBe('succeeded');
    const steps = Object.fromEntries(report.steps.map((s) => [s.entity, s]));
    expect(steps.fact_invoices?.mode).toBe('incremental');
    expect(steps.fact_journal_items?.mode).toBe('incremental');
    const line = await db.pool.one(sql.type(z.object({ amount_residual: z.string(), reconciled: z.boolean(), matching_number: z.string() }))`
      select amount_residual::text, reconciled, matching_number from fact_journal_items where odoo_id = ${receivable.id}`);
    expect(line).toEqual({ amount_residual: '0', reconciled: true, matching_number: 'A9999' });
    const move = await db.pool.oneFirst(sql.type(z.object({ payment_state: z.string() }))`select payment_state from fact_invoices where odoo_id = ${invoice.id}`);
    expect(move).toBe('paid');
  });

  it('marks a deleted draft invoice and its lines deleted at the reconcile', async () => {
    const { sim, db } = harness;
    const draft = sim.records('account.move').find((m) => m.state === 'draft')!;
    const lines = sim.records('account.move.line').filter((l) => l.move_id === draft.id).map((l) => l.id);
    expect(lines.length).toBeGreaterThan(1);
    sim.unlink('account.move.line', lines);
    sim.unlink('account.move', [draft.id]);
    await reconcileDeletions(harness.ctx, { entities: ['fact_invoices', 'fact_journal_items'] });
    const deleted = await db.pool.oneFirst(sql.type(count)`
      select count(*)::int as n from fact_journal_items where odoo_id = any (${sql.array(lines, 'int4')}) and deleted_at is not null`);
    expect(deleted).toBe(lines.length);
    const move = await db.pool.oneFirst(sql.type(z.object({ deleted: z.boolean() }))`select deleted_at is not null as deleted from fact_invoices where odoo_id = ${draft.id}`);
    expect(move).toBe(true);
  });
});

describe('finance without the account module', () => {
  it('skips the account tables (not failed) and still syncs currencies and rates', async () => {
    const harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 2, withAccount: false } });
    try {
      const report = await harness.sync({ full: true });
      expect(report.run.status).toBe('succeeded');
      const status = Object.fromEntries(report.steps.map((s) => [s.entity, s.status]));
      for (const table of ['dim_accounts', 'dim_account_codes', 'dim_journals', 'dim_taxes', 'fact_invoices', 'fact_journal_items']) expect(status[table], table).toBe('skipped');
      expect(status.dim_currencies).toBe('succeeded');
      expect(status.fact_currency_rates).toBe('succeeded');
      expect(await compareWithSimulator(harness, ['dim_currencies', 'fact_currency_rates'])).toEqual([]);
      // status: the account tables are absent (their module is not installed), not a problem
      const result = await runCli(['status', '--json'], { ...cliEnv(harness), FRESHNESS: '1h' });
      const health = statusSchema.parse(JSON.parse(result.stdout));
      expect(result.code, result.stderr).toBe(0);
      expect(health.problems).toEqual([]);
      const state = Object.fromEntries(health.entities.map((e) => [e.entity, e.state]));
      for (const table of ['dim_accounts', 'dim_account_codes', 'dim_journals', 'dim_taxes', 'fact_invoices', 'fact_journal_items']) expect(state[table], table).toBe('absent');
      expect(state.dim_currencies).toBe('ok');
    } finally {
      await harness.close();
    }
  });
});
