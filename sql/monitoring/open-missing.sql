-- References that have not healed yet, grouped the way `odoo-etl missing --open` shows them.
select table_name, column_name, referenced_model, count(*) as open, max(last_seen) as last_seen,
       string_agg(distinct reason, '; ') as reasons
  from public.missing_data
 where resolved_at is null
 group by table_name, column_name, referenced_model
 order by open desc;
