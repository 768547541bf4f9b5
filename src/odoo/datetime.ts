// Odoo's datetimes on the wire: `YYYY-MM-DD HH:MM:SS`, UTC, no zone (some servers add microseconds).
// The one place that converts between them and JavaScript dates / ISO-8601 (what PostgreSQL's
// timestamptz takes).

const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/;

/** A date in Odoo's datetime format (UTC, truncated to the second). */
export function toOdooDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Whether year, month and day name a day of the calendar (no 31 April). */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  const t = new Date(Date.UTC(year, month - 1, day));
  return t.getUTCFullYear() === year && t.getUTCMonth() === month - 1 && t.getUTCDate() === day;
}

/** Odoo's `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC) as ISO-8601 with `Z`, the fraction kept; undefined when it is not a valid one. */
export function parseOdooDatetime(value: string): string | undefined {
  const m = DATETIME.exec(value);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[7] ?? ''}Z`;
}

/** Odoo's datetime as ISO-8601 to the second (the precision of watermarks and domains); throws on anything else. */
export function odooDatetimeToIso(value: string): string {
  const iso = parseOdooDatetime(value);
  if (iso === undefined) throw new TypeError(`not an Odoo datetime (YYYY-MM-DD HH:MM:SS): ${JSON.stringify(value)}`);
  return `${iso.slice(0, 19)}Z`;
}

/** Odoo's datetime to the second, as Odoo writes it (`YYYY-MM-DD HH:MM:SS`); undefined when it is not one. */
export function odooSecond(value: unknown): string | undefined {
  const iso = typeof value === 'string' ? parseOdooDatetime(value) : undefined;
  return iso === undefined ? undefined : `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
}

/** Odoo's datetime moved by whole seconds (negative: earlier), in Odoo's format. */
export function addOdooSeconds(value: string, seconds: number): string {
  return toOdooDatetime(new Date(Date.parse(odooDatetimeToIso(value)) + seconds * 1000));
}
