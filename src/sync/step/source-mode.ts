/**
 * How a source reads this run: full, incremental, snapshot or derived. An incremental source whose field
 * set (SourcePlan.fieldSet) is not the one its last full pass wrote reads in full, with the reason: rows
 * written before the change would never get a new column's value otherwise (only rows changed later would),
 * and a removed extra field would stay in `extra`. A watermark from before field sets were recorded (NULL)
 * adopts the current set, unless the set reads company-dependent columns, which older versions read for
 * the wrong company.
 */
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import type { Entity, SourceSpec } from '../../entities/types.ts';

export const MODES = ['full', 'incremental', 'snapshot', 'derived'] as const;
export type Mode = (typeof MODES)[number];

export async function sourceMode(
  pool: DatabasePool,
  entity: Entity,
  source: SourceSpec,
  fullSync: boolean,
  fieldSet: string[],
): Promise<{ mode: Mode; reason?: string }> {
  if (entity.sync === 'derived') return { mode: 'derived' };
  if (entity.sync === 'snapshot') return { mode: 'snapshot' };
  // An incremental entity with snapshotWhenFull makes its full passes as snapshots (types.ts).
  const full: Mode = entity.snapshotWhenFull ? 'snapshot' : 'full';
  if (fullSync) return { mode: full };
  const key = source.source ?? '';
  const row = await pool.maybeOne(sql.type(z.object({ full_done_at: z.string().nullable(), field_set: z.array(z.string()).nullable() }))`
    select full_done_at, field_set from etl.watermark where entity = ${entity.table} and source = ${key}`);
  if (!row?.full_done_at) return { mode: full };
  const label = `${entity.table}${key ? ` (${key})` : ''}`;
  if (row.field_set === null) {
    if (fieldSet.some((f) => f.includes('@'))) {
      return { mode: full, reason: `${label}: full pass: its rows predate per-company reading of company-dependent columns` };
    }
    await pool.query(sql.unsafe`
      update etl.watermark set field_set = ${sql.array(fieldSet, 'text')} where entity = ${entity.table} and source = ${key} and field_set is null`);
    return { mode: 'incremental' };
  }
  const change = fieldSetChange(row.field_set, fieldSet);
  if (change) return { mode: full, reason: `${label}: full pass: the columns read changed since the last full pass (${change})` };
  return { mode: 'incremental' };
}

/** What differs between two field sets, as `+added −removed`; null when equal. */
export function fieldSetChange(before: string[], now: string[]): string | null {
  const added = now.filter((f) => !before.includes(f));
  const removed = before.filter((f) => !now.includes(f));
  if (added.length === 0 && removed.length === 0) return null;
  return [...added.map((f) => `+${f}`), ...removed.map((f) => `−${f}`)].join(' ');
}
