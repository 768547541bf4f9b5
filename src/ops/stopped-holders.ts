/**
 * Locks (of jobs, or of tables' queues) held by processes that stopped: killed, or paused. Nothing of theirs
 * commits any more, but what they lock stays locked until the heartbeat housekeeping of a live process frees
 * it, WORKER_STALE_AFTER after their last sign of life (src/worker/heartbeat.ts), and a run of those tables
 * waits that long. `runs cancel` and `sync` say so, with the time left.
 */
import os from 'node:os';
import { sql, type CommonQueryMethods } from 'slonik';
import { z } from 'zod';

export interface HeldLock {
  locked_by: string | null;
  locked_at: string | null;
  entity: string;
}

export interface StoppedHolder {
  /** pid@host of its heartbeat, else the worker id. */
  process: string;
  /** Locks it holds among those asked about. */
  jobs: number;
  entities: string[];
  lastSeenAgoMs: number;
  /** When the housekeeping may free them, from now. */
  freedInMs: number;
}

/** The holders of these locks that stopped, and when the heartbeat housekeeping frees them. */
export async function stoppedHolders(db: CommonQueryMethods, locks: HeldLock[], staleAfterMs: number): Promise<StoppedHolder[]> {
  const held = locks.filter((l) => l.locked_by !== null && l.locked_at !== null);
  if (held.length === 0) return [];
  const rows = await db.any(sql.type(z.object({ worker_id: z.string(), entity: z.string(), process: z.string().nullable(), silent_ms: z.number(), since_lock_ms: z.number() }))`
    select j.locked_by as worker_id, j.entity, h.process,
           extract(epoch from now() - coalesce(h.last_seen, j.locked_at::timestamptz)) * 1000 as silent_ms,
           extract(epoch from now() - j.locked_at::timestamptz) * 1000 as since_lock_ms
      from unnest(${sql.array(held.map((l) => l.locked_by!), 'text')}, ${sql.array(held.map((l) => l.locked_at!), 'text')},
                  ${sql.array(held.map((l) => l.entity), 'text')}) as j(locked_by, locked_at, entity)
      left join etl.worker_heartbeat h on h.worker_id = j.locked_by`);
  const byProcess = new Map<string, StoppedHolder>();
  for (const row of rows) {
    // A holder is taken for stopped when it is a process of this machine that is gone, or when it missed its
    // last heartbeat (it beats every third of WORKER_STALE_AFTER); else what it holds moves on.
    if (row.process !== null && !processGone(row.process) && row.silent_ms < staleAfterMs / 2) continue;
    const name = row.process ?? row.worker_id;
    const freedInMs = Math.max(0, staleAfterMs - Math.min(row.silent_ms, row.since_lock_ms));
    const known = byProcess.get(name) ?? { process: name, jobs: 0, entities: [], lastSeenAgoMs: row.silent_ms, freedInMs };
    known.jobs += 1;
    known.entities = [...new Set([...known.entities, row.entity])];
    known.freedInMs = Math.max(known.freedInMs, freedInMs);
    byProcess.set(name, known);
  }
  return [...byProcess.values()];
}

/** Whether `pid@host` (a heartbeat's process) names a process of this machine that no longer exists. */
function processGone(label: string): boolean {
  const match = /^(\d+)@(.*)$/.exec(label);
  if (!match || match[2] !== os.hostname().slice(0, 40)) return false;
  try {
    process.kill(Number(match[1]), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
