// Task `sync_entity`: one step of one entity of a run (read a batch, load it, move the cursor, queue the next step).
import type { Task } from 'graphile-worker';
import type { SyncContext } from '../src/sync/context.ts';
import { runEntityStep, stepPayload } from '../src/sync/entity-step.ts';

export default (context: SyncContext): Task =>
  async (payload, helpers) => {
    await runEntityStep(context, stepPayload.parse(payload), {
      attempts: helpers.job.attempts,
      maxAttempts: helpers.job.max_attempts,
      jobId: helpers.job.id,
    });
  };
