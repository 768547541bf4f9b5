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
  _private_job_queues: { id: 'integer', queue_name: 'text', locked_at: 'timestamp with time zone', locked_by: 'text' },
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
 * Workers holding jobs of these tasks, or odoo-etl's named queues (`odoo-etl:*`), for longer than
 * `staleAfterMs` whose heartbeat (etl.worker_heartbeat) is older than that too: taken for dead. A queue lock
 * can outlive every job lock of its holder (graphile-worker 0.18 keeps it until it completes a job of that
 * queue, or for 4 hours), so queue locks are looked at on their own.
 */
export async function staleLockHolders(db: CommonQueryMethods, taskNames: string[], staleAfterMs: number): Promise<string[]> {
  const rows = await db.anyFirst(sql.type(z.object({ locked_by: z.string() }))`
    with held as (
      select j.locked_by, j.locked_at
        from graphile_worker._private_jobs j
        join graphile_worker._private_tasks t on t.id = j.task_id
       where j.locked_by is not null and t.identifier = any(${sql.array(taskNames, 'text')})
      union all
      select q.locked_by, q.locked_at
        from graphile_worker._private_job_queues q
       where q.locked_by is not null and q.queue_name like 'odoo-etl:%'
    )
    select distinct h.locked_by
      from held h
     where h.locked_at < now() - make_interval(secs => ${staleAfterMs / 1000})
       and not exists (
         select 1 from etl.worker_heartbeat b
          where b.worker_id = h.locked_by and b.last_seen > now() - make_interval(secs => ${staleAfterMs / 1000}))`);
  return [...rows];
}

/**
 * The lock a worker took on a job: its holder and when it took it. (id, locked_by, locked_at) names one
 * holding: a job freed and taken again, even by the same pool, gets a new locked_at. (Not `attempts`:
 * add_job with the key of a running job, as a step's continuation does, sets that job's attempts to its max.)
 */
export interface JobLock {
  id: string | number;
  locked_by: string | null;
  locked_at: Date | string | null;
}

/** locked_at as graphile-worker's client read it (a Date, to the millisecond) matches the stored microseconds. */
const sameLock = (lock: JobLock) => {
  const at = new Date(lock.locked_at!).toISOString();
  return sql.fragment`locked_by = ${lock.locked_by} and locked_at between ${at}::timestamptz - interval '2 milliseconds' and ${at}::timestamptz + interval '2 milliseconds'`;
};

/**
 * Completes a job only while `lock` still holds it, and frees its queue only if that holder has it, in one
 * statement. graphile-worker's own completion deletes the job by id whoever holds it, and frees the queue
 * only for its own holder: after another worker took the job over (this one was paused past
 * WORKER_STALE_AFTER and freed), that would delete the new holder's job and leave its queue locked. Once
 * this has deleted the job, graphile-worker's completion finds nothing to delete and leaves the queue alone.
 * False when the job is no longer held by this lock (taken over, freed, or removed).
 */
export async function completeHeldJob(db: CommonQueryMethods, lock: JobLock): Promise<boolean> {
  if (!lock.locked_by || !lock.locked_at) return false;
  const done = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
    with j as (
      delete from graphile_worker._private_jobs
       where id = ${String(lock.id)}::bigint and ${sameLock(lock)}
      returning id, job_queue_id
    ), q as (
      update graphile_worker._private_job_queues q
         set locked_by = null, locked_at = null
        from j
       where q.id = j.job_queue_id and q.locked_by = ${lock.locked_by}
    )
    select id::text from j`);
  return done.length > 0;
}

/** Whether `lock` still holds its job (not freed, taken over or removed since it was taken). */
export async function holdsJob(db: CommonQueryMethods, lock: JobLock): Promise<boolean> {
  if (!lock.locked_by || !lock.locked_at) return false;
  const found = await db.anyFirst(sql.type(z.object({ id: z.string() }))`
    select id::text from graphile_worker._private_jobs
     where id = ${String(lock.id)}::bigint and ${sameLock(lock)}`);
  return found.length > 0;
}

/** The locked queues of these tables (`odoo-etl:<entity>[:part]`), with their holder and when they took it. */
export async function lockedTableQueues(
  db: CommonQueryMethods,
  entities: string[],
): Promise<Array<{ entity: string; locked_by: string | null; locked_at: string | null }>> {
  const rows = await db.any(sql.type(z.object({ entity: z.string(), locked_by: z.string().nullable(), locked_at: z.string().nullable() }))`
    select split_part(q.queue_name, ':', 2) as entity, q.locked_by, q.locked_at
      from graphile_worker._private_job_queues q
     where q.locked_by is not null and q.queue_name like 'odoo-etl:%'
       and split_part(q.queue_name, ':', 2) = any(${sql.array(entities, 'text')})`);
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
