/**
 * Everything odoo-etl reads from graphile-worker's private tables, in one place. The public `jobs` view lacks
 * what we need (a job's payload, which names its run and step) and there is no API for the crontab
 * bookkeeping, so these queries depend on graphile-worker 0.18's schema: WORKER_INTERNALS lists the
 * tables and columns they use, and test/foundation/internals.test.ts fails when an upgrade changes them.
 */
import { EventEmitter } from 'node:events';
import type { WorkerEvents } from 'graphile-worker';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

/** The private tables and columns (with their PostgreSQL types) the queries below read. */
export const WORKER_INTERNALS: Record<string, Record<string, string>> = {
  _private_jobs: {
    id: 'bigint',
    task_id: 'integer',
    payload: 'json',
    attempts: 'smallint',
    max_attempts: 'smallint',
    last_error: 'text',
    locked_at: 'timestamp with time zone',
    locked_by: 'text',
  },
  _private_tasks: { id: 'integer', identifier: 'text' },
  _private_known_crontabs: { identifier: 'text', known_since: 'timestamp with time zone', last_execution: 'timestamp with time zone' },
};

/** The public functions called with the ids found here (their signatures are checked by the same test). */
export const WORKER_FUNCTIONS = ['complete_jobs(bigint[])', 'force_unlock_workers(text[])'];

/**
 * An `events` emitter for graphile-worker's `run()` that reports the id its jobs will be locked with
 * (`locked_by`). In 0.18 that is the worker pool's id, not each worker's (`worker:create`): a heartbeat that
 * vouches for worker ids vouches for nothing, and a live process's long jobs would be freed as dead.
 */
export function lockHolderEvents(onLockHolder: (id: string) => void): WorkerEvents {
  const events = new EventEmitter() as WorkerEvents;
  events.on('pool:create', ({ workerPool }) => onLockHolder(workerPool.id));
  return events;
}

/**
 * Workers holding jobs of these tasks for longer than `staleAfterMs` whose heartbeat (etl.worker_heartbeat)
 * is older than that too: taken for dead.
 */
export async function staleLockHolders(db: CommonQueryMethods, taskNames: string[], staleAfterMs: number): Promise<string[]> {
  const rows = await db.anyFirst(sql.type(z.object({ locked_by: z.string() }))`
    select distinct j.locked_by
      from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
     where j.locked_by is not null
       and j.locked_at < now() - make_interval(secs => ${staleAfterMs / 1000})
       and t.identifier = any(${sql.array(taskNames, 'text')})
       and not exists (
         select 1 from etl.worker_heartbeat h
          where h.worker_id = j.locked_by and h.last_seen > now() - make_interval(secs => ${staleAfterMs / 1000}))`);
  return [...rows];
}

/** When each cron item last fired (graphile-worker's record, used for backfill). */
export async function knownCrontabs(db: CommonQueryMethods): Promise<Array<{ identifier: string; last_execution: string | null }>> {
  const rows = await db.any(sql.type(z.object({ identifier: z.string(), last_execution: z.string().nullable() }))`
    select identifier, last_execution from graphile_worker._private_known_crontabs`);
  return [...rows];
}

export const stepJobSchema = z.object({
  id: z.number(),
  task: z.string(),
  run_id: z.number(),
  entity: z.string(),
  part: z.string().nullable(),
  attempts: z.number(),
  max_attempts: z.number(),
  last_error: z.string().nullable(),
  locked_at: z.string().nullable(),
  locked_by: z.string().nullable(),
});
export type StepJob = z.infer<typeof stepJobSchema>;

/** The queued, running and failed jobs of run steps (`sync_entity`, `heal_missing`: payload {runId, entity, part}). */
export async function stepJobs(db: CommonQueryMethods, filter: { runIds: number[]; entity?: string }): Promise<StepJob[]> {
  const rows = await db.any(sql.type(stepJobSchema)`
    select j.id, t.identifier as task, (j.payload->>'runId')::bigint as run_id, j.payload->>'entity' as entity,
           j.payload->>'part' as part, j.attempts, j.max_attempts, j.last_error, j.locked_at, j.locked_by
      from graphile_worker._private_jobs j
      join graphile_worker._private_tasks t on t.id = j.task_id
     where t.identifier in ('sync_entity', 'heal_missing')
       and json_typeof(j.payload) = 'object'
       and (j.payload->>'runId')::bigint = any(${sql.array(filter.runIds, 'int8')})
       and (${filter.entity ?? null}::text is null or j.payload->>'entity' = ${filter.entity ?? null})
     order by j.id`);
  return [...rows];
}
