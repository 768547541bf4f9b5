import { expect, it } from 'vitest';
import { ServerClock } from '../../src/odoo/server-clock.ts';

it('knows nothing of Odoo\'s clock before an answer carried a Date header, nor from an unreadable one', () => {
  const clock = new ServerClock();
  expect(clock.lowerBound()).toBeUndefined();
  clock.observe(undefined);
  clock.observe('not a date');
  expect(clock.lowerBound()).toBeUndefined();
  expect(clock.age()).toBeUndefined();
});

it('takes the Date header as a lower bound of Odoo\'s clock, however far this host\'s clock is from it', () => {
  const clock = new ServerClock();
  // Odoo's clock three hours behind this host's: only the header counts, never the host's wall clock.
  const odoo = new Date(Math.floor((Date.now() - 3 * 3_600_000) / 1000) * 1000);
  clock.observe(odoo.toUTCString());
  const bound = clock.lowerBound()!;
  expect(bound.getTime()).toBeGreaterThanOrEqual(odoo.getTime());
  // It grows with the time elapsed here since the answer, not more (within this test's run time).
  expect(bound.getTime() - odoo.getTime()).toBeLessThan(60_000);
  expect(clock.age()).toBeGreaterThanOrEqual(0);
});

it('follows the latest answer (a clock stepped back on the server is believed at once)', () => {
  const clock = new ServerClock();
  clock.observe('Sun, 29 Nov 2026 10:00:00 GMT');
  clock.observe('Sun, 29 Nov 2026 09:00:00 GMT');
  expect(clock.lowerBound()!.getTime()).toBeLessThan(Date.parse('2026-11-29T09:30:00Z'));
});
