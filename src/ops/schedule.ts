/**
 * When the worker's schedules fire next. The times come from graphile-worker's own cron matcher over
 * the very cron items `odoo-etl worker` registers (src/worker/schedule.ts), so they cannot disagree with
 * what runs. graphile-worker matches in UTC.
 */
import { parseCronItems } from 'graphile-worker';
import { cronItems, type ScheduleSettings } from '../worker/schedule.ts';

const MINUTE = 60_000;
/** Enough minutes to find the next tick of any expression that fires at least once a year. */
const SEARCH_MINUTES = 366 * 24 * 60;

export interface ScheduleEntry {
  identifier: string;
  task: string;
  expression: string;
  /** The next times it fires (ISO, UTC). */
  next: string[];
}

export function upcomingSchedule(schedule: ScheduleSettings, from: Date, count = 3): ScheduleEntry[] {
  const items = cronItems(schedule);
  return parseCronItems(items).map((item, i) => {
    const next: string[] = [];
    // Cron ticks are whole minutes: start at the next one.
    let t = Math.floor(from.getTime() / MINUTE) * MINUTE + MINUTE;
    for (let n = 0; n < SEARCH_MINUTES && next.length < count; n++, t += MINUTE) {
      const d = new Date(t);
      const digest = { min: d.getUTCMinutes(), hour: d.getUTCHours(), date: d.getUTCDate(), month: d.getUTCMonth() + 1, dow: d.getUTCDay() };
      if (item.match(digest)) next.push(d.toISOString());
    }
    const expression = String(items[i]!.match);
    return { identifier: item.identifier, task: item.task, expression, next };
  });
}
