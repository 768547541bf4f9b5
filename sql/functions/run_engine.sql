-- The run engine: how a run's steps (a DAG) move forward. Each function is called inside the transaction
-- of the batch that finishes a step, so a step's data, its state change and the jobs it enqueues commit
-- together. Applied on every migrate (see upsert.sql); the tables are in the migrations. TypeScript calls
-- them from src/sync/step/life.ts only, the one file that says what can happen to a step
-- (test/foundation/edges.test.ts holds that).

-- Settles a step and moves the run on: dependents whose dependencies all succeeded are queued (their
-- first job enqueued here, in the caller's transaction), dependents of a failed step are skipped, and
-- the run is closed when every step is settled. Returns the steps it queued.
create or replace function etl.finish_step(
  p_run_id bigint, p_entity text, p_status text, p_error text default null
) returns text[] language plpgsql as $$
declare
  v_queued text[] := '{}';
  v_step record;
  v_open integer;
  v_failed integer;
begin
  -- One finisher at a time per run, so two steps finishing together cannot both miss a ready dependent.
  perform 1 from etl.run where id = p_run_id for update;

  update etl.run_entity
     set status = p_status, error = p_error, finished_at = now()
   where run_id = p_run_id and entity = p_entity and status not in ('succeeded', 'failed', 'skipped', 'cancelled');

  -- Skip everything downstream of a failure (transitively); heal_missing still runs for the rest.
  if p_status = 'failed' then
    with recursive downstream as (
      select e.entity from etl.run_entity e where e.run_id = p_run_id and p_entity = any (e.depends_on)
      union
      select e.entity from etl.run_entity e join downstream d on d.entity = any (e.depends_on) where e.run_id = p_run_id
    )
    update etl.run_entity e
       set status = 'skipped', finished_at = now(),
           error = format('not run: %s %s', p_entity, case when p_status = 'failed' then 'failed' else 'was skipped' end)
      from downstream d
     where e.run_id = p_run_id and e.entity = d.entity and e.entity <> 'heal_missing'
       and e.status in ('pending', 'queued');
  end if;

  for v_step in
    select e.entity from etl.run_entity e
     where e.run_id = p_run_id and e.status = 'pending'
       and not exists (
         select 1 from etl.run_entity d
          where d.run_id = p_run_id and d.entity = any (e.depends_on)
            and d.status not in ('succeeded', 'skipped')
            and not (e.entity = 'heal_missing' and d.status = 'failed'))
  loop
    perform etl.queue_step(p_run_id, v_step.entity);
    v_queued := v_queued || v_step.entity;
  end loop;

  select count(*) filter (where status not in ('succeeded', 'failed', 'skipped', 'cancelled')),
         count(*) filter (where status = 'failed')
    into v_open, v_failed
    from etl.run_entity where run_id = p_run_id;
  if v_open = 0 then
    update etl.run
       set status = case when v_failed > 0 then 'failed' else 'succeeded' end,
           error = case when v_failed > 0 then (
             select string_agg(format('%s: %s', entity, error), '; ' order by entity)
               from etl.run_entity where run_id = p_run_id and status = 'failed') end,
           finished_at = now()
     where id = p_run_id and status = 'running';
    if v_failed = 0 then
      update etl.watermark w set last_success_at = now()
        from etl.run_entity e
       where e.run_id = p_run_id and e.entity = w.entity and e.status = 'succeeded';
    end if;
  end if;
  return v_queued;
end $$;

-- Marks a step queued and enqueues its first job.
create or replace function etl.queue_step(p_run_id bigint, p_entity text) returns void language plpgsql as $$
begin
  update etl.run_entity set status = 'queued' where run_id = p_run_id and entity = p_entity and status = 'pending';
  perform etl.continue_step(p_run_id, p_entity);
end $$;

-- Enqueues the next job of a step, or of one part of it (a source, or an id range of a full pass):
-- parts run in parallel, each in its own queue (never twice at once) with a job key (a continuation
-- replaces a waiting duplicate instead of adding one). When workers are scarce, the steps others wait on
-- go first: a job's priority is minus the number of steps downstream of its entity (graphile-worker runs
-- lower numbers first), so all_sales, which fact_sales_lines waits for, is not queued behind fact_stock.
create or replace function etl.continue_step(p_run_id bigint, p_entity text, p_part text default null)
returns void language plpgsql as $$
declare
  v_downstream integer;
begin
  with recursive downstream as (
    select e.entity from etl.run_entity e
     where e.run_id = p_run_id and p_entity = any (e.depends_on) and e.entity <> 'heal_missing'
    union
    select e.entity from etl.run_entity e join downstream d on d.entity = any (e.depends_on)
     where e.run_id = p_run_id and e.entity <> 'heal_missing'
  )
  select count(*) into v_downstream from downstream;
  perform graphile_worker.add_job(
    case when p_entity = 'heal_missing' then 'heal_missing' else 'sync_entity' end,
    json_build_object('runId', p_run_id, 'entity', p_entity, 'part', p_part),
    queue_name := 'odoo-etl:' || p_entity || coalesce(':' || p_part, ''),
    job_key := 'odoo-etl:' || p_entity || coalesce(':' || p_part, ''),
    max_attempts := 6,
    priority := -v_downstream
  );
end $$;

-- Creates a run from its steps and their dependencies ({"entity": ["dependency", ...]}), closes it
-- with a heal_missing step, and queues the steps that depend on nothing. A run that overlaps one still
-- running is recorded as skipped instead: one entity never syncs twice at once.
create or replace function etl.start_run(p_steps jsonb, p_full boolean, p_trigger text) returns bigint language plpgsql as $$
declare
  v_run_id bigint;
  v_entities text[] := array(select jsonb_object_keys(p_steps) order by 1);
  v_busy text[];
begin
  -- Serialize run creation, so two triggers at the same instant cannot both start.
  perform pg_advisory_xact_lock(hashtext('odoo-etl:start_run'));
  select array_agg(distinct e) into v_busy
    from etl.run r, unnest(r.entities) e
   where r.status = 'running' and e = any (v_entities);

  insert into etl.run (trigger, full_sync, entities, status, error, finished_at)
  values (p_trigger, p_full, v_entities,
          case when v_busy is null then 'running' else 'skipped' end,
          case when v_busy is null then null else 'already being synced by another run: ' || array_to_string(v_busy, ', ') end,
          case when v_busy is null then null else now() end)
  returning id into v_run_id;
  if v_busy is not null then
    return v_run_id;
  end if;

  insert into etl.run_entity (run_id, entity, depends_on)
  select v_run_id, s.key,
         array(select d from jsonb_array_elements_text(s.value) d where d = any (v_entities))
    from jsonb_each(p_steps) s;
  insert into etl.run_entity (run_id, entity, depends_on, mode) values (v_run_id, 'heal_missing', v_entities, 'heal');

  perform etl.queue_step(v_run_id, e.entity)
     from etl.run_entity e
    where e.run_id = v_run_id and e.depends_on = '{}';
  -- The steps that wait are planned meanwhile (task plan_ahead: their round trips to Odoo leave the run's
  -- critical path), by one job taken before any other. Best effort: a step without a plan makes its own.
  if exists (select 1 from etl.run_entity e where e.run_id = v_run_id and e.status = 'pending' and e.entity <> 'heal_missing') then
    perform graphile_worker.add_job('plan_ahead', json_build_object('runId', v_run_id),
              queue_name := 'odoo-etl:plan-ahead', max_attempts := 1, priority := -1000);
  end if;
  return v_run_id;
end $$;

-- Ends a run at once (`odoo-etl runs cancel`: 'cancelled'; RUN_TIMEOUT: 'failed'): its unfinished steps end with
-- the same status and the reason, the run too. Returns false when the run was not running. A step whose row a
-- batch commit holds at this instant is skipped here (no wait, so no deadlock with that commit's finish_step):
-- that commit ends whole, the step's next commit finds the run ended and stops, and etl.settle_ended_runs()
-- (worker housekeeping) gives the step the run's outcome. The caller removes the run's waiting jobs.
create or replace function etl.end_run(p_run_id bigint, p_status text, p_reason text, p_by text default null)
returns boolean language plpgsql as $$
begin
  if p_status not in ('cancelled', 'failed') then
    raise exception 'etl.end_run: status must be cancelled or failed, not %', p_status;
  end if;
  perform 1 from etl.run where id = p_run_id and status = 'running' for update;
  if not found then
    return false;
  end if;
  update etl.run_entity e
     set status = p_status, error = p_reason, finished_at = now()
   where (e.run_id, e.entity) in (
           select o.run_id, o.entity from etl.run_entity o
            where o.run_id = p_run_id and o.status in ('pending', 'queued', 'running')
              for update skip locked);
  update etl.run
     set status = p_status, error = p_reason, finished_at = now(),
         cancelled_at = case when p_status = 'cancelled' then now() end,
         cancelled_by = case when p_status = 'cancelled' then p_by end
   where id = p_run_id;
  return true;
end $$;

-- Steps left open in a run that has ended (see etl.end_run) take the run's outcome. Idempotent, and safe with
-- several workers: rows another transaction holds are left for the next call.
create or replace function etl.settle_ended_runs()
returns table (run_id bigint, entity text) language plpgsql as $$
begin
  return query
  update etl.run_entity e
     set status = case when r.status = 'cancelled' then 'cancelled' else 'failed' end,
         error = coalesce(r.error, 'the run ended ' || r.status), finished_at = now()
    from etl.run r
   where r.id = e.run_id
     and (e.run_id, e.entity) in (
           select o.run_id, o.entity from etl.run_entity o join etl.run x on x.id = o.run_id
            where x.status <> 'running' and o.status in ('pending', 'queued', 'running')
              for update of o skip locked)
  returning e.run_id, e.entity;
end $$;
