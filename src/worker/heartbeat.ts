/**
 * Crash recovery for the job queue. graphile-worker frees the jobs of a worker that died only after
 * four hours; a killed `odoo-etl worker` would hold its entity's queue that long. Every process
 * records its workers' ids with a heartbeat, and any process frees the jobs of workers whose
 * heartbeat stopped. Freeing a job whose worker was merely slow is harmless: each step checks the
 * watermark it started from before it commits (see entity-step.ts).
 */
import { sql, type DatabasePool } from 'slonik';
import type { WorkerUtils } from 'graphile-worker';
import { z } from 'zod';
import type { Logger } from '../log.ts';


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
    private readonly processName = `${process.pid}@${(process.env.HOSTNAME ?? 'host').slice(0, 40)}`,
  ) {}

  add(workerId: string): void {
    this.workerIds.add(workerId);
    void this.beat();
  }

  start(): void {
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

  async freeJobsOfDeadWorkers(): Promise<string[]> {
    const dead = await this.pool.anyFirst(
      sql.type(z.object({ locked_by: z.string() }))`
        select distinct j.locked_by
          from graphile_worker._private_jobs j
          join graphile_worker._private_tasks t on t.id = j.task_id
         where j.locked_by is not null
           and j.locked_at < now() - make_interval(secs => ${this.staleAfterMs / 1000})
           and t.identifier = any(${sql.array(this.taskNames, 'text')})
           and not exists (
             select 1 from etl.worker_heartbeat h
              where h.worker_id = j.locked_by and h.last_seen > now() - make_interval(secs => ${this.staleAfterMs / 1000}))`,
    );
    if (dead.length === 0) return [];
    this.logger.warn({ workers: dead }, 'freeing the jobs of workers that stopped without finishing them');
    await this.utils.forceUnlockWorkers([...dead]);
    await this.pool.query(sql.unsafe`delete from etl.worker_heartbeat where worker_id = any(${sql.array([...dead], 'text')})`);
    return [...dead];
  }
}
