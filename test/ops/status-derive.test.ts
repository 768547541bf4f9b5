/**
 * status/derive.ts without a database: every entity state (ok, stale, failed, running, never, blocked,
 * absent), every job state, the health verdict and its problems, from hand-written snapshot rows and a
 * fixed clock. The rows are what status/query.ts reads (test/ops/status.test.ts covers that against
 * PostgreSQL).
 */
import { describe, expect, it } from 'vitest';
import { deriveStatus, entityOfJobKey, NO_SUCCESS_YET, type DeriveOptions, type EntityInfo } from '../../src/ops/status/derive.ts';
import type { JobRow, StatusSnapshot, StepRow } from '../../src/ops/status/query.ts';
import { renderStatus } from '../../src/ops/status/render.ts';
import { statusSchema } from '../../src/ops/status/schema.ts';

const NOW = new Date('2026-11-25T12:00:00Z');
const HOUR = 3_600_000;
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();
const ENTITIES: EntityInfo[] = [
  { table: 'dim_a', kind: 'dimension', sync: 'incremental' },
  { table: 'dim_b', kind: 'dimension', sync: 'incremental' },
  { table: 'fact_c', kind: 'fact', sync: 'snapshot' },
];
const OPTIONS: DeriveOptions = {
  settings: {
    FRESHNESS: HOUR,
    SYNC_SCHEDULE: '*/15 * * * *',
    RECONCILE_SCHEDULE: '0 * * * *',
    ODOO_URL: 'https://erp.example.com',
    ODOO_DB: 'prod',
    ODOO_USERNAME: 'etl',
    ODOO_TRANSPORT: 'auto',
  },
  database: 'etl@db:5432/warehouse',
  now: NOW,
};

function step(entity: string, over: Partial<StepRow> = {}): StepRow {
  return {
    entity,
    run_id: 10,
    status: 'succeeded',
    mode: 'incremental',
    read: 5,
    inserted: 1,
    updated: 2,
    unchanged: 2,
    deleted: 0,
    started_at: ago(10 * 60_000),
    finished_at: ago(9 * 60_000),
    error: null,
    run_status: 'succeeded',
    full_reason: null,
    ...over,
  };
}

function job(over: Partial<JobRow> = {}): JobRow {
  return {
    id: 1,
    task_identifier: 'sync_entity',
    key: 'odoo-etl:dim_a',
    attempts: 0,
    max_attempts: 5,
    last_error: null,
    run_at: ago(0),
    locked_at: null,
    locked_by: null,
    ...over,
  };
}

/** Every entity succeeded 9 minutes ago; `over` replaces parts. */
function snapshot(over: Partial<StatusSnapshot> = {}): StatusSnapshot {
  const done = ENTITIES.map((e) => step(e.table));
  return {
    latest: done,
    lastFinished: done,
    successes: ENTITIES.map((e) => ({ entity: e.table, at: ago(9 * 60_000) })),
    watermarks: [],
    missing: [],
    jobs: [],
    webhooks: [],
    declared: [],
    history: [],
    rows: new Map(ENTITIES.map((e) => [e.table, { rows: 3, exact: true }])),
    crontabs: [],
    workers: [],
    lastRun: { id: 10, trigger: 'cli', status: 'succeeded', created_at: ago(10 * 60_000), finished_at: ago(9 * 60_000), error: null },
    ...over,
  };
}

/** The snapshot with dim_a's steps and success replaced. */
function withA(a: { latest?: StepRow; finished?: StepRow; successAt?: string | null }): StatusSnapshot {
  const base = snapshot();
  const replace = (list: StepRow[], row: StepRow | undefined) => [...list.filter((s) => s.entity !== 'dim_a'), ...(row ? [row] : [])];
  return {
    ...base,
    latest: replace(base.latest, a.latest),
    lastFinished: replace(base.lastFinished, a.finished),
    successes: [...base.successes.filter((s) => s.entity !== 'dim_a'), ...(a.successAt ? [{ entity: 'dim_a', at: a.successAt }] : [])],
  };
}

const derive = (s: StatusSnapshot) => statusSchema.parse(deriveStatus(s, ENTITIES, OPTIONS));
const entityA = (s: StatusSnapshot) => derive(s).entities.find((e) => e.entity === 'dim_a')!;

describe('status derive: entity states', () => {
  it('ok: the last success is within FRESHNESS; healthy, no problem, lag in seconds', () => {
    const status = derive(snapshot());
    expect(status.entities.map((e) => e.state)).toEqual(['ok', 'ok', 'ok']);
    expect(status.healthy).toBe(true);
    expect(status.problems).toEqual([]);
    expect(status.entities[0]).toMatchObject({ lagSeconds: 540, rows: 3, rowsExact: true, problem: null, lastRun: { runId: 10, inserted: 1 } });
  });

  it('history: a table whose history was kept says whether it is on and its versions; the others have none', () => {
    const status = derive(snapshot({ history: [
      { table_name: 'dim_a', enabled: true, versions: { rows: 12, exact: true } },
      { table_name: 'fact_c', enabled: false, versions: { rows: 2_000_000, exact: false } },
    ] }));
    expect(status.entities.map((e) => [e.entity, e.history ?? null])).toEqual([
      ['dim_a', { on: true, versions: 12, versionsExact: true }],
      ['dim_b', null],
      ['fact_c', { on: false, versions: 2_000_000, versionsExact: false }],
    ]);
    const text = renderStatus(status);
    expect(text.slice(text.indexOf('history (README, History; `odoo-etl history <table>`):'))).toEqual(expect.arrayContaining([
      '  dim_a: on, 12 version(s)',
      '  fact_c: off (history table kept), ~2,000,000 version(s)',
    ]));
  });

  it('stale: the last success is older than FRESHNESS, a problem naming both durations', () => {
    const e = entityA(withA({ finished: step('dim_a'), latest: step('dim_a'), successAt: ago(2 * HOUR) }));
    expect(e.state).toBe('stale');
    expect(e.problem).toBe('dim_a: last success 2h 0m ago, older than FRESHNESS (1h 0m)');
  });

  it('failed: the last settled step failed, even with a fresh success before it', () => {
    const failed = step('dim_a', { run_id: 11, status: 'failed', error: 'access denied', run_status: 'failed' });
    const status = derive(withA({ finished: failed, latest: failed, successAt: ago(30 * 60_000) }));
    const e = status.entities.find((x) => x.entity === 'dim_a')!;
    expect(e.state).toBe('failed');
    expect(e.problem).toBe('dim_a: run 11 failed: access denied');
    expect(e.lastRun).toMatchObject({ runId: 11, status: 'failed', error: 'access denied' });
    expect(status.healthy).toBe(false);
    expect(status.problems).toEqual([e.problem]);
  });

  it('running: a step of a running run is going on; its counts are shown instead of the last settled ones', () => {
    const going = step('dim_a', { run_id: 12, status: 'running', run_status: 'running', read: 100, finished_at: null });
    const e = entityA(withA({ latest: going, finished: step('dim_a'), successAt: ago(9 * 60_000) }));
    expect(e.state).toBe('running');
    expect(e.problem).toBeNull();
    expect(e.lastRun).toMatchObject({ runId: 12, status: 'running', read: 100, finishedAt: null });
  });

  it('running before any success: running, with the never-synced problem', () => {
    const going = step('dim_a', { run_id: 12, status: 'queued', run_status: 'running', finished_at: null });
    const e = entityA(withA({ latest: going, finished: undefined, successAt: null }));
    expect(e.state).toBe('running');
    expect(e.problem).toBe('dim_a: never synced successfully');
    expect(e.lastSuccessAt).toBeNull();
    expect(e.lagSeconds).toBeNull();
  });

  it('a settled step of a run still going on is not running', () => {
    const done = step('dim_a', { run_id: 12, run_status: 'running' });
    expect(entityA(withA({ latest: done, finished: done, successAt: ago(60_000) })).state).toBe('ok');
  });

  it('never: no step at all; with every entity never, one problem saying to run a sync', () => {
    const status = derive(snapshot({ latest: [], lastFinished: [], successes: [], lastRun: null }));
    expect(status.entities.map((e) => e.state)).toEqual(['never', 'never', 'never']);
    expect(status.entities[0]!.problem).toBe('dim_a: never synced successfully');
    expect(status.entities[0]!.lastRun).toBeNull();
    expect(status.problems).toEqual([NO_SUCCESS_YET]);
    expect(status.healthy).toBe(false);
  });

  it('never for one entity while others succeeded: only that entity is a problem', () => {
    const status = derive(withA({ finished: undefined, latest: undefined, successAt: null }));
    expect(status.entities.map((e) => e.state)).toEqual(['never', 'ok', 'ok']);
    expect(status.problems).toEqual(['dim_a: never synced successfully']);
  });

  it('blocked: skipped because a dependency failed (`not run:`), never succeeded', () => {
    const skipped = step('dim_a', { status: 'skipped', error: 'not run: dim_b failed' });
    const e = entityA(withA({ finished: skipped, latest: skipped, successAt: null }));
    expect(e.state).toBe('blocked');
    expect(e.problem).toBe('dim_a: never synced successfully (not run: dim_b failed)');
  });

  it('blocked: skipped because a dependency failed, last success still fresh (no problem) or too old (a problem)', () => {
    const skipped = step('dim_a', { status: 'skipped', error: 'not run: dim_b failed' });
    const fresh = entityA(withA({ finished: skipped, latest: skipped, successAt: ago(20 * 60_000) }));
    expect(fresh).toMatchObject({ state: 'blocked', problem: null });
    const old = entityA(withA({ finished: skipped, latest: skipped, successAt: ago(3 * HOUR) }));
    expect(old.state).toBe('blocked');
    expect(old.problem).toMatch(/^dim_a: last success 3h 0m ago, older than FRESHNESS/);
  });

  it('absent: skipped because its optional model is not on the server; not a problem, healthy', () => {
    const skipped = step('dim_a', { status: 'skipped', error: 'product.brand is not installed' });
    const status = derive(withA({ finished: skipped, latest: skipped, successAt: null }));
    expect(status.entities.find((e) => e.entity === 'dim_a')).toMatchObject({ state: 'absent', problem: null });
    expect(status.healthy).toBe(true);
  });
});

describe('status derive: jobs, workers and the rest', () => {
  it('job states: running (locked), waiting, retrying, failed (out of attempts); tied to their entity by key', () => {
    const status = derive(
      snapshot({
        jobs: [
          job({ id: 1, key: 'odoo-etl:dim_a', locked_at: ago(1000), locked_by: 'w1', attempts: 1 }),
          job({ id: 2, key: 'odoo-etl:dim_b:part-2' }),
          job({ id: 3, key: 'odoo-etl:fact_c', attempts: 2, last_error: 'timeout' }),
          job({ id: 4, key: 'odoo-etl:dim_a', attempts: 5, last_error: 'boom' }),
        ],
      }),
    );
    const [a, b, c] = status.entities;
    expect(a!.jobs.map((j) => [j.id, j.state])).toEqual([[1, 'running'], [4, 'failed']]);
    expect(b!.jobs.map((j) => [j.id, j.state])).toEqual([[2, 'waiting']]);
    expect(c!.jobs.map((j) => [j.id, j.state])).toEqual([[3, 'retrying']]);
    // A job out of attempts is a problem of its entity (when the entity has none of its own).
    expect(a!.problem).toBe('dim_a: job 4 out of attempts: boom');
    expect(status.problems).toEqual(['dim_a: job 4 out of attempts: boom']);
    expect(status.healthy).toBe(false);
  });

  it('jobs of no entity go to otherJobs; one out of attempts is a problem', () => {
    const status = derive(snapshot({ jobs: [job({ id: 7, task_identifier: 'reconcile', key: null, attempts: 3, max_attempts: 3, last_error: null })] }));
    expect(status.otherJobs.map((j) => [j.id, j.entity, j.state])).toEqual([[7, null, 'failed']]);
    expect(status.problems).toEqual(['job 7 (reconcile) out of attempts: no error recorded']);
  });

  it('entityOfJobKey: the entity of `odoo-etl:<entity>[:<part>]`, null for other keys and unknown entities', () => {
    const names = ['dim_a'];
    expect(entityOfJobKey('odoo-etl:dim_a', names)).toBe('dim_a');
    expect(entityOfJobKey('odoo-etl:dim_a:3', names)).toBe('dim_a');
    expect(entityOfJobKey('odoo-etl:sync', names)).toBeNull();
    expect(entityOfJobKey('other:dim_a', names)).toBeNull();
    expect(entityOfJobKey(null, names)).toBeNull();
  });

  it('workers are alive within two minutes of their heartbeat; watermarks, missing, rows estimates and the schedule', () => {
    const status = derive(
      snapshot({
        workers: [
          { worker_id: 'w1', process: 'host:1', last_seen: ago(30_000) },
          { worker_id: 'w2', process: 'host:2', last_seen: ago(5 * 60_000) },
        ],
        watermarks: [{ entity: 'dim_a', source: '', high_write_date: ago(HOUR), full_done_at: ago(2 * HOUR), cursor_run_id: null }],
        missing: [{ table_name: 'fact_c', open: 4 }],
        rows: new Map([['fact_c', { rows: 250_000, exact: false }]]),
        crontabs: [{ identifier: 'odoo-etl:sync', last_execution: ago(5 * 60_000) }],
      }),
    );
    expect(status.workers.map((w) => w.alive)).toEqual([true, false]);
    expect(status.entities[0]!.watermarks).toEqual([{ source: '', highWriteDate: ago(HOUR), fullDoneAt: ago(2 * HOUR), inProgressRunId: null }]);
    expect(status.entities[2]).toMatchObject({ openMissing: 4, rows: 250_000, rowsExact: false });
    expect(status.entities[0]).toMatchObject({ rows: 0, rowsExact: true });
    expect(status.openMissing).toBe(4);
    expect(status.schedule.find((s) => s.identifier === 'odoo-etl:sync')).toMatchObject({
      lastExecution: ago(5 * 60_000),
      next: ['2026-11-25T12:15:00.000Z', '2026-11-25T12:30:00.000Z', '2026-11-25T12:45:00.000Z'],
    });
    expect(status.odoo).toEqual({ url: 'https://erp.example.com', db: 'prod', username: 'etl', transport: 'auto' });
  });

  it('renders one table line per entity with its state, and the problems', () => {
    const failed = step('dim_a', { run_id: 11, status: 'failed', error: 'access denied', run_status: 'failed' });
    const lines = renderStatus(derive(withA({ finished: failed, latest: failed, successAt: ago(9 * 60_000) })));
    expect(lines[0]).toBe('odoo-etl status at 2026-11-25 12:00:00Z: 1 problem');
    expect(lines).toContainEqual(expect.stringMatching(/^dim_a\s+failed\s+9m 0s ago\s+3\s/));
    expect(lines).toContainEqual(expect.stringMatching(/^dim_b\s+ok\s/));
    expect(lines.slice(-2)).toEqual(['problems:', '  - dim_a: run 11 failed: access denied']);
  });

  it('webhook freshness: per entity beside the schedule, null until a notification arrived; shown in its column', () => {
    const webhooks = [
      { entity: 'dim_a', lastNotificationAt: ago(30_000), lastAppliedAt: ago(27_000), lagSeconds: 2.5, pending: 4 },
      { entity: 'dim_b', lastNotificationAt: null, lastAppliedAt: null, lagSeconds: null, pending: 0 },
    ];
    const status = derive(snapshot({ webhooks }));
    expect(status.entities.find((e) => e.entity === 'dim_a')!.webhook).toEqual({
      lastNotificationAt: ago(30_000), lastAppliedAt: ago(27_000), lagSeconds: 2.5, pending: 4,
    });
    expect(status.entities.find((e) => e.entity === 'dim_b')!.webhook).toBeNull();
    const lines = renderStatus(status);
    expect(lines.find((l) => l.startsWith('dim_a'))).toMatch(/30s ago, lag 3s, 4 waiting/);
    expect(lines.find((l) => l.startsWith('dim_b'))).toMatch(/\s-\s*$/);
  });

  it('declared tables: what migrate last did, in --json and as a section of the text; built-in tables have none', () => {
    const declared: StatusSnapshot['declared'] = [
      { table_name: 'dim_a', action: 'type_refused', column_name: 'x_slot_date', detail: 'date in the database, declared timestamptz', at: '2026-11-25T11:00:00Z' },
      { table_name: 'fact_c', action: 'column_kept', column_name: 'origin', detail: 'no longer declared: kept with its data', at: '2026-11-24T08:30:00Z' },
    ];
    const status = derive(snapshot({ declared }));
    expect(status.entities.find((e) => e.entity === 'dim_a')!.lastMigrate).toEqual({
      action: 'type_refused', column: 'x_slot_date', detail: 'date in the database, declared timestamptz', at: '2026-11-25T11:00:00Z',
    });
    expect('lastMigrate' in status.entities.find((e) => e.entity === 'dim_b')!).toBe(false);
    const lines = renderStatus(status);
    const at = lines.indexOf('declared tables, what migrate last did:');
    expect(lines.slice(at, at + 3)).toEqual([
      'declared tables, what migrate last did:',
      '  dim_a: type change refused: x_slot_date (date in the database, declared timestamptz), 2026-11-25 11:00:00Z',
      '  fact_c: column kept though no longer declared: origin, 2026-11-24 08:30:00Z',
    ]);
  });
});
