// Task `heal_missing`: the closing step of a run: fetch the records that missing_data says are missing.
import type { Task } from 'graphile-worker';
import type { SyncContext } from '../src/sync/context.ts';
import { runHealStep } from '../src/sync/heal.ts';
import { stepPayload } from '../src/sync/entity-step.ts';

export default (context: SyncContext): Task =>
  async (payload, helpers) => {
    await runHealStep(context, stepPayload.parse(payload), {
      attempts: helpers.job.attempts,
      maxAttempts: helpers.job.max_attempts,
      jobId: helpers.job.id,
    });
  };
