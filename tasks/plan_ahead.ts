/**
 * Task `plan_ahead`: plans the steps of a run that wait on others while the entities they depend on load
 * (etl.start_run enqueues it once per run), so a step's first job finds its plan and starts reading at once
 * instead of spending its round trips to Odoo (fields_get, counts, id ranges) on the run's critical path.
 * One job plans them all, PLAN_AHEAD_AT_ONCE steps at a time, dependencies first. Only the plan is stored:
 * a step's commits still wait for its dependencies (its jobs are only queued once they succeeded), so nothing
 * the run loads changes.
 *
 * Best effort: a step without a plan makes its own (one that started meanwhile keeps its own: the store
 * requires `plan is null`); so this task never fails and is never retried.
 */
import type { Task } from 'graphile-worker';
import { sql } from 'slonik';
import { z } from 'zod';
import { entities } from '../src/entities/index.ts';
import type { SyncContext } from '../src/sync/context.ts';
import { planEntity } from '../src/sync/step/plan.ts';
import { errorMessage } from '../src/sync/step/life.ts';

export const payloadSchema = z.object({ runId: z.number().int() });

/** Steps planned at once: each is one to three round trips, and the run's first loads share the server with them. */
export const PLAN_AHEAD_AT_ONCE = 4;

export default (ctx: SyncContext): Task =>
  async (raw) => {
    const { runId } = payloadSchema.parse(raw);
    const waiting = await ctx.pool.any(sql.type(z.object({ entity: z.string(), full_sync: z.boolean() }))`
      select e.entity, r.full_sync from etl.run_entity e join etl.run r on r.id = e.run_id
       where e.run_id = ${runId} and r.status = 'running' and e.status = 'pending' and e.plan is null and e.entity <> 'heal_missing'`);
    const full = waiting[0]?.full_sync ?? false;
    const queue = entities.filter((e) => waiting.some((w) => w.entity === e.table));
    const planner = async () => {
      for (let entity = queue.shift(); entity; entity = queue.shift()) {
        try {
          await planEntity(ctx, runId, entity, full, true);
        } catch (error) {
          ctx.logger.debug({ err: error, runId, entity: entity.table }, `${entity.table}: planning ahead failed, the step plans itself: ${errorMessage(error)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: PLAN_AHEAD_AT_ONCE }, planner));
  };
