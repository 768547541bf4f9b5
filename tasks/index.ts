/**
 * Every graphile-worker task of odoo-etl, in ONE list: the runner's task list (src/worker/runner.ts), the
 * heartbeat's and the metrics' task names. A new task is its file in tasks/ and one line here.
 */
import type { Task, TaskList } from 'graphile-worker';
import type { SyncContext } from '../src/sync/context.ts';
import healMissing from './heal_missing.ts';
import planAhead from './plan_ahead.ts';
import pruneHistory from './prune_history.ts';
import reconcile from './reconcile.ts';
import refreshStockDaily from './refresh_stock_daily.ts';
import startRun from './start_run.ts';
import syncEntity from './sync_entity.ts';
import syncRecords from './sync_records.ts';

const TASKS = {
  sync_entity: syncEntity,
  plan_ahead: planAhead,
  heal_missing: healMissing,
  start_run: startRun,
  reconcile,
  prune_history: pruneHistory,
  refresh_stock_daily: refreshStockDaily,
  sync_records: syncRecords,
} satisfies Record<string, (context: SyncContext) => Task>;

export type TaskName = keyof typeof TASKS;
export const TASK_NAMES = Object.keys(TASKS) as TaskName[];

/** The handlers, each given the process's sync context. */
export function makeTaskList(context: SyncContext): TaskList {
  return Object.fromEntries(Object.entries(TASKS).map(([name, make]) => [name, make(context)]));
}
