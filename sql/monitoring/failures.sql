-- The latest failures, with the error each table gave and how many attempts it took.
select run_id, entity, attempts, error, finished_at
  from etl.run_entity
 where status = 'failed'
 order by finished_at desc nulls last
 limit 20;
