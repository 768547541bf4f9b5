/**
 * Crash recovery for the job queue. graphile-worker frees the jobs of a worker that died only after
 * four hours; a killed `odoo-etl worker` would hold its entity's queue that long. Every process
 * records its workers' ids with a heartbeat, and any process frees the jobs of workers whose
 * heartbeat stopped. Freeing a job whose worker was merely slow is harmless: each step checks the
 * watermark it started from before it commits (see src/sync/step/commit.ts). The same tick does the run
 * housekeeping: steps none of whose jobs can run any more are settled, runs past RUN_TIMEOUT end.
 */
import { sql, type DatabasePool } from 'slonik';
import type { WorkerUtils } from 'graphile-worker';
import { staleLockHolders } from '../db/graphile-worker-internals.ts';
import type { Logger } from '../log.ts';
import { settleRuns } from './housekeeping.ts';
import { SETTING_DEFAULTS } from '../config.ts';

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
    this.logger.warn({ workers: dead }, 'freeing the jobs of workers that stopped without finishing them');
    await this.utils.forceUnlockWorkers([...dead]);
    await this.pool.query(sql.unsafe`delete from etl.worker_heartbeat where worker_id = any(${sql.array([...dead], 'text')})`);
    return [...dead];
  }
}
