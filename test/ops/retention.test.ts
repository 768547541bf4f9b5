/**
 * The database does not grow without bound (issue 9 §4): the daily prune deletes finished runs (and their
 * steps) and resolved missing references older than RETENTION, keeps recent ones, open references and the
 * runs `status` reads; the prune is a cron item the worker registers, and its task runs from the queue.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'slonik';
import { z } from 'zod';
import { knownCrontabs } from '../../src/db/graphile-worker-internals.ts';
import { pruneHistory } from '../../src/ops/retention.ts';
import { cronItems, PRUNE_SCHEDULE } from '../../src/worker/schedule.ts';
import { startWorker, type WorkerHandle } from '../../src/worker/runner.ts';
import { startHarness, type SyncHarness } from '../support/sync-harness.ts';

const DAY = 24 * 3_600_000;

async function seedHistory(harness: SyncHarness) {
  const { pool } = harness.db;
  const run = async (daysAgo: number, status: string, steps: Array<[string, string]>) => {
    const id = await pool.oneFirst(sql.type(z.object({ id: z.number() }))`
      insert into etl.run (trigger, entities, status, created_at, finished_at)
      values ('cron', ${sql.array(steps.map((s) => s[0]), 'text')}, ${status},
              now() - make_interval(days => ${daysAgo}), case when ${status} <> 'running' then now() - make_interval(days => ${daysAgo}) end)
      returning id`);
    for (const [entity, stepStatus] of steps) {
      await pool.query(sql.unsafe`
        insert into etl.run_entity (run_id, entity, status, started_at, finished_at)
        values (${id}, ${entity}, ${stepStatus}, now() - make_interval(days => ${daysAgo}), now() - make_interval(days => ${daysAgo}))`);
    }
    return id;
  };
  const runs = {
    // dim_jobs's only success, long ago: status reads it (last success), so it stays.
    oldOnlySuccess: await run(200, 'succeeded', [['dim_jobs', 'succeeded'], ['dim_teams', 'succeeded']]),
    oldFailed: await run(120, 'failed', [['dim_teams', 'failed']]),
    oldRunning: await run(100, 'running', [['dim_users', 'running']]),
    recent: await run(1, 'succeeded', [['dim_teams', 'succeeded']]),
  };
  const missing = async (id: number, resolvedDaysAgo: number | null, firstSeenDaysAgo: number) =>
    pool.query(sql.unsafe`
      insert into public.missing_data (table_name, column_name, record_key, referenced_table, referenced_model, referenced_id, referenced_key,
                                       first_seen, last_seen, resolved_at)
      values ('dim_emps', 'job_id', ${sql.jsonb({ odoo_id: id })}, 'dim_jobs', 'hr.job', ${id}, ${sql.jsonb({ odoo_id: id })},
              now() - make_interval(days => ${firstSeenDaysAgo}), now() - make_interval(days => ${firstSeenDaysAgo}),
              case when ${resolvedDaysAgo}::int is null then null else now() - make_interval(days => ${resolvedDaysAgo}::int) end)`);
  await missing(1, 100, 150); // resolved long ago: goes
  await missing(2, 5, 150); // resolved recently: stays
  await missing(3, null, 300); // open, however old: stays
  return runs;
}

describe('retention', () => {
  let harness: SyncHarness | undefined;
  let worker: WorkerHandle | undefined;
  afterEach(async () => {
    await worker?.stop();
    worker = undefined;
    await harness?.close();
    harness = undefined;
  });

  it('prunes finished runs and resolved missing references older than RETENTION; keeps recent ones, open ones and the runs status reads', async () => {
    harness = await startHarness();
    const { pool } = harness.db;
    const runs = await seedHistory(harness);
    const result = await pruneHistory(pool, 90 * DAY);
    expect(result).toEqual({ olderThanMs: 90 * DAY, runs: 1, steps: 1, missing: 1 });
    const left = await pool.anyFirst(sql.type(z.object({ id: z.number() }))`select id from etl.run order by id`);
    expect(left).toEqual([runs.oldOnlySuccess, runs.oldRunning, runs.recent]);
    expect(await pool.anyFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from etl.run_entity where run_id = ${runs.oldFailed}`)).toEqual([0]);
    const ids = await pool.anyFirst(sql.type(z.object({ referenced_id: z.number() }))`select referenced_id from public.missing_data order by referenced_id`);
    expect(ids).toEqual([2, 3]);
    // Nothing more to prune the second time.
    expect(await pruneHistory(pool, 90 * DAY)).toMatchObject({ runs: 0, steps: 0, missing: 0 });
  });

  it('the prune is a daily cron item with RETENTION in its payload, registered by the worker, and its task runs from the queue', async () => {
    const items = cronItems({ sync: '*/15 * * * *', reconcile: '0 * * * *', retentionMs: 30 * DAY });
    expect(items.find((i) => i.identifier === 'odoo-etl:prune')).toMatchObject({
      task: 'prune_history',
      match: PRUNE_SCHEDULE,
      payload: { olderThanMs: 30 * DAY },
    });

    harness = await startHarness();
    const h = harness;
    await seedHistory(h);
    worker = await startWorker({
      connectionString: h.db.url,
      context: h.ctx,
      concurrency: 1,
      pollIntervalMs: 200,
      schedule: { sync: '0 0 1 1 *', reconcile: '0 0 1 1 *', retentionMs: 90 * DAY },
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const known = (await knownCrontabs(h.db.pool)).map((c) => c.identifier).sort();
      if (known.includes('odoo-etl:prune')) {
        expect(known).toEqual(['odoo-etl:prune', 'odoo-etl:reconcile', 'odoo-etl:stock-daily', 'odoo-etl:sync']);
        break;
      }
      if (Date.now() > deadline) throw new Error(`the prune cron item was not registered: ${known.join(', ')}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    // What the cron tick enqueues, run by the worker.
    await h.db.pool.query(sql.unsafe`
      select graphile_worker.add_job('prune_history', json_build_object('olderThanMs', ${90 * DAY}::bigint), queue_name := 'odoo-etl:schedule')`);
    const resolvedOld = () =>
      h.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`
        select count(*)::int as n from public.missing_data where resolved_at < now() - interval '90 days'`);
    for (let i = 0; (await resolvedOld()) > 0; i++) {
      if (i > 300) throw new Error('the prune_history job did not run');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await h.db.pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from public.missing_data`)).toBe(2);
  });
});
