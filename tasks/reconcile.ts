/**
 * Task `reconcile`: mark rows whose records Odoo no longer has as deleted, and revive those that came back
 * (src/sync/reconcile.ts). Cron-driven (src/worker/schedule.ts) or queued by `odoo-etl reconcile`; a failure
 * is retried by graphile-worker (the marks are idempotent).
 */
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { SyncContext } from '../src/sync/context.ts';
import { reconcileDeletions } from '../src/sync/reconcile.ts';

export const payloadSchema = z.object({ entities: z.array(z.string()).optional() }).passthrough();

export default (context: SyncContext): Task =>
  async (raw) => {
    const { entities } = payloadSchema.parse(raw ?? {});
    const results = await reconcileDeletions(context, { entities });
    context.logger.info({ results }, 'reconcile finished');
  };
