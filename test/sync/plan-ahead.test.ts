import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { startRun } from '../../src/sync/run.ts';
import { followRun } from '../../src/worker/follow.ts';
import { makeTaskList } from '../../tasks/index.ts';
import { compareWithSimulator, startHarness, tableChecksums, type SyncHarness } from '../support/sync-harness.ts';

const stepRows = z.object({ entity: z.string(), status: z.string(), plan: z.unknown().nullable(), started_at: z.string().nullable(), depends_on: z.array(z.string()) });
const missingRows = z.object({ table_name: z.string(), column_name: z.string(), record_key: z.unknown(), referenced_key: z.unknown(), times_seen: z.number(), resolved: z.boolean(), reason: z.string().nullable() });

async function missingData(h: SyncHarness) {
  return h.db.pool.any(sql.type(missingRows)`
    select table_name, column_name, record_key, referenced_key, times_seen, resolved_at is not null as resolved, reason
      from missing_data order by table_name, column_name, record_key::text, referenced_key::text`);
}

/** A full run processed to its end; `planAhead: false` takes the run's plan_ahead job out of the queue first (each step plans itself, as before). */
async function fullRun(h: SyncHarness, planAhead: boolean) {
  const run = await startRun(h.db.pool, { trigger: 'api', full: true });
  if (!planAhead) {
    await h.db.pool.query(sql.unsafe`
      delete from graphile_worker._private_jobs j using graphile_worker._private_tasks t
       where t.id = j.task_id and t.identifier = 'plan_ahead'`);
  }
  return { runId: run.runId, report: () => followRun({ connectionString: h.db.url, context: h.ctx, runId: run.runId, concurrency: 4, pollMs: 50 }) };
}

describe('planning ahead (tasks/plan_ahead.ts)', () => {
  const harnesses: SyncHarness[] = [];
  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.close();
  });

  it('plans every waiting step before its dependencies ran, leaves it waiting, and the step reads with that plan', async () => {
    const h = await startHarness({ sim: { version: '17.0', scale: 1, seed: 5 } });
    harnesses.push(h);
    const { runId, report } = await fullRun(h, true);
    // What a worker does with the run's plan_ahead job, before any step has loaded anything.
    await makeTaskList(h.ctx).plan_ahead!({ runId }, {} as never);

    const ahead = await h.db.pool.any(sql.type(stepRows)`
      select entity, status, plan, started_at, depends_on from etl.run_entity where run_id = ${runId} and entity <> 'heal_missing' order by entity`);
    const waiting = ahead.filter((s) => s.depends_on.length > 0);
    expect(waiting.length).toBeGreaterThan(15);
    for (const step of waiting) {
      expect(step.status, step.entity).toBe('pending');
      expect(step.started_at, step.entity).toBeNull();
      // dim_brands: product.brand is not in core Odoo; the step reports that itself.
      if (step.entity === 'dim_brands') expect(step.plan).toBeNull();
      else expect(step.plan, step.entity).not.toBeNull();
    }
    // The steps that depend on nothing plan themselves, in their first job.
    for (const step of ahead.filter((s) => s.depends_on.length === 0)) expect(step.plan, step.entity).toBeNull();

    const done = await report();
    expect(done.run.status).toBe('succeeded');
    const after = await h.db.pool.any(sql.type(stepRows)`
      select entity, status, plan, started_at, depends_on from etl.run_entity where run_id = ${runId} and entity <> 'heal_missing' order by entity`);
    for (const step of waiting.filter((s) => s.plan !== null)) {
      const final = after.find((s) => s.entity === step.entity)!;
      expect(final.status, step.entity).toBe('succeeded');
      expect(final.started_at, step.entity).not.toBeNull();
      // Not planned again: a second plan would carry a later watermark.
      expect(final.plan, step.entity).toEqual(step.plan);
    }
    expect(await compareWithSimulator(h)).toEqual([]);
  });

  it('leaves the tables and missing_data exactly as a run whose steps plan themselves', async () => {
    const sim = { version: '19.0' as const, scale: 1, seed: 11 };
    const planned = await startHarness({ sim });
    harnesses.push(planned);
    const self = await startHarness({ sim });
    harnesses.push(self);
    expect((await (await fullRun(planned, true)).report()).run.status).toBe('succeeded');
    expect((await (await fullRun(self, false)).report()).run.status).toBe('succeeded');

    expect(await tableChecksums(planned)).toEqual(await tableChecksums(self));
    const missing = await missingData(planned);
    expect(missing.length).toBeGreaterThan(0); // cyclic references (dim_branches → dim_customers) make some
    expect(missing).toEqual(await missingData(self));
  });
});
