/**
 * The schedules, as graphile-worker cron items: stored and de-duplicated in the database, so each
 * tick fires once however many workers run. Ticks missed while every worker was down are backfilled
 * (up to a day back), and the job key folds them into one job: a sync catches up on everything anyway.
 * The retention prune runs daily at a fixed quiet time (PRUNE_SCHEDULE), with RETENTION in its payload;
 * fact_stock_daily is refreshed daily (STOCK_DAILY_SCHEDULE) from the last day it kept; every run that
 * synced stock also rewrites yesterday and today (src/sync/stock-daily.ts), whatever the companies' midnights.
 */
import type { CronItem } from 'graphile-worker';
import { DEFAULT_RETENTION_MS } from '../../tasks/prune_history.ts';

const DAY = 24 * 60 * 60 * 1000;

/** The daily prune of old runs and resolved missing references (UTC). */
export const PRUNE_SCHEDULE = '17 3 * * *';

/** The daily refresh of fact_stock_daily (UTC). */
export const STOCK_DAILY_SCHEDULE = '37 0 * * *';

export interface ScheduleSettings {
  /** Crontab expression of the incremental sync of every entity. */
  sync: string;
  /** Crontab expression of the delete reconciliation. */
  reconcile: string;
  /** RETENTION: the daily prune deletes history older than this (default 90 days). */
  retentionMs?: number;
  /** HISTORY_RETENTION: the daily prune deletes row versions that ended longer ago (unset: kept forever). */
  historyRetentionMs?: number;
}

export function cronItems(schedule: ScheduleSettings): CronItem[] {
  return [
    {
      task: 'start_run',
      match: schedule.sync,
      identifier: 'odoo-etl:sync',
      options: { backfillPeriod: DAY, maxAttempts: 3, queueName: 'odoo-etl:schedule', jobKey: 'odoo-etl:cron:sync' },
      payload: { trigger: 'cron' },
    },
    {
      task: 'reconcile',
      match: schedule.reconcile,
      identifier: 'odoo-etl:reconcile',
      options: { backfillPeriod: DAY, maxAttempts: 3, queueName: 'odoo-etl:schedule', jobKey: 'odoo-etl:cron:reconcile' },
      payload: { trigger: 'cron' },
    },
    {
      task: 'prune_history',
      match: PRUNE_SCHEDULE,
      identifier: 'odoo-etl:prune',
      options: { backfillPeriod: DAY, maxAttempts: 3, queueName: 'odoo-etl:schedule', jobKey: 'odoo-etl:cron:prune' },
      payload: {
        olderThanMs: schedule.retentionMs ?? DEFAULT_RETENTION_MS,
        ...(schedule.historyRetentionMs !== undefined ? { historyOlderThanMs: schedule.historyRetentionMs } : {}),
      },
    },
    {
      task: 'refresh_stock_daily',
      match: STOCK_DAILY_SCHEDULE,
      identifier: 'odoo-etl:stock-daily',
      options: { backfillPeriod: DAY, maxAttempts: 3, queueName: 'odoo-etl:schedule', jobKey: 'odoo-etl:cron:stock-daily' },
      payload: {},
    },
  ];
}
