/**
 * What a user's two everyday accounting clicks store in Odoo, done to the simulator's records (the demo and
 * tests use them): "Confirm" on a draft invoice (account.move.action_post) and a bank payment reconciled
 * with an invoice. Only the stored fields the warehouse reads change, each through a write (Odoo writes
 * them through its ORM, which stamps write_date: the lines' stored related `parent_state` and `date`, the
 * receivable line's residual and matching, the invoice's payment state), in the shapes the dataset
 * (dataset/finance.ts) gives the records it generates. Company-currency invoices only: a foreign-currency
 * one would need the day's rate.
 */
import type { Rec } from './store.ts';
import type { SimDatabase } from './sim-database.ts';
import { DAY, d10, r2 } from './dataset/context.ts';

function move(sim: SimDatabase, id: number): Rec {
  const found = sim.records('account.move').find((m) => m.id === id);
  if (!found) throw new Error(`account.move(${id}) does not exist`);
  return found;
}

/** The sequence's next name `PREFIX/YEAR/NNNNN` after the names the moves already have. */
function nextName(sim: SimDatabase, prefix: string, day: string): string {
  const key = `${prefix}/${day.slice(0, 4)}/`;
  let last = 0;
  for (const m of sim.records('account.move')) {
    const name = m.name;
    if (typeof name === 'string' && name.startsWith(key)) last = Math.max(last, Number(name.slice(key.length)) || 0);
  }
  return `${key}${String(last + 1).padStart(5, '0')}`;
}

function isCompanyCurrency(m: Rec): void {
  if (m.currency_id !== 1) throw new Error(`account.move(${m.id}) is in currency ${String(m.currency_id)}: only company-currency (USD) moves are supported here`);
}

/**
 * action_post of a draft customer invoice (account_move.py `_post`): state posted, the journal sequence's next
 * name (and the payment reference from it, when it has none), invoice_date today when empty, the accounting
 * date (`_compute_date`: a sale document's is its invoice date) and the due date
 * (30 days, the dataset's terms) following it; on the lines `parent_state`, `date` and the receivable
 * line's `date_maturity`. Returns the name.
 */
export function postInvoice(sim: SimDatabase, id: number): string {
  const m = move(sim, id);
  if (m.state !== 'draft') throw new Error(`account.move(${id}) is ${String(m.state)}, not draft`);
  isCompanyCurrency(m);
  const today = d10(sim.now().getTime());
  const invoiceDate = typeof m.invoice_date === 'string' ? m.invoice_date : today;
  const due = d10(Date.parse(`${invoiceDate}T00:00:00Z`) + 30 * DAY);
  const name = nextName(sim, 'INV', invoiceDate);
  // Odoo computes the payment reference (and names the receivable lines with it) only when there is none.
  const reference = typeof m.payment_reference === 'string' && m.payment_reference ? null : name;
  sim.write('account.move', [id], { state: 'posted', name, invoice_date: invoiceDate, date: invoiceDate, invoice_date_due: due, ...(reference ? { payment_reference: reference } : {}) });
  for (const line of sim.records('account.move.line').filter((l) => l.move_id === id)) {
    const receivable = line.display_type === 'payment_term' ? { date_maturity: due, ...(reference ? { name: reference } : {}) } : {};
    sim.write('account.move.line', [line.id], { parent_state: 'posted', date: invoiceDate, ...receivable });
  }
  return name;
}

/**
 * A bank payment of a posted, unpaid customer invoice's whole residual, reconciled with it: a posted entry
 * in the company's bank journal (bank debited, receivable credited), both receivable lines fully
 * reconciled under one matching number, the invoice paid. Returns the payment's move id and name.
 */
export function payInvoice(sim: SimDatabase, id: number): { paymentId: number; paymentName: string } {
  const invoice = move(sim, id);
  if (invoice.state !== 'posted' || invoice.payment_state !== 'not_paid') throw new Error(`account.move(${id}) is not a posted unpaid invoice`);
  isCompanyCurrency(invoice);
  const company = invoice.company_id as number;
  const receivables = sim.records('account.move.line').filter((l) => l.move_id === id && l.display_type === 'payment_term');
  const amount = r2(receivables.reduce((s, l) => s + (l.amount_residual as number), 0));
  const bank = sim.records('account.journal').find((j) => j.type === 'bank' && j.company_id === company);
  if (!bank) throw new Error(`company ${company} has no bank journal`);
  let lastMatch = 0;
  for (const l of sim.records('account.move.line')) {
    const n = typeof l.matching_number === 'string' && /^A\d+$/.test(l.matching_number) ? Number(l.matching_number.slice(1)) : 0;
    lastMatch = Math.max(lastMatch, n);
  }
  const matching = `A${lastMatch + 1}`;
  const today = d10(sim.now().getTime());
  const paymentName = nextName(sim, `PBNK${company}`, today);
  const partner = invoice.partner_id;
  const header = {
    name: paymentName, move_type: 'entry', state: 'posted', payment_state: 'not_paid', partner_id: partner, commercial_partner_id: partner, invoice_date: false,
    invoice_date_due: false, date: today, journal_id: bank.id, company_id: company, currency_id: 1, amount_untaxed: 0, amount_tax: 0, amount_total: amount,
    amount_residual: 0, amount_untaxed_signed: 0, amount_tax_signed: 0, amount_total_signed: amount, amount_residual_signed: 0, invoice_user_id: false,
    team_id: false, invoice_origin: false, ref: false, payment_reference: false, reversed_entry_id: false, fiscal_position_id: false,
  };
  const paymentId = sim.create('account.move', header, { company });
  const line = (account: number, balance: number, display: string, reconciled: Record<string, unknown>) => ({
    move_id: paymentId, account_id: account, partner_id: partner, product_id: false, journal_id: bank.id, company_id: company, date: today, date_maturity: false,
    name: 'Payment', debit: balance > 0 ? balance : 0, credit: balance < 0 ? -balance : 0, balance, amount_currency: balance, currency_id: 1, company_currency_id: 1,
    quantity: 0, price_unit: 0, discount: 0, price_subtotal: 0, price_total: 0, tax_ids: [], tax_line_id: false, analytic_distribution: false, display_type: display,
    reconciled: false, matching_number: false, amount_residual: 0, amount_residual_currency: 0, parent_state: 'posted', sale_line_ids: [], purchase_line_id: false,
    ...reconciled,
  });
  sim.create('account.move.line', line(bank.default_account_id as number, amount, 'product', {}), { company });
  sim.create('account.move.line', line(receivables[0]!.account_id as number, -amount, 'payment_term', { reconciled: true, matching_number: matching }), { company });
  // The reconcile: the invoice's receivable lines settled, its payment state and residual recomputed.
  sim.write('account.move.line', receivables.map((l) => l.id), { amount_residual: 0, amount_residual_currency: 0, reconciled: true, matching_number: matching });
  sim.write('account.move', [id], { payment_state: 'paid', amount_residual: 0, amount_residual_signed: 0 });
  return { paymentId, paymentName };
}
