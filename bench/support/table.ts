/** Prints figures as an aligned plain-text table (one line each; the absolute values after the ratio), with the operator commands' printer. */
import { formatTable } from '../../src/ops/format.ts';
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
  for (const line of formatTable(['case', 'figure', 'ratio', 'target', '', 'values'], rows)) console.log(line);
}
