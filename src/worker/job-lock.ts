/**
 * A worker whose jobs were taken over must not complete them. A process paused longer than
 * WORKER_STALE_AFTER (a VM or container pause, a network partition to the database) has its jobs freed by
 * another process's heartbeat, which takes them and locks their queues. When the paused process resumes
 * and its attempt ends, graphile-worker 0.18 would delete the job by id (whoever holds it): the new
 * holder's completion then deletes nothing and its queue stays locked, for up to 4 hours.
 *
 * So every task runs wrapped: on success the job is completed here, in one statement that checks the lock
 * is still this attempt's (completeHeldJob); graphile-worker's own completion then finds nothing left to
 * do. A job no longer held is not completed: the attempt ends with JobTakenOver, and graphile-worker's
 * failure (which only touches jobs locked by this worker) changes nothing. What the attempt committed is
 * safe either way: each batch commit compares the cursor it started from (src/sync/step/commit.ts).
 */
import type { Job, Task, TaskList } from 'graphile-worker';
import type { CommonQueryMethods } from 'slonik';
import { completeHeldJob, holdsJob } from '../db/graphile-worker-internals.ts';
import type { Logger } from '../log.ts';

export class JobTakenOver extends Error {
  override name = 'JobTakenOver';
  constructor(job: Pick<Job, 'id' | 'task_identifier'>) {
    super(
      `job ${job.id} (${job.task_identifier}) is no longer held by this worker (freed after WORKER_STALE_AFTER without ` +
        'a heartbeat, then taken over, or removed): its outcome here is dropped',
    );
  }
}

/** The task list with each task completing its job only while it still holds it. */
export function guardJobLocks(tasks: TaskList, db: CommonQueryMethods, logger: Logger): TaskList {
  return Object.fromEntries(Object.entries(tasks).map(([name, task]) => [name, guarded(task!, db, logger)]));
}

function guarded(task: Task, db: CommonQueryMethods, logger: Logger): Task {
  return async (payload, helpers) => {
    const { job } = helpers;
    try {
      await task(payload, helpers);
    } catch (error) {
      // Failing it is safe (graphile-worker only fails a job this worker holds); say why nothing happens.
      if (!(await holdsJob(db, job).catch(() => true))) {
        const lost = new JobTakenOver(job);
        logger.warn({ jobId: job.id, task: job.task_identifier, err: error }, lost.message);
        throw lost;
      }
      throw error;
    }
    if (!(await completeHeldJob(db, job))) {
      const lost = new JobTakenOver(job);
      logger.warn({ jobId: job.id, task: job.task_identifier }, lost.message);
      throw lost;
    }
  };
}
