/**
 * Small text helpers shared by the operator commands: aligned columns, ages and durations as people
 * read them, counts with thousands separators.
 */
import { formatDuration } from '../duration.ts';
import { toOdooDatetime } from '../odoo/datetime.ts';

export { formatDuration };

/** Rows as aligned columns (header first); the last column is not padded, so notes can be long. */
export function formatTable(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => (i === values.length - 1 ? v : (/^[\d.,\-/% ]+$/.test(v) && v !== '-' ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** "2m 3s ago" for a past ISO timestamp, "never" for none. */
export function formatAge(iso: string | null | undefined, now: number): string {
  if (!iso) return 'never';
  return `${formatDuration(now - Date.parse(iso))} ago`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A timestamp as `2026-11-25 20:12:04Z` (UTC, seconds; Odoo's own format with the zone said): short and unambiguous. */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '-';
  return `${toOdooDatetime(new Date(iso))}Z`;
}
