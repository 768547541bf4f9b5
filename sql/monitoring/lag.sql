-- How far behind each table is: the last successful sync and the newest Odoo write_date loaded.
select w.entity,
       string_agg(nullif(w.source, ''), ', ') as sources,
       max(w.last_success_at) as last_success_at,
       now() - max(w.last_success_at) as lag,
       max(w.high_write_date) as newest_write_date
  from etl.watermark w
 group by w.entity
 order by lag desc nulls first;
