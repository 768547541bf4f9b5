-- Retention (the daily `prune_history` task): finished runs (their steps go with them, on delete cascade) and
-- resolved missing references older than the cutoff are deleted. Kept whatever their age: running runs, open
-- missing references, and the runs holding each entity's newest step and newest success, which `odoo-etl
-- status` reads (last run, last success). Applied on every migrate (see upsert.sql).
create or replace function etl.prune_history(p_older_than interval)
returns table (runs bigint, steps bigint, missing bigint) language plpgsql as $$
declare
  v_cutoff timestamptz := now() - p_older_than;
  v_ids bigint[];
  v_runs bigint;
  v_steps bigint;
  v_missing bigint;
begin
  select coalesce(array_agg(r.id), '{}') into v_ids
    from etl.run r
   where r.status <> 'running' and coalesce(r.finished_at, r.created_at) < v_cutoff
     and r.id not in (
       select max(e.run_id) from etl.run_entity e group by e.entity
       union
       select max(e.run_id) from etl.run_entity e where e.status = 'succeeded' group by e.entity);
  select count(*) into v_steps from etl.run_entity e where e.run_id = any (v_ids);
  delete from etl.run r where r.id = any (v_ids);
  get diagnostics v_runs = row_count;
  delete from public.missing_data m where m.resolved_at is not null and m.resolved_at < v_cutoff;
  get diagnostics v_missing = row_count;
  return query select v_runs, v_steps, v_missing;
end $$;
