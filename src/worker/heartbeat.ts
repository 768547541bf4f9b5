/**
 * Crash recovery for the job queue. graphile-worker frees the jobs of a worker that died only after
 * four hours; a killed `odoo-etl worker` would hold its entity's queue that long. Every process
 * records its workers' ids with a heartbeat, and any process frees the jobs and queue locks of workers
 * whose heartbeat stopped for WORKER_STALE_AFTER.
 *
 * A worker that was only paused (a VM or container pause, a network partition) is freed the same way,
 * and that is not harmless by itself: when it resumes, its attempt is still running. Two guards make it
 * so: its batch commits compare the cursor they started from (src/sync/step/commit.ts), so nothing is
 * loaded twice or out of order, and it completes a job only while it still holds it (job-lock.ts), so it
 * cannot delete the job another worker took over and leave that job's queue locked. A queue lock left by
 * a holder that died anyway is freed here too. The same tick does the run housekeeping: steps none of
 * whose jobs can run any more are settled, runs past RUN_TIMEOUT end.
 */
import os from 'node:os';
import { sql, type DatabasePool } from 'slonik';
import type { WorkerUtils } from 'graphile-worker';
import { staleLockHolders } from '../db/graphile-worker-internals.ts';
import type { Logger } from '../log.ts';
import { settleRuns } from './housekeeping.ts';
import { SETTING_DEFAULTS } from '../config.ts';

/** How a process shows in heartbeats and `sync`'s attach line: pid@host, the OS's hostname ($HOSTNAME is not exported under systemd). */
export function processLabel(): string {
  return `${process.pid}@${os.hostname().slice(0, 40) || 'host'}`;
}

export class Heartbeat {
  private readonly workerIds = new Set<string>();
  private timer?: NodeJS.Timeout;
  /** When this process last recorded its heartbeat (epoch ms); undefined before the first one. */
  lastBeatAt?: number;

  constructor(
    private readonly pool: DatabasePool,
    private readonly utils: WorkerUtils,
    private readonly taskNames: string[],
    private readonly logger: Logger,
    /** A worker silent for this long is taken for dead (its heartbeat beats three times as often). */
    private readonly staleAfterMs: number,
    private readonly processName = processLabel(),
    /** RUN_TIMEOUT: a run older than this ends failed (housekeeping). */
    private readonly runTimeoutMs = SETTING_DEFAULTS.RUN_TIMEOUT,
  ) {}

  add(workerId: string): void {
    this.workerIds.add(workerId);
    // Never left unhandled: a database that is away now gets the next tick's beat.
    this.beat().catch((error: unknown) => this.logger.warn({ err: error }, 'heartbeat failed'));
  }

  start(): void {
    // tick() catches and logs everything itself.
    void this.tick();
    this.timer = setInterval(() => void this.tick(), Math.max(200, Math.floor(this.staleAfterMs / 3)));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.workerIds.size === 0) return;
    await this.pool
      .query(sql.unsafe`delete from etl.worker_heartbeat where worker_id = any(${sql.array([...this.workerIds], 'text')})`)
      .catch(() => undefined);
  }

  private async tick(): Promise<void> {
    try {
      await this.beat();
      await this.freeJobsOfDeadWorkers();
      await this.settleRuns();
    } catch (error) {
      this.logger.warn({ err: error }, 'heartbeat failed');
    }
  }

  private async beat(): Promise<void> {
    if (this.workerIds.size === 0) return;
    await this.pool.query(sql.unsafe`
      insert into etl.worker_heartbeat (worker_id, process, last_seen)
      select id, ${this.processName}, now() from unnest(${sql.array([...this.workerIds], 'text')}) as id
      on conflict (worker_id) do update set last_seen = now()`);
    this.lastBeatAt = Date.now();
  }

  /** Run housekeeping (housekeeping.ts): no step, and so no run, is left open for ever. */
  async settleRuns(): Promise<void> {
    const settled = await settleRuns(this.pool, { runTimeoutMs: this.runTimeoutMs });
    for (const runId of settled.timedOut) this.logger.warn({ runId }, `run ${runId} exceeded RUN_TIMEOUT: its unfinished steps failed`);
    for (const step of settled.orphaned) this.logger.warn({ runId: step.runId, entity: step.entity }, `${step.entity} failed: ${step.reason}`);
  }

  async freeJobsOfDeadWorkers(): Promise<string[]> {
    const dead = await staleLockHolders(this.pool, this.taskNames, this.staleAfterMs);
    if (dead.length === 0) return [];
    this.logger.warn({ workers: dead }, 'freeing the jobs and queues of workers silent for WORKER_STALE_AFTER (stopped, or paused)');
    await this.utils.forceUnlockWorkers([...dead]);
    await this.pool.query(sql.unsafe`delete from etl.worker_heartbeat where worker_id = any(${sql.array([...dead], 'text')})`);
    return [...dead];
  }
}
