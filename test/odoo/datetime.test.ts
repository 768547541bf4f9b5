/** src/odoo/datetime.ts: Odoo's wire datetimes to ISO and back, validated, to the second where watermarks need it. */
import { describe, expect, it } from 'vitest';
import { addOdooSeconds, odooDatetimeToIso, odooSecond, parseOdooDatetime, toOdooDatetime } from '../../src/odoo/datetime.ts';

describe('Odoo datetimes', () => {
  it('parseOdooDatetime: ISO with Z, the fraction kept, undefined for what is not a valid UTC datetime', () => {
    expect(parseOdooDatetime('2026-11-25 19:33:39')).toBe('2026-11-25T19:33:39Z');
    expect(parseOdooDatetime('2026-11-25 19:33:39.123456')).toBe('2026-11-25T19:33:39.123456Z');
    for (const bad of ['2026-04-31 10:00:00', '2026-11-25 24:00:00', '2026-11-25T19:33:39+02:00', '2026-11-25', '']) {
      expect(parseOdooDatetime(bad), bad).toBeUndefined();
    }
  });

  it('odooDatetimeToIso: to the second, and throws on a value that is not a datetime', () => {
    expect(odooDatetimeToIso('2026-11-25 19:33:39')).toBe('2026-11-25T19:33:39Z');
    expect(odooDatetimeToIso('2026-11-25 19:33:39.999')).toBe('2026-11-25T19:33:39Z');
    expect(() => odooDatetimeToIso('yesterday')).toThrow(/not an Odoo datetime/);
  });

  it('toOdooDatetime, odooSecond and addOdooSeconds stay in Odoo format, across a day', () => {
    expect(toOdooDatetime(new Date('2026-11-25T19:33:39.750Z'))).toBe('2026-11-25 19:33:39');
    expect(odooSecond('2026-11-25 19:33:39.750')).toBe('2026-11-25 19:33:39');
    expect(odooSecond(false)).toBeUndefined();
    expect(addOdooSeconds('2026-11-25 23:59:59', 1)).toBe('2026-11-26 00:00:00');
    expect(addOdooSeconds('2026-11-26 00:00:00.5', -1)).toBe('2026-11-25 23:59:59');
  });
});
