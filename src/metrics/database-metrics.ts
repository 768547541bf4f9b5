/**
 * The metrics that reflect the database's state, computed when Prometheus scrapes, from one snapshot
 * query: every worker reports the same truth however many there are, and nothing drifts between
 * scrapes. Lag per table (since its last successful step, and since the newest write_date loaded), open
 * missing references, jobs by state, workers by heartbeat, runs in progress, history versions per table. When the query fails these
 * are left out and `odoo_etl_database_up` is 0; the process's own metrics are still served.
 */
import { Gauge, type Registry } from 'prom-client';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { entityNames } from '../entities/index.ts';
import type { Logger } from '../log.ts';
import { TASK_NAMES } from '../../tasks/index.ts';

const snapshotRow = z.object({
  metric: z.enum(['sync_lag', 'data_lag', 'open_missing', 'jobs', 'workers', 'runs', 'history_versions']),
  entity: z.string(),
  source: z.string(),
  task: z.string(),
  state: z.string(),
  value: z.number(),
});
type SnapshotRow = z.infer<typeof snapshotRow>;

export interface DatabaseMetricsOptions {
  pool: DatabasePool;
  /** WORKER_STALE_AFTER: a heartbeat older than this counts as a stale worker. */
  staleAfterMs: number;
  logger: Logger;
}

export function registerDatabaseMetrics(registry: Registry, options: DatabaseMetricsOptions): void {
  const snapshot = sharedPerScrape(() => readSnapshot(options.pool, options.staleAfterMs), options.logger);
  const registers = [registry];

  /** A gauge whose samples are the snapshot's rows of one kind. */
  const fromSnapshot = <L extends string>(
    name: string,
    help: string,
    metric: SnapshotRow['metric'],
    labelNames: readonly L[],
    labels: (row: SnapshotRow) => Record<L, string>,
  ) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      async collect() {
        this.reset();
        for (const row of (await snapshot()) ?? []) if (row.metric === metric) this.set(labels(row), row.value);
      },
    });

  new Gauge({
    name: 'odoo_etl_database_up',
    help: "1 when this scrape's snapshot query of the target database succeeded, 0 when it failed",
    registers,
    async collect() {
      this.set((await snapshot()) ? 1 : 0);
    },
  });
  fromSnapshot(
    'odoo_etl_sync_lag_seconds',
    "Seconds since each table's last successful step (+Inf: never synced; absent for a table whose optional model Odoo lacks)",
    'sync_lag', ['entity'], (r) => ({ entity: r.entity }),
  );
  fromSnapshot(
    'odoo_etl_data_lag_seconds',
    'Seconds since the newest Odoo write_date loaded into each table, per source (grows while nobody changes the records in Odoo)',
    'data_lag', ['entity', 'source'], (r) => ({ entity: r.entity, source: r.source }),
  );
  fromSnapshot(
    'odoo_etl_open_missing_references',
    'References to parent rows not (yet) loaded, open in missing_data, per referencing table',
    'open_missing', ['entity'], (r) => ({ entity: r.entity }),
  );
  fromSnapshot(
    'odoo_etl_jobs',
    "odoo-etl's jobs in the queue by task, table and state (waiting, retrying, running, failed: out of attempts)",
    'jobs', ['task', 'entity', 'state'], (r) => ({ task: r.task, entity: r.entity, state: r.state }),
  );
  fromSnapshot(
    'odoo_etl_workers',
    'Worker processes by their heartbeat in the database: alive (within WORKER_STALE_AFTER) or stale',
    'workers', ['state'], (r) => ({ state: r.state }),
  );
  fromSnapshot('odoo_etl_runs_running', 'Runs in progress', 'runs', [], () => ({}));
  fromSnapshot(
    'odoo_etl_history_versions',
    "Row versions in each table's history (<table>_history, HISTORY), per table whose history is kept: PostgreSQL's live-tuple statistic, not a count",
    'history_versions', ['entity'], (r) => ({ entity: r.entity }),
  );
}

/**
 * Runs `read` once for all the gauges collected by one scrape (prom-client collects them together),
 * and answers null when it fails.
 */
function sharedPerScrape<T>(read: () => Promise<T>, logger: Logger): () => Promise<T | null> {
  let pending: Promise<T | null> | undefined;
  return () =>
    (pending ??= read()
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'metrics: the database snapshot failed');
        return null;
      })
      .finally(() => {
        // Every gauge of this scrape asked in the same tick; the next scrape asks again.
        setImmediate(() => (pending = undefined));
      }));
}

async function readSnapshot(pool: DatabasePool, staleAfterMs: number): Promise<readonly SnapshotRow[]> {
  const names = sql.array(entityNames(), 'text');
  const tasks = sql.array([...TASK_NAMES], 'text');
  return pool.any(sql.type(snapshotRow)`
    with last_success as (
      select entity, max(finished_at) as at from etl.run_entity
       where status = 'succeeded' and entity = any(${names}) group by entity
    ), last_settled as (
      select distinct on (entity) entity, status, coalesce(error, '') as error from etl.run_entity
       where status in ('succeeded', 'failed', 'skipped') and entity = any(${names})
       order by entity, run_id desc
    )
    select 'sync_lag' as metric, n.entity, '' as source, '' as task, '' as state,
           coalesce(extract(epoch from now() - s.at)::float8, 'Infinity'::float8) as value
      from unnest(${names}) as n(entity)
      left join last_success s using (entity) left join last_settled l using (entity)
     -- skipped for a reason of its own (not "not run: a dependency failed"): the optional model is absent
     where not coalesce(l.status = 'skipped' and l.error not like 'not run:%', false)
    union all
    select 'data_lag', entity, source, '', '', extract(epoch from now() - high_write_date)::float8
      from etl.watermark
     -- rows of one id range of a full pass ("<source>#<n>") are transient
     where high_write_date is not null and strpos(source, '#') = 0 and entity = any(${names})
    union all
    select 'open_missing', table_name, '', '', '', count(*)::float8
      from public.missing_data where resolved_at is null and table_name = any(${names}) group by table_name
    union all
    select 'jobs', entity, '', task, state, count(*)::float8
      from (select j.task_identifier as task,
                   case when j.key like 'odoo-etl:%' and split_part(j.key, ':', 2) = any(${names}) then split_part(j.key, ':', 2) else '' end as entity,
                   case when j.locked_at is not null then 'running' when j.attempts >= j.max_attempts then 'failed'
                        when j.attempts > 0 then 'retrying' else 'waiting' end as state
              from graphile_worker.jobs j where j.task_identifier = any(${tasks})) j
     group by entity, task, state
    union all
    select 'workers', '', '', '', w.state, count(distinct h.process)::float8
      from (values ('alive'), ('stale')) as w(state)
      left join etl.worker_heartbeat h
        on (h.last_seen > now() - make_interval(secs => ${staleAfterMs / 1000})) = (w.state = 'alive')
     group by w.state
    union all
    select 'runs', '', '', '', '', count(*)::float8 from etl.run where status = 'running'
    union all
    -- the statistics' live tuples: no count(*) of a large table on every scrape
    select 'history_versions', h.table_name, '', '', '', pg_stat_get_live_tuples(c.oid)::float8
      from etl.history_table h join pg_class c on c.oid = to_regclass(format('public.%I', h.table_name || '_history'))
     where h.enabled and h.table_name = any(${names})`);
}
