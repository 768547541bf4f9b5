// Task `reconcile`: mark rows whose records Odoo no longer has as deleted (and revive those that came back).
import type { Task } from 'graphile-worker';
import { z } from 'zod';
import type { SyncContext } from '../src/sync/context.ts';
import { reconcileDeletions } from '../src/sync/reconcile.ts';

const payload = z.object({ entities: z.array(z.string()).optional() }).passthrough();

export default (context: SyncContext): Task =>
  async (raw) => {
    const { entities } = payload.parse(raw ?? {});
    const results = await reconcileDeletions(context, { entities });
    context.logger.info({ results }, 'reconcile finished');
  };
