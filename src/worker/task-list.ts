/**
 * The graphile-worker task list: the handlers in tasks/, each given the process's sync context.
 */
import type { TaskList } from 'graphile-worker';
import healMissing from '../../tasks/heal_missing.ts';
import pruneHistory from '../../tasks/prune_history.ts';
import reconcile from '../../tasks/reconcile.ts';
import startRun from '../../tasks/start_run.ts';
import syncEntity from '../../tasks/sync_entity.ts';
import syncRecords from '../../tasks/sync_records.ts';
import type { SyncContext } from '../sync/context.ts';

export const TASK_NAMES = ['sync_entity', 'heal_missing', 'start_run', 'reconcile', 'prune_history', 'sync_records'] as const;

export function makeTaskList(context: SyncContext): TaskList {
  return {
    sync_entity: syncEntity(context),
    heal_missing: healMissing(context),
    start_run: startRun(context),
    reconcile: reconcile(context),
    prune_history: pruneHistory(context),
    sync_records: syncRecords(context),
  };
}
