/**
 * What can happen to a step (a row of etl.run_entity), in one file: every statement that moves a step or
 * asks whether it is still open. A step is `pending` (waiting for its dependencies), `queued` (its first job
 * enqueued: etl.queue_step), `running` (startStep, or its first batch), and ends `succeeded`, `failed`,
 * `skipped` or `cancelled` (settleStep / closeStep → etl.finish_step, which moves the run on; endRunSteps →
 * etl.end_run; settleEndedRuns → etl.settle_ended_runs). Between, its batches add to its counters
 * (addBatch), its parts' next jobs are enqueued (continueStep) and failed attempts recorded (recordRetry). The set-based parts (a run's DAG, closing the
 * run) are SQL functions in sql/functions/run_engine.sql; they are called from here only.
 * The policy (retry, give up, fail at once) is the tasks' (tasks/sync_entity.ts, src/sync/failure.ts).
 */
import { sql, type CommonQueryMethods, type DatabasePool, type DatabaseTransactionConnection, type FragmentSqlToken } from 'slonik';
import { z } from 'zod';
import { addToCounters, counterColumns, setCounters, stepCountersSchema, type StepCounters } from '../step-counters.ts';

/** Step states that never change again. */
export const FINAL_STEP_STATES = ['succeeded', 'failed', 'skipped', 'cancelled'];

/** A step with work under way or to come: queued or running (its jobs may hold it). */
const STEP_AT_WORK = sql.fragment`e.status in ('queued', 'running')`;
/** "This step is still open": at work, in a running run. Over `etl.run_entity e` and `etl.run r`. */
const STEP_OPEN = sql.fragment`${STEP_AT_WORK} and r.status = 'running'`;
const STEP_OF_RUN_OPEN = (runId: number) => sql.fragment`${STEP_AT_WORK} and exists (select 1 from etl.run r where r.id = ${runId} and r.status = 'running')`;

/** The step's run ended (cancelled, timed out, settled) while a job of it was working: the job stops, committing nothing more. */
export class StepClosed extends Error {
  override name = 'StepClosed';
}

const stepStateSchema = z.object({
  status: z.string(),
  run_status: z.string(),
  plan: z.unknown().nullable(),
  sources_done: z.array(z.string()),
  full_sync: z.boolean(),
});
export type StepState = z.infer<typeof stepStateSchema>;

/** The step as a job of it starts; null when there is nothing to do (settled, its run ended, or deleted). */
export async function openStepState(pool: DatabasePool, runId: number, table: string): Promise<StepState | null> {
  const state = await pool.maybeOne(sql.type(stepStateSchema)`
    select e.status, r.status as run_status, e.plan, e.sources_done, r.full_sync
      from etl.run_entity e join etl.run r on r.id = e.run_id
     where e.run_id = ${runId} and e.entity = ${table}`);
  if (!state || FINAL_STEP_STATES.includes(state.status) || state.run_status !== 'running') return null;
  return state;
}

/**
 * queued → running (kept running), with more columns set in the same statement (`also`: a plan, the
 * attempt); false when the step is no longer open.
 */
export async function startStep(db: CommonQueryMethods, runId: number, table: string, also?: FragmentSqlToken): Promise<boolean> {
  const started = await db.query(sql.unsafe`
    update etl.run_entity e set status = 'running', started_at = coalesce(started_at, now())${also ? sql.fragment`, ${also}` : sql.fragment``}
     where e.run_id = ${runId} and e.entity = ${table} and ${STEP_OF_RUN_OPEN(runId)}`);
  return started.rowCount > 0;
}

const batchTotalsSchema = stepCountersSchema.extend({ sources_done: z.array(z.string()), seconds: z.number() });
export type BatchTotals = z.infer<typeof batchTotalsSchema>;

/**
 * A committed batch adds to its open step's counters (and marks its part done with its last batch); the
 * step's totals after it, or null when the step is no longer open or the part was already done (see stepIsOpen).
 */
export async function addBatch(
  tx: DatabaseTransactionConnection,
  b: { runId: number; table: string; part: string; counters: StepCounters; partDone: boolean },
): Promise<BatchTotals | null> {
  return tx.maybeOne(sql.type(batchTotalsSchema)`
    update etl.run_entity e
       set ${addToCounters(b.counters)}, status = 'running', started_at = coalesce(started_at, now()),
           sources_done = case when ${b.partDone} then array_append(sources_done, ${b.part}) else sources_done end
     where e.run_id = ${b.runId} and e.entity = ${b.table} and not (${b.part} = any(sources_done))
       and ${STEP_OF_RUN_OPEN(b.runId)}
 returning sources_done, ${counterColumns()},
           extract(epoch from clock_timestamp() - started_at)::float8 as seconds`);
}

/** Enqueues the next job of the step's part (etl.continue_step: its own queue, a job key, a priority). */
export async function continueStep(tx: CommonQueryMethods, runId: number, table: string, part: string): Promise<void> {
  await tx.query(sql.unsafe`select etl.continue_step(${runId}, ${table}, ${part})`);
}

/** Whether the step is still open (at work in a running run). */
export async function stepIsOpen(db: CommonQueryMethods, runId: number, table: string): Promise<boolean> {
  const open = await db.maybeOneFirst(sql.type(z.object({ open: z.boolean() }))`
    select ${STEP_OPEN} as open from etl.run_entity e join etl.run r on r.id = e.run_id
     where e.run_id = ${runId} and e.entity = ${table}`);
  return open === true;
}

/** Sets the step's counters (a step that counts in one go, heal_missing). */
export async function setStepCounters(db: CommonQueryMethods, runId: number, table: string, counters: StepCounters): Promise<void> {
  await db.query(sql.unsafe`update etl.run_entity set ${setCounters(counters)} where run_id = ${runId} and entity = ${table}`);
}

/** The open steps of running runs (worker housekeeping looks for those none of whose jobs can run). */
export async function openSteps(db: CommonQueryMethods): Promise<Array<{ run_id: number; entity: string }>> {
  return [...(await db.any(sql.type(z.object({ run_id: z.number(), entity: z.string() }))`
    select e.run_id, e.entity from etl.run_entity e join etl.run r on r.id = e.run_id
     where ${STEP_OPEN}
     order by e.run_id, e.entity`))];
}

/** Locks the step's row if it is at work and no other transaction holds it (a batch commit): true when locked. */
export async function lockStepAtWork(tx: DatabaseTransactionConnection, runId: number, table: string): Promise<boolean> {
  const status = await tx.maybeOneFirst(sql.type(z.object({ status: z.string() }))`
    select e.status from etl.run_entity e
     where e.run_id = ${runId} and e.entity = ${table} and ${STEP_AT_WORK}
       for update skip locked`);
  return status !== null;
}

/** An attempt failed and the job will be retried: its count and error, for `status` and the run report. */
export async function recordRetry(pool: DatabasePool, runId: number, table: string, attempts: number, message: string): Promise<void> {
  await pool.query(sql.unsafe`
    update etl.run_entity set attempts = ${attempts}, error = ${message}
     where run_id = ${runId} and entity = ${table}`);
}

/** The step failed for good: settle it failed (etl.finish_step), in one transaction with its attempt count. */
export async function failStep(pool: DatabasePool, runId: number, table: string, attempts: number, message: string): Promise<SettledStep | null> {
  return pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`update etl.run_entity set attempts = ${attempts} where run_id = ${runId} and entity = ${table}`);
    return settleStep(tx, runId, table, 'failed', message);
  });
}

export interface SettledStep {
  runId: number;
  entity: string;
  status: 'succeeded' | 'failed' | 'skipped';
  mode: string | null;
  /** From its first job to now; 0 for a step that failed before it started. */
  seconds: number;
  /** Present when this settlement closed the run. */
  run?: { status: string; trigger: string; seconds: number };
}

const SETTLED = ['succeeded', 'failed', 'skipped'];

/** Settles the step (etl.finish_step: a settled step is left alone; the run moves on). Nothing is reported back. */
export async function closeStep(tx: CommonQueryMethods, runId: number, table: string, status: string, error: string | null): Promise<void> {
  await tx.query(sql.unsafe`select etl.finish_step(${runId}, ${table}, ${status}, ${error})`);
}

/**
 * Settles a step and says what that decided: the step's status, mode and duration, and the run's when this
 * settlement closed it; null when the step was already settled, so when jobs race only the one that really
 * settled the step gets a result (a step, and a run, is observed once). Call inside the transaction that
 * commits the step's last change; act on the result after it commits.
 */
export async function settleStep(
  tx: DatabaseTransactionConnection,
  runId: number,
  entity: string,
  status: SettledStep['status'],
  error?: string,
): Promise<SettledStep | null> {
  // The run row is the lock finish_step takes first: holding it, nobody else settles this run's steps meanwhile.
  const before = await tx.maybeOne(sql.type(z.object({ run_status: z.string(), step_status: z.string() }))`
    select r.status as run_status, e.status as step_status
      from etl.run r join etl.run_entity e on e.run_id = r.id
     where r.id = ${runId} and e.entity = ${entity}
       for update of r`);
  await closeStep(tx, runId, entity, status, error ?? null);
  if (!before || SETTLED.includes(before.step_status)) return null;
  const after = await tx.one(sql.type(
    z.object({ mode: z.string().nullable(), seconds: z.number(), run_status: z.string(), trigger: z.string(), run_seconds: z.number().nullable() }),
  )`
    select e.mode, coalesce(extract(epoch from e.finished_at - e.started_at), 0)::float8 as seconds,
           r.status as run_status, r.trigger, extract(epoch from r.finished_at - r.created_at)::float8 as run_seconds
      from etl.run r join etl.run_entity e on e.run_id = r.id
     where r.id = ${runId} and e.entity = ${entity}`);
  const closedRun = before.run_status === 'running' && after.run_status !== 'running' && after.run_seconds !== null;
  return {
    runId,
    entity,
    status,
    mode: after.mode,
    seconds: after.seconds,
    run: closedRun ? { status: after.run_status, trigger: after.trigger, seconds: after.run_seconds! } : undefined,
  };
}

/** Tells the observer (metrics) of a settlement, once it is committed. */
export function observeSettled(ctx: { observer?: { stepSettled(step: SettledStep): void } }, settled: SettledStep | null | undefined): void {
  if (settled) ctx.observer?.stepSettled(settled);
}

/** Ends a running run and its unfinished steps at once (etl.end_run); false when it was not running. */
export async function endRunSteps(
  tx: CommonQueryMethods,
  runId: number,
  outcome: { status: 'cancelled' | 'failed'; reason: string; by?: string },
): Promise<boolean> {
  return tx.oneFirst(sql.type(z.object({ ended: z.boolean() }))`
    select etl.end_run(${runId}, ${outcome.status}, ${outcome.reason}, ${outcome.by ?? null}) as ended`);
}

/** Open steps of ended runs take the run's outcome (etl.settle_ended_runs); the steps it settled. */
export async function settleEndedRuns(db: CommonQueryMethods): Promise<Array<{ run_id: number; entity: string }>> {
  return [...(await db.any(sql.type(z.object({ run_id: z.number(), entity: z.string() }))`select run_id, entity from etl.settle_ended_runs()`))];
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
