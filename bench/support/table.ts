/** Prints figures as an aligned plain-text table (one line each; the absolute values after the ratio). */
import type { Figure } from './measure.ts';

export function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.case,
    f.name,
    f.ratio === undefined ? '' : `${f.ratio}×`,
    f.target ?? '',
    f.met === undefined ? '' : f.met ? 'met' : 'MISSED',
    Object.entries(f.values).map(([k, v]) => `${k}=${v}`).join(' ') + (f.note ? `  (${f.note})` : ''),
  ]);
  const header = ['case', 'figure', 'ratio', 'target', '', 'values'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
