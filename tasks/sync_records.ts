/**
 * Task `sync_records`: the targeted sync of the records Odoo's webhooks notified for one model. Queued by
 * the receiver (etl.webhook_notify, sql/functions/webhooks.sql) under the job key `webhook:<model>`, so a
 * burst of notifications coalesces into one job; it reads the pending ids after the settle delay, loads them
 * through the same path as a run and never moves a watermark (src/webhooks/sync-records.ts).
 *
 * Policy: graphile-worker's default retries. A failed attempt leaves the pending rows in place (they are
 * removed in the transaction that loads them), so a retry or the next notification picks them up, and the
 * scheduled run reads them regardless.
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { SyncContext } from '../src/sync/context.ts';
import { syncRecords } from '../src/webhooks/sync-records.ts';

export const payloadSchema = z.object({ model: z.string().min(1), settleMs: z.number().int().min(0).default(2000) });

export default (context: SyncContext): Task =>
  async (payload) => {
    await syncRecords(context, payloadSchema.parse(payload));
  };
