/**
 * Runs: a run is a DAG of entity steps (dimensions before the facts that reference them, independent
 * entities in parallel), closed by a heal_missing step, recorded in etl.run / etl.run_entity. Creating
 * one queues its first jobs in the same transaction (etl.start_run); each step queues what it unblocks.
 */
import { sql, type DatabasePool, type DatabaseTransactionConnection } from 'slonik';
import { z } from 'zod';
import { entityNames, getEntity } from '../entities/index.ts';
import { applyHistory } from '../history/apply.ts';
import { resolveHistoryTables, type HistorySetting } from '../history/setting.ts';
import type { Logger } from '../log.ts';

export class UnknownEntityError extends Error {
  override name = 'UnknownEntityError';
  constructor(readonly unknown: string[]) {
    super(`unknown entit${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ')}; valid entities: ${entityNames().join(', ')}`);
  }
}

export interface StartRunOptions {
  /** Table names; all entities when empty or absent. */
  entities?: string[];
  /** Re-read everything instead of reading changes since the watermark. */
  full?: boolean;
  trigger?: 'cli' | 'cron' | 'api';
  /**
   * HISTORY: applied before the run when it differs from what the database keeps (one read otherwise),
   * logged on `logger` ("history now kept for X; no longer for Y"). Absent: left as it is.
   */
  history?: HistorySetting;
  logger?: Logger;
}

export interface StartedRun {
  runId: number;
  /** False when another run was already syncing one of the entities (the run is recorded as skipped). */
  started: boolean;
  reason?: string;
  entities: string[];
}

/** Checks entity names against the registry (UnknownEntityError names the valid ones). */
export function resolveEntities(requested: string[] | undefined): string[] {
  if (!requested || requested.length === 0) return entityNames();
  const unknown = requested.filter((name) => !entityNames().includes(name));
  if (unknown.length > 0) throw new UnknownEntityError(unknown);
  return [...new Set(requested)];
}

export async function startRun(pool: DatabasePool | DatabaseTransactionConnection, options: StartRunOptions = {}): Promise<StartedRun> {
  const entities = resolveEntities(options.entities);
  const steps = Object.fromEntries(entities.map((name) => [name, getEntity(name).dependsOn]));
  if (options.history !== undefined) {
    const tables = resolveHistoryTables(options.history);
    await pool.transaction((tx) => applyHistory(tx, tables, { recompile: false, logger: options.logger }));
  }
  const row = await pool.transaction(async (tx) => {
    const id = await tx.oneFirst(sql.type(z.object({ id: z.number() }))`
      select etl.start_run(${sql.jsonb(steps)}, ${options.full ?? false}, ${options.trigger ?? 'api'}) as id`);
    return tx.one(sql.type(z.object({ id: z.number(), status: z.string(), error: z.string().nullable() }))`
      select id, status, error from etl.run where id = ${id}`);
  });
  return { runId: row.id, started: row.status !== 'skipped', reason: row.error ?? undefined, entities };
}
