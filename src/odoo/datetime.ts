// Odoo's datetimes on the wire: `YYYY-MM-DD HH:MM:SS`, UTC, no zone, whole seconds. The one place that
// converts between them and JavaScript dates / ISO-8601 (what PostgreSQL's timestamptz takes).

/** A date in Odoo's datetime format (UTC, truncated to the second). */
export function toOdooDatetime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Odoo's `YYYY-MM-DD HH:MM:SS` (UTC) as ISO-8601. */
export function odooDatetimeToIso(value: string): string {
  return `${value.slice(0, 10)}T${value.slice(11, 19)}Z`;
}
