-- Duration and volume per table over the last day, slowest first (psql -f, or a BI tool's SQL editor).
select entity,
       count(*) as runs,
       max(finished_at) as last_finished,
       round(avg(extract(epoch from finished_at - started_at))::numeric, 1) as avg_seconds,
       sum(read) as read,
       sum(inserted) as inserted,
       sum(updated) as updated,
       sum(deleted) as deleted,
       count(*) filter (where status = 'failed') as failed
  from etl.run_entity
 where started_at > now() - interval '1 day'
 group by entity
 order by avg_seconds desc nulls last;
