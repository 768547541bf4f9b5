/**
 * Small text helpers shared by the operator commands: aligned columns, ages and durations as people
 * read them, counts with thousands separators.
 */
import { toOdooDatetime } from '../odoo/datetime.ts';

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

/** 3s, 4m 10s, 2h 5m, 3d 4h. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${m % 60}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
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
