/**
 * `sync` when a run is already in progress: rather than refusing, it attaches to a running run that covers
 * every table asked for (and is a full run if a full one was asked for), processes that run's jobs here and
 * follows it to its end. This finds that run and says what is happening to it: being processed by a live
 * worker, or interrupted (its jobs held by a process whose heartbeat stopped, e.g. a killed `sync`, or held
 * by nobody). The jobs of a dead process are freed by the heartbeat of the attaching process once that
 * process has been silent for WORKER_STALE_AFTER.
 */
import { sql, type CommonQueryMethods, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { stepJobs } from '../db/graphile-worker-internals.ts';
import type { Logger } from '../log.ts';
import { startRun, type StartRunOptions } from './run.ts';

export interface AttachableRun {
  runId: number;
  trigger: string;
  full: boolean;
  entities: string[];
  startedAt: string;
  /** in-progress: a live worker holds some of its jobs; interrupted: none does. */
  activity: 'in-progress' | 'interrupted';
  /** Processes (pid@host) holding its jobs, live or not. */
  processes: Array<{ process: string; lastSeen: string | null; alive: boolean }>;
  /** Its last sign of progress (a step started or finished, a batch committed). */
  lastProgressAt: string;
}

const runRow = z.object({
  id: z.number(),
  trigger: z.string(),
  full_sync: z.boolean(),
  entities: z.array(z.string()),
  created_at: z.string(),
  last_progress: z.string(),
});

export async function findRunToAttach(
  pool: CommonQueryMethods,
  options: { entities: string[]; full: boolean; staleAfterMs: number },
): Promise<AttachableRun | undefined> {
  const run = await pool.maybeOne(sql.type(runRow)`
    select r.id, r.trigger, r.full_sync, r.entities, r.created_at,
           greatest(r.created_at,
                    (select max(greatest(e.started_at, e.finished_at)) from etl.run_entity e where e.run_id = r.id),
                    (select max(w.updated_at) from etl.watermark w where w.cursor_run_id = r.id)) as last_progress
      from etl.run r
     where r.status = 'running' and r.entities @> ${sql.array(options.entities, 'text')}
       and (r.full_sync or not ${options.full})
     order by r.id
     limit 1`);
  if (!run) return undefined;
  const holders = [...new Set((await stepJobs(pool, { runIds: [run.id] })).flatMap((j) => (j.locked_by ? [j.locked_by] : [])))];
  const beats = holders.length === 0 ? [] : await pool.any(sql.type(
    z.object({ worker_id: z.string(), process: z.string(), last_seen: z.string(), alive: z.boolean() }),
  )`
    select worker_id, process, last_seen, last_seen > now() - make_interval(secs => ${options.staleAfterMs / 1000}) as alive
      from etl.worker_heartbeat where worker_id = any(${sql.array(holders, 'text')})`);
  const processes = new Map<string, AttachableRun['processes'][number]>();
  for (const holder of holders) {
    const beat = beats.find((b) => b.worker_id === holder);
    const name = beat?.process ?? holder;
    const known = processes.get(name);
    if (!known || (beat && (!known.lastSeen || beat.last_seen > known.lastSeen))) {
      processes.set(name, { process: name, lastSeen: beat?.last_seen ?? null, alive: beat?.alive ?? false });
    }
  }
  const list = [...processes.values()];
  return {
    runId: run.id,
    trigger: run.trigger,
    full: run.full_sync,
    entities: run.entities,
    startedAt: run.created_at,
    activity: list.some((p) => p.alive) ? 'in-progress' : 'interrupted',
    processes: list,
    lastProgressAt: run.last_progress,
  };
}

/**
 * The run `sync` works on: a running one that covers the tables asked for (`attached`), else a new one
 * (etl.start_run), which `notStarted` says was refused, and why (it would overlap a run in progress).
 * Looking and starting are one step: under etl.start_run's own lock, so two `sync` started together end in
 * one run that both follow (the second finds the first's run), never in a refused one.
 */
export interface OpenedRun {
  runId: number;
  attached?: AttachableRun;
  notStarted?: string;
}

export async function openRun(
  pool: DatabasePool,
  options: { entities: string[]; full: boolean; staleAfterMs: number; trigger: 'cli' | 'cron' | 'api'; history?: StartRunOptions['history']; logger?: Logger },
): Promise<OpenedRun> {
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`select pg_advisory_xact_lock(hashtext('odoo-etl:start_run'))`);
    const running = await findRunToAttach(tx, options);
    if (running) return { runId: running.runId, attached: running };
    const run = await startRun(tx, { entities: options.entities, full: options.full, trigger: options.trigger, history: options.history, logger: options.logger });
    return run.started ? { runId: run.runId } : { runId: run.runId, notStarted: run.reason ?? 'not started' };
  });
}
