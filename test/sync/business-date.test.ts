// Business dates: a datetime's calendar day where the company is (its partner's tz, else BUSINESS_TIMEZONE,
// else UTC), across daylight saving time changes. Expected days are worked out by hand from the zones' offsets.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { settingsSchema } from '../../src/config.ts';
import { calendarDayIn } from '../../src/entities/business-date.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

describe('calendarDayIn', () => {
  it('follows Europe/Berlin across the end of March (CET +1 → CEST +2 at 01:00 UTC on 29 March 2026)', () => {
    expect(calendarDayIn('2026-03-28 22:30:00', 'Europe/Berlin')).toBe('2026-03-28'); // 23:30 CET
    expect(calendarDayIn('2026-03-28 23:30:00', 'Europe/Berlin')).toBe('2026-03-29'); // 00:30 CET
    expect(calendarDayIn('2026-03-29 21:30:00', 'Europe/Berlin')).toBe('2026-03-29'); // 23:30 CEST
    expect(calendarDayIn('2026-03-29 22:30:00', 'Europe/Berlin')).toBe('2026-03-30'); // 00:30 CEST: same UTC time as the first, a day later
  });

  it('follows Europe/Berlin across the end of October (CEST +2 → CET +1 at 01:00 UTC on 25 October 2026)', () => {
    expect(calendarDayIn('2026-10-24 22:30:00', 'Europe/Berlin')).toBe('2026-10-25'); // 00:30 CEST
    expect(calendarDayIn('2026-10-25 22:30:00', 'Europe/Berlin')).toBe('2026-10-25'); // 23:30 CET
  });

  it('puts a sale at 23:30 on the 1st in UTC+7 on the 1st, and one at 00:30 on the 2nd on the 2nd', () => {
    expect(calendarDayIn('2026-01-01 16:30:00', 'Asia/Bangkok')).toBe('2026-01-01');
    expect(calendarDayIn('2026-01-01 17:30:00', 'Asia/Bangkok')).toBe('2026-01-02');
    expect(calendarDayIn('2026-01-01T17:30:00Z', 'UTC')).toBe('2026-01-01');
  });
});

describe('BUSINESS_TIMEZONE', () => {
  it('takes an IANA zone and refuses anything else, saying what it wants', () => {
    expect(settingsSchema.parse({ BUSINESS_TIMEZONE: 'Europe/Berlin' }).BUSINESS_TIMEZONE).toBe('Europe/Berlin');
    expect(settingsSchema.parse({}).BUSINESS_TIMEZONE).toBeUndefined();
    const wrong = settingsSchema.safeParse({ BUSINESS_TIMEZONE: 'Mars/Olympus_Mons' });
    expect(wrong.success).toBe(false);
    expect(JSON.stringify(wrong.error?.issues)).toContain('must be an IANA timezone');
  });
});

describe('all_sales.business_date and dim_purchases.business_date', () => {
  let harness: SyncHarness;
  const ids: Record<string, number> = {};
  const dayOf = async (id: number, source = 'sale') =>
    harness.db.pool.oneFirst(sql.type(z.object({ d: z.string() }))`select business_date::text as d from all_sales where source = ${source} and odoo_id = ${id}`);
  const purchaseDayOf = async (id: number) =>
    harness.db.pool.oneFirst(sql.type(z.object({ d: z.string() }))`select business_date::text as d from dim_purchases where odoo_id = ${id}`);

  beforeAll(async () => {
    harness = await startHarness({ sim: { version: '17.0', scale: 1, seed: 4 }, settings: { BUSINESS_TIMEZONE: 'Asia/Bangkok' } });
    const { sim } = harness;
    const partnerOf = (company: number) => sim.records('res.company').find((c) => c.id === company)!.partner_id as number;
    sim.write('res.partner', [partnerOf(1)], { tz: 'Europe/Berlin' });
    sim.write('res.partner', [partnerOf(2)], { tz: false }); // no tz: BUSINESS_TIMEZONE
    const order = (company: number, when: string) => sim.create('sale.order', { name: `BD ${when}`, company_id: company, date_order: when, state: 'sale', partner_id: 10, user_id: 2 });
    ids.beforeDst = order(1, '2026-03-28 22:30:00');
    ids.afterDst = order(1, '2026-03-29 22:30:00');
    ids.fallback = order(2, '2026-01-01 17:30:00');
    // purchase orders (dim_purchases) around Berlin's October change
    const purchase = (company: number, when: string) =>
      sim.create('purchase.order', { name: `BD P ${when}`, company_id: company, date_order: when, state: 'purchase', partner_id: 10, user_id: 2, currency_id: 1 });
    ids.purchaseBeforeDst = purchase(1, '2026-10-24 22:30:00');
    ids.purchaseAfterDst = purchase(1, '2026-10-25 22:30:00');
    ids.purchaseFallback = purchase(2, '2026-01-01 16:30:00');
    const report = await harness.sync({ full: true });
    expect(report.run.status).toBe('succeeded');
  });
  afterAll(async () => {
    await harness.close();
  });

  it("is date_order's day in the company partner's timezone, across the DST change", async () => {
    expect(await dayOf(ids.beforeDst!)).toBe('2026-03-28');
    expect(await dayOf(ids.afterDst!)).toBe('2026-03-30');
  });

  it("is a purchase's date_order day in its company partner's timezone, across the October DST change", async () => {
    // 22:30 UTC on 24 October is 00:30 CEST (UTC+2) on the 25th; on 25 October, after the clocks went back, 23:30 CET (UTC+1)
    expect(await purchaseDayOf(ids.purchaseBeforeDst!)).toBe('2026-10-25');
    expect(await purchaseDayOf(ids.purchaseAfterDst!)).toBe('2026-10-25');
  });

  it('falls back to BUSINESS_TIMEZONE for a company whose partner has no tz', async () => {
    expect(await dayOf(ids.fallback!)).toBe('2026-01-02');
    // 16:30 UTC on 1 January is 23:30 in Bangkok: still the 1st
    expect(await purchaseDayOf(ids.purchaseFallback!)).toBe('2026-01-01');
  });

  it("follows a change of the company's timezone: the next run is a full pass of all_sales", async () => {
    const { sim } = harness;
    const partner = sim.records('res.company').find((c) => c.id === 1)!.partner_id as number;
    sim.advanceClock(3_600_000);
    sim.write('res.partner', [partner], { tz: 'America/New_York' });
    const report = await harness.sync({ entities: ['all_sales'] });
    expect(report.steps.find((s) => s.entity === 'all_sales')?.mode).toContain('full');
    // 22:30 UTC on 28 March is 18:30 in New York (EDT, UTC−4 since 8 March)
    expect(await dayOf(ids.beforeDst!)).toBe('2026-03-28');
    // 17:30 UTC on 1 January stays in Bangkok: the 2nd
    expect(await dayOf(ids.fallback!)).toBe('2026-01-02');
    // a POS order of company 1 now carries its New York day
    const pos = sim.records('pos.order').find((o) => o.company_id === 1)!;
    const utc = String(pos.date_order);
    const expected = new Date(Date.parse(`${utc.replace(' ', 'T')}Z`) - (isEdt(utc) ? 4 : 5) * 3_600_000).toISOString().slice(0, 10);
    expect(await dayOf(pos.id, 'pos')).toBe(expected);
  });

  it("follows a change of the company's timezone in dim_purchases too: its next run is a full pass", async () => {
    // the partner is in New York since the previous test
    const report = await harness.sync({ entities: ['dim_purchases'] });
    expect(report.steps.find((s) => s.entity === 'dim_purchases')?.mode).toContain('full');
    // 22:30 UTC on 24 October is 18:30 EDT (UTC−4, until 1 November): the 24th
    expect(await purchaseDayOf(ids.purchaseBeforeDst!)).toBe('2026-10-24');
    expect(await purchaseDayOf(ids.purchaseFallback!)).toBe('2026-01-01');
  });
});

/** New York is on EDT (UTC−4) from the second Sunday of March to the first Sunday of November, 2024–2026. */
function isEdt(utc: string): boolean {
  const t = Date.parse(`${utc.replace(' ', 'T')}Z`);
  const spans: Array<[string, string]> = [
    ['2024-03-10T07:00:00Z', '2024-11-03T06:00:00Z'],
    ['2025-03-09T07:00:00Z', '2025-11-02T06:00:00Z'],
    ['2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z'],
  ];
  return spans.some(([a, b]) => t >= Date.parse(a) && t < Date.parse(b));
}
