/**
 * `odoo-etl status`: what the warehouse looks like now, read from the database only (no Odoo call, so
 * it is quick and works while Odoo is down): per entity the last success and its lag, watermark, rows,
 * the last run's counts, queued/running/failing jobs with the next retry, open missing references; the
 * schedule with its next times; the database and Odoo it points at (never a secret).
 *
 * Three steps, one file each under status/: query.ts reads one snapshot, derive.ts (pure) makes the
 * report and its health verdict, render.ts prints it; schema.ts is the `--json` shape.
 */
import type { DatabasePool } from 'slonik';
import { entities } from '../entities/index.ts';
import { deriveStatus, type StatusSettings } from './status/derive.ts';
import { readStatusSnapshot } from './status/query.ts';
import type { Status } from './status/schema.ts';

export { EXACT_COUNT_LIMIT } from './status/query.ts';
export { entityStatusSchema, jobSchema, statusSchema, type EntityStatus, type Status } from './status/schema.ts';
export { renderStatus } from './status/render.ts';

export interface StatusOptions {
  settings: StatusSettings;
  /** How the database is described to people (host, port, database; no password). */
  database: string;
  now?: Date;
}

export async function getStatus(pool: DatabasePool, options: StatusOptions): Promise<Status> {
  const snapshot = await readStatusSnapshot(pool, entities.map((e) => e.table));
  return deriveStatus(snapshot, entities, { settings: options.settings, database: options.database, now: options.now ?? new Date() });
}
