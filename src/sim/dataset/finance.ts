// Over ~300 lines: one concept, the books the orders produce (chart, journals, taxes, moves, payments); its
// parts share the move builder and the sequence numbering, and splitting them would pass both around.
// Finance: currencies and their rates, a chart of accounts, journals and taxes per company, and the moves
// that the orders generated before produce, as Odoo books them: an invoice per confirmed sale order (its
// lines point at the sale lines), a vendor bill per confirmed purchase order (lines point at the purchase
// lines), one closing entry per POS session with orders; payments (bank entries) that pay invoices fully or
// partly, refunds that reverse some invoices, a tenth of the invoices in a second currency (EUR), drafts.
// It reads the orders from the store and draws from a random sequence of its own, so every record generated
// before it stays byte for byte what it was. Fields the spec reads are all set (false when empty): the
// store's hash would otherwise invent them.
import { PerCompany, type Rec } from '../store.ts';
import { ADMIN_UID, DATA_EPOCH, DAY, d10, dt, mulberry32, r2, type Gen } from './context.ts';
import type { Company } from './company.ts';

const USD = 1;
const EUR = 2;
/** EUR per USD over the two years: the rate drifts by the month (rates are "units per company currency unit"). */
const eurRate = (month: number): number => Math.round((0.9 + 0.04 * Math.sin(month / 3)) * 1e6) / 1e6;

interface Books {
  receivable: number;
  payable: number;
  income: number;
  expense: number;
  taxDue: number;
  taxPaid: number;
  bank: number;
  cash: number;
  sale: number;
  purchase: number;
  bankJournal: number;
  cashJournal: number;
  saleTax: number;
  purchaseTax: number;
}

interface MoveLine {
  account: number;
  balance: number;
  /** In the move's currency (= balance for company-currency moves). */
  currencyAmount: number;
  display: string;
  name: string | false;
  product?: number;
  quantity?: number;
  priceUnit?: number;
  discount?: number;
  subtotal?: number;
  total?: number;
  taxIds?: number[];
  taxLine?: number;
  saleLines?: number[];
  purchaseLine?: number;
  residual?: number;
  matching?: string | false;
  maturity?: string | false;
}

export function generateFinance(g: Gen, companies: Company[]): void {
  const { db, o } = g;
  const rnd = mulberry32(o.seed * 40503 + Math.round(o.scale * 1000) + 0x2f1a);
  const int = (a: number, b: number): number => a + Math.floor(rnd() * (b - a + 1));
  const chance = (p: number): boolean => rnd() < p;
  const put = (model: string, values: Record<string, unknown>): Rec => g.put(model, values);
  const stamp = (ms: number) => ({ create_date: dt(ms), write_date: dt(Math.min(ms, DATA_EPOCH)), create_uid: ADMIN_UID, write_uid: ADMIN_UID });
  const start = g.start;

  // Currencies (module base): the company currency, the second one, and an archived one.
  put('res.currency', { id: USD, name: 'USD', symbol: '$', full_name: 'United States dollar', rounding: 0.01, decimal_places: 2, position: 'before', active: true, ...stamp(start) });
  put('res.currency', { id: EUR, name: 'EUR', symbol: '€', full_name: 'Euro', rounding: 0.01, decimal_places: 2, position: 'after', active: true, ...stamp(start) });
  put('res.currency', { id: 3, name: 'GBP', symbol: '£', full_name: 'Pound sterling', rounding: 0.01, decimal_places: 2, position: 'before', active: false, ...stamp(start) });
  let rateId = 1;
  for (let m = 0; m < 24; m++) {
    const day = start + m * 30 * DAY;
    put('res.currency.rate', { id: rateId++, name: d10(day), currency_id: EUR, company_id: false, rate: eurRate(m), ...stamp(day + 6 * 3600_000) });
  }
  // A branch with rates of its own for the last quarter (res.currency.rate.company_id set).
  const branch = companies[1];
  if (branch) for (let m = 21; m < 24; m++) put('res.currency.rate', { id: rateId++, name: d10(start + m * 30 * DAY), currency_id: EUR, company_id: branch.id, rate: eurRate(m) + 0.01, ...stamp(start + m * 30 * DAY) });
  if (!db.table('account.move')) return; // no `account` module
  // 18+: the companies' default for taxes that do not override it (res.company.account_price_include, a
  // field of the account module; Odoo's default 'tax_excluded'), set rather than left to the store's hash.
  if (g.has('res.company', 'account_price_include')) {
    for (const c of companies) {
      const company = db.table('res.company')?.records.get(c.id);
      if (company) company.account_price_include = 'tax_excluded';
    }
  }

  const shared = g.has('account.account', 'company_ids'); // 18+: one chart shared by the companies, codes per company
  const books = new Map<number, Books>();
  let accountId = 1;
  const chart: Array<[keyof Books, string, string, string, boolean]> = [
    ['receivable', '121000', 'Account Receivable', 'asset_receivable', true],
    ['payable', '211000', 'Account Payable', 'liability_payable', true],
    ['income', '400000', 'Product Sales', 'income', false],
    ['expense', '600000', 'Expenses', 'expense', false],
    ['taxDue', '251000', 'Tax Received', 'liability_current', false],
    ['taxPaid', '131000', 'Tax Paid', 'asset_current', false],
    ['bank', '101401', 'Bank', 'asset_cash', false],
    ['cash', '101501', 'Cash', 'asset_cash', false],
  ];
  const ids = companies.map((c) => c.id);
  const addAccount = (code: string | PerCompany, name: string, type: string, reconcile: boolean, company: number | null): number => {
    const id = accountId++;
    const where = company === null ? { company_ids: ids, code_store: code } : { company_id: company, code };
    put('account.account', { id, name, account_type: type, reconcile, deprecated: false, active: true, currency_id: false, internal_group: type.split('_')[0] === 'liability' ? 'liability' : type.startsWith('asset') ? 'asset' : type, ...where, ...stamp(start) });
    return id;
  };
  const sharedIds: Partial<Record<keyof Books, number>> = {};
  if (shared) {
    for (const [key, code, name, type, reconcile] of chart) {
      // the bank account's code differs per company (code_store is company-dependent from 18.0)
      const perCompany = new PerCompany(Object.fromEntries(ids.map((c) => [c, key === 'bank' ? `10140${c}` : code])));
      sharedIds[key] = addAccount(perCompany, name, type, reconcile, null);
    }
  }
  let journalId = 1;
  let taxId = 1;
  for (const c of companies) {
    const acc = {} as Record<string, number>;
    for (const [key, code, name, type, reconcile] of chart) acc[key] = shared ? sharedIds[key]! : addAccount(code, name, type, reconcile, c.id);
    const journal = (code: string, name: string, type: string, account: number): number => {
      const id = journalId++;
      put('account.journal', { id, name, code, type, company_id: c.id, currency_id: false, default_account_id: account, sequence: 10 + id, active: true, ...stamp(start) });
      return id;
    };
    const tax = (name: string, use: string, included: boolean): number => {
      const id = taxId++;
      put('account.tax', {
        id, name, amount: 15, amount_type: 'percent', type_tax_use: use, price_include: included, price_include_override: included ? 'tax_included' : false,
        include_base_amount: false, company_id: c.id, tax_group_id: 1, sequence: 1, active: true, ...stamp(start),
      });
      return id;
    };
    books.set(c.id, {
      ...(acc as unknown as Books),
      sale: journal('INV', 'Customer Invoices', 'sale', acc.income!),
      purchase: journal('BILL', 'Vendor Bills', 'purchase', acc.expense!),
      bankJournal: journal('BNK1', 'Bank', 'bank', acc.bank!),
      cashJournal: journal('CSH1', 'Cash', 'cash', acc.cash!),
      saleTax: tax('15%', 'sale', false),
      purchaseTax: tax('15% (purchase)', 'purchase', false),
    });
    if (c.id === 1) tax('15% incl.', 'sale', true);
  }

  let moveId = 1;
  let lineId = 1;
  let matchNo = 1;
  const partialMatching = (): string => (db.version === '16.0' ? 'P' : `P${matchNo++}`);
  const seq = new Map<string, number>();
  const nameFor = (prefix: string, when: number): string => {
    const key = `${prefix}/${d10(when).slice(0, 4)}`;
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    return `${key}/${String(n).padStart(5, '0')}`;
  };
  interface MoveSpec {
    type: string;
    company: number;
    journal: number;
    partner: number | false;
    when: number;
    written: number;
    currency: number;
    rate: number;
    state: 'draft' | 'posted' | 'cancel';
    paymentState: string;
    name: string;
    origin: string | false;
    user: number | false;
    team: number | false;
    reversed: number | false;
    dueDays: number;
    lines: MoveLine[];
  }
  const addMove = (m: MoveSpec): number => {
    const id = moveId++;
    const invoice = m.type !== 'entry';
    const sign = m.type === 'out_invoice' || m.type === 'in_refund' || m.type === 'out_receipt' ? 1 : m.type === 'entry' ? 1 : -1;
    const sum = (f: (l: MoveLine) => number, display: string[]) => r2(m.lines.filter((l) => display.includes(l.display)).reduce((s, l) => s + f(l), 0));
    const untaxed = invoice ? Math.abs(sum((l) => l.currencyAmount, ['product'])) : 0;
    const tax = invoice ? Math.abs(sum((l) => l.currencyAmount, ['tax'])) : 0;
    const total = invoice ? r2(untaxed + tax) : sum((l) => Math.max(0, l.currencyAmount), ['product', 'tax', 'payment_term']);
    const residualLines = m.lines.filter((l) => l.display === 'payment_term');
    const residual = invoice ? Math.abs(r2(residualLines.reduce((s, l) => s + (l.residual ?? 0), 0))) : 0;
    const inCompany = (x: number) => r2(x / m.rate);
    const invoiceDate = invoice && m.state !== 'draft' ? d10(m.when) : false;
    const due = invoice ? d10(m.when + m.dueDays * DAY) : false;
    put('account.move', {
      id, name: m.state === 'draft' ? '/' : m.name, move_type: m.type, state: m.state, payment_state: invoice ? m.paymentState : 'not_paid',
      partner_id: m.partner, commercial_partner_id: m.partner, invoice_date: invoiceDate, invoice_date_due: due, date: d10(m.when), journal_id: m.journal, company_id: m.company,
      currency_id: m.currency, amount_untaxed: untaxed, amount_tax: tax, amount_total: total, amount_residual: residual,
      amount_untaxed_signed: r2(sign * inCompany(untaxed)), amount_tax_signed: r2(sign * inCompany(tax)), amount_total_signed: r2(sign * inCompany(total)),
      amount_residual_signed: r2(sign * inCompany(residual)), invoice_user_id: m.user, team_id: m.team, invoice_origin: m.origin, ref: false, payment_reference: invoice ? m.name : false,
      reversed_entry_id: m.reversed, fiscal_position_id: false, ...stamp(m.when), write_date: dt(Math.min(m.written, DATA_EPOCH)),
    });
    // formatted once per move: the lines share them (datetime formatting dominates at large scales)
    const day = d10(m.when);
    const lineStamp = { ...stamp(m.when), write_date: dt(Math.min(m.written, DATA_EPOCH)) };
    for (const l of m.lines) {
      const balance = m.currency === USD ? l.balance : inCompany(l.currencyAmount);
      put('account.move.line', {
        id: lineId++, move_id: id, account_id: l.account, partner_id: m.partner, product_id: l.product ?? false, journal_id: m.journal, company_id: m.company,
        date: day, date_maturity: l.maturity ?? false, name: l.name, debit: balance > 0 ? balance : 0, credit: balance < 0 ? -balance : 0, balance,
        amount_currency: l.currencyAmount, currency_id: m.currency, company_currency_id: USD, quantity: l.quantity ?? 0, price_unit: l.priceUnit ?? 0, discount: l.discount ?? 0,
        price_subtotal: l.subtotal ?? 0, price_total: l.total ?? 0, tax_ids: l.taxIds ?? [], tax_line_id: l.taxLine ?? false,
        analytic_distribution: l.display === 'product' && m.type.startsWith('in_') ? { [String(m.company)]: 100 } : false, display_type: l.display,
        reconciled: l.residual === 0 && (l.matching ?? false) !== false, matching_number: l.matching ?? false,
        amount_residual: l.residual === undefined ? 0 : m.currency === USD ? l.residual : inCompany(l.residual), amount_residual_currency: l.residual ?? 0,
        parent_state: m.state, sale_line_ids: l.saleLines ?? [], purchase_line_id: l.purchaseLine ?? false,
        ...lineStamp,
      });
    }
    return id;
  };

  /** A bank payment of `amount` (move currency) against a receivable/payable line; returns its write time. */
  const pay = (company: number, partner: number, when: number, amount: number, currency: number, rate: number, counterpart: number, inbound: boolean, matching: string): void => {
    const b = books.get(company)!;
    const s = inbound ? 1 : -1;
    addMove({
      type: 'entry', company, journal: b.bankJournal, partner, when, written: when, currency, rate, state: 'posted', paymentState: 'not_paid', name: nameFor(`PBNK${company}`, when),
      origin: false, user: false, team: false, reversed: false, dueDays: 0,
      lines: [
        { account: b.bank, balance: r2(s * amount), currencyAmount: r2(s * amount), display: 'product', name: 'Payment' },
        { account: counterpart, balance: r2(-s * amount), currencyAmount: r2(-s * amount), display: 'payment_term', name: 'Payment', residual: 0, matching },
      ],
    });
  };

  const monthOf = (when: number) => Math.max(0, Math.min(23, Math.floor((when - start) / (30 * DAY))));
  /** An invoice (or bill) for an order, its payment, and sometimes a refund. */
  const invoiceOrder = (kind: 'out' | 'in', order: Rec, lines: Rec[]): void => {
    const company = order.company_id as number;
    const b = books.get(company)!;
    const when = Date.parse(`${String(order.date_order).replace(' ', 'T')}Z`) + int(1, 3) * DAY;
    if (when > DATA_EPOCH) return;
    const foreign = kind === 'out' && chance(0.1);
    const currency = foreign ? EUR : USD;
    const rate = foreign ? eurRate(monthOf(when)) : 1;
    const draft = chance(0.05);
    const s = kind === 'out' ? -1 : 1; // income lines are credits, expense lines debits
    const moveLines: MoveLine[] = [];
    let untaxed = 0;
    for (const l of lines) {
      const sub = l.price_subtotal as number;
      untaxed += sub;
      moveLines.push({
        account: kind === 'out' ? b.income : b.expense, balance: r2(s * sub), currencyAmount: r2(s * sub), display: 'product', name: l.name as string,
        product: l.product_id as number, quantity: (kind === 'out' ? l.product_uom_qty : l.product_qty) as number, priceUnit: l.price_unit as number,
        discount: (l.discount as number | undefined) ?? 0, subtotal: sub, total: l.price_total as number, taxIds: [kind === 'out' ? b.saleTax : b.purchaseTax],
        ...(kind === 'out' ? { saleLines: [l.id] } : { purchaseLine: l.id }),
      });
    }
    const taxAmount = r2(untaxed * 0.15);
    const total = r2(untaxed + taxAmount);
    moveLines.push({ account: kind === 'out' ? b.taxDue : b.taxPaid, balance: r2(s * taxAmount), currencyAmount: r2(s * taxAmount), display: 'tax', name: '15%', taxLine: kind === 'out' ? b.saleTax : b.purchaseTax });
    // How it is paid: fully, partly, not yet (posted invoices only)
    const roll = rnd();
    const paid = draft ? 0 : roll < 0.6 ? total : roll < 0.75 ? r2(total / 2) : 0;
    const matching = paid === total && paid > 0 ? `A${matchNo++}` : paid > 0 ? partialMatching() : false;
    const due = 30;
    moveLines.push({
      account: kind === 'out' ? b.receivable : b.payable, balance: r2(-s * total), currencyAmount: r2(-s * total), display: 'payment_term', name: false,
      residual: r2(-s * (total - paid)), matching, maturity: d10(when + due * DAY),
    });
    const paidAt = when + int(2, 40) * DAY;
    const payNow = paid > 0 && paidAt <= DATA_EPOCH;
    const refund = !draft && paid === total && payNow && kind === 'out' && chance(0.08);
    const invoiceId = addMove({
      type: `${kind}_invoice`, company, journal: kind === 'out' ? b.sale : b.purchase, partner: order.partner_id as number, when, written: payNow ? paidAt : when,
      currency, rate, state: draft ? 'draft' : 'posted', paymentState: refund ? 'reversed' : !payNow ? 'not_paid' : paid === total ? 'paid' : 'partial',
      name: nameFor(kind === 'out' ? 'INV' : 'BILL', when), origin: order.name as string, user: kind === 'out' ? (order.user_id as number) : ADMIN_UID,
      team: kind === 'out' ? (order.team_id as number) : false, reversed: false, dueDays: due, lines: payNow ? moveLines : moveLines.map((l) => (l.display === 'payment_term' ? { ...l, residual: l.balance, matching: false } : l)),
    });
    if (payNow && !refund) pay(company, order.partner_id as number, paidAt, paid, currency, rate, kind === 'out' ? b.receivable : b.payable, kind === 'out', matching as string);
    if (refund) {
      // A credit note reversing the whole invoice, reconciled with it (the invoice's payment_state 'reversed').
      const mirrored = moveLines.map((l) => ({ ...l, balance: -l.balance, currencyAmount: -l.currencyAmount, ...(l.display === 'payment_term' ? { residual: 0, matching: matching as string } : {}) }));
      addMove({
        type: 'out_refund', company, journal: b.sale, partner: order.partner_id as number, when: paidAt, written: paidAt, currency, rate, state: 'posted', paymentState: 'paid',
        name: nameFor('RINV', paidAt), origin: order.name as string, user: order.user_id as number, team: order.team_id as number, reversed: invoiceId, dueDays: 0, lines: mirrored,
      });
    }
  };

  const linesOf = (model: string): Map<number, Rec[]> => {
    const byOrder = new Map<number, Rec[]>();
    for (const l of (db.table(model)?.records ?? new Map<number, Rec>()).values()) {
      const list = byOrder.get(l.order_id as number);
      if (list) list.push(l);
      else byOrder.set(l.order_id as number, [l]);
    }
    return byOrder;
  };
  const saleLines = linesOf('sale.order.line');
  for (const order of db.table('sale.order')?.records.values() ?? []) {
    if (order.state === 'sale' || order.state === 'done') invoiceOrder('out', order, saleLines.get(order.id) ?? []);
  }
  const purchaseLines = linesOf('purchase.order.line');
  for (const order of db.table('purchase.order')?.records.values() ?? []) {
    if (order.state === 'purchase' || order.state === 'done') invoiceOrder('in', order, purchaseLines.get(order.id) ?? []);
  }
  // POS: one closing entry per session with orders (sales and tax credited, cash debited), as Odoo posts them.
  const bySession = new Map<number, { untaxed: number; total: number }>();
  for (const order of db.table('pos.order')?.records.values() ?? []) {
    const s = bySession.get(order.session_id as number) ?? { untaxed: 0, total: 0 };
    s.total += order.amount_total as number;
    s.untaxed += (order.amount_total as number) - (order.amount_tax as number);
    bySession.set(order.session_id as number, s);
  }
  for (const session of db.table('pos.session')?.records.values() ?? []) {
    const sums = bySession.get(session.id);
    if (!sums) continue;
    const b = books.get(session.company_id as number)!;
    const when = Date.parse(`${String(session.stop_at).replace(' ', 'T')}Z`);
    if (when > DATA_EPOCH) continue;
    const untaxed = r2(sums.untaxed);
    const total = r2(sums.total);
    addMove({
      type: 'entry', company: session.company_id as number, journal: b.cashJournal, partner: false, when, written: when, currency: USD, rate: 1, state: 'posted', paymentState: 'not_paid',
      name: nameFor(`POSS${session.company_id as number}`, when), origin: session.name as string, user: false, team: false, reversed: false, dueDays: 0,
      lines: [
        { account: b.income, balance: -untaxed, currencyAmount: -untaxed, display: 'product', name: 'Sales' },
        { account: b.taxDue, balance: r2(untaxed - total), currencyAmount: r2(untaxed - total), display: 'tax', name: '15%', taxLine: b.saleTax },
        { account: b.cash, balance: total, currencyAmount: total, display: 'product', name: 'Cash' },
      ],
    });
  }
}

