-- Stock at any date: etl.refresh_stock_daily(p_from, p_to) rewrites fact_stock_daily's days p_from..p_to
-- (capped at each company's today): the end-of-day quantity per product, internal location and company.
--
-- A day D is a calendar day in the company's business timezone (the zones the last plan of fact_stock_moves
-- resolved: company partner tz, else BUSINESS_TIMEZONE, else UTC — src/entities/business-date.ts; before
-- any such plan, p_fallback). Its end is the next midnight there.
-- - Days whose end is after history began (public.fact_stock_history exists and has versions): the sum of
--   the quants' versions valid at the end of the day ('history'). History sees what the sync saw, raw-SQL
--   quant changes included.
-- - Earlier days (all days without history): reconstructed backwards from the done move lines ('moves'):
--   quantity at the end of D = the quantity at the earliest known point T0 (history's start, else the
--   current quants of fact_stock) − moves in after D + moves out after D (moves up to T0). A quantity changed
--   without a move line (a raw-SQL quant update, an unmirrored adjustment) is not in the moves, so the
--   reconstruction carries that difference into every earlier day: only history can place it in time.
-- Rows: every day from a (product, location)'s first move while its quantity is not zero, and the day it
-- reaches zero. Set-based: one dense (group, day) set in a temporary table, then one insert.

create or replace function etl.refresh_stock_daily(p_from date, p_to date, p_fallback text default 'UTC')
returns integer
language plpgsql as $fn$
declare
  v_zones jsonb;
  v_fallback text;
  v_history boolean := to_regclass('public.fact_stock_history') is not null;
  v_kept boolean;
  v_t0 timestamptz;
  v_count integer;
begin
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'refresh_stock_daily: bad day range % .. %', p_from, p_to;
  end if;
  select re.plan -> 'sources' -> 0 -> 'plan' -> 'timezones' into v_zones
    from etl.run_entity re
   where re.entity = 'fact_stock_moves' and (re.plan -> 'sources' -> 0 -> 'plan' -> 'timezones') is not null
   order by re.run_id desc limit 1;
  v_fallback := coalesce(v_zones ->> 'fallback', p_fallback, 'UTC');

  create temporary table if not exists stock_daily_zone (company_id integer primary key, tz text not null, today date not null) on commit drop;
  create temporary table if not exists stock_daily_anchor (product_id integer, location_id integer, company_id integer, quantity numeric) on commit drop;
  create temporary table if not exists stock_daily_dense (product_id integer, location_id integer, company_id integer, day date, quantity numeric, source text) on commit drop;
  truncate stock_daily_zone, stock_daily_anchor, stock_daily_dense;

  insert into stock_daily_zone (company_id, tz, today)
  select b.odoo_id, z.tz, (now() at time zone z.tz)::date
    from public.dim_branches b
   cross join lateral (select coalesce(v_zones -> 'byCompany' ->> b.odoo_id::text, v_fallback) as tz) z;

  -- T0, the earliest known point, and the quantities then.
  -- History began when it was first recorded (recorded_at: the seed of the rows present then, whose versions
  -- start at their older write_date), else at its first version.
  -- A history table whose keeping stopped (etl.history_table says so) misses what changed since: moves only.
  if v_history and to_regclass('etl.history_table') is not null then
    execute 'select coalesce(bool_or(enabled), false) from etl.history_table where table_name = $1' into v_kept using 'fact_stock';
    v_history := v_kept;
  end if;
  if v_history then
    if exists (select 1 from pg_attribute where attrelid = 'public.fact_stock_history'::regclass and attname = 'recorded_at' and not attisdropped) then
      execute 'select min(recorded_at) from public.fact_stock_history' into v_t0;
    else
      execute 'select min(dbt_valid_from) from public.fact_stock_history' into v_t0;
    end if;
  end if;
  if v_t0 is null then
    v_history := false;
    v_t0 := now();
    insert into stock_daily_anchor
    select s.product_id, s.location_id, s.company_id, sum(s.quantity)
      from public.fact_stock s
      join public.fact_stock_locations l on l.odoo_id = s.location_id and l.usage = 'internal'
     where s.deleted_at is null and not s.inferred
     group by 1, 2, 3;
  else
    execute $q$
      insert into stock_daily_anchor
      select h.product_id, h.location_id, h.company_id, sum(h.quantity)
        from public.fact_stock_history h
        join public.fact_stock_locations l on l.odoo_id = h.location_id and l.usage = 'internal'
       where h.dbt_valid_from <= $1 and (h.dbt_valid_to is null or h.dbt_valid_to > $1)
         and not h.dbt_is_deleted and h.deleted_at is null
       group by 1, 2, 3 $q$ using v_t0;
  end if;

  -- Days before T0's day (all days up to today without history): from the moves.
  with internal as (
    select odoo_id from public.fact_stock_locations where usage = 'internal'
  ), mv as (
    select m.product_id, m.location_dest_id as location_id, m.company_id,
           (m.date at time zone z.tz)::date as day, m.quantity as delta
      from public.fact_stock_moves m
      join internal i on i.odoo_id = m.location_dest_id
      join stock_daily_zone z on z.company_id = m.company_id
     where m.deleted_at is null and m.date <= v_t0 and m.date >= (p_from - 1)::timestamp at time zone z.tz
    union all
    select m.product_id, m.location_id, m.company_id,
           (m.date at time zone z.tz)::date, -m.quantity
      from public.fact_stock_moves m
      join internal i on i.odoo_id = m.location_id
      join stock_daily_zone z on z.company_id = m.company_id
     where m.deleted_at is null and m.date <= v_t0 and m.date >= (p_from - 1)::timestamp at time zone z.tz
  ), per_day as (
    select product_id, location_id, company_id, day, sum(delta) as delta from mv group by 1, 2, 3, 4
  ), grp as (
    -- per group: its first move day in the range and the sum of its moves there (only the moves from the
    -- day before p_from are read: a refresh of the last days reads the last days' moves)
    select coalesce(d.product_id, a.product_id) as product_id, coalesce(d.location_id, a.location_id) as location_id,
           coalesce(d.company_id, a.company_id) as company_id,
           d.first_day, coalesce(d.total, 0) as total, coalesce(a.quantity, 0) as anchor
      from (select product_id, location_id, company_id, min(day) as first_day, sum(delta) as total
              from per_day group by 1, 2, 3) d
      full join stock_daily_anchor a using (product_id, location_id, company_id)
  ), span as (
    -- the days of the range the moves answer: up to today without history, before T0's day with it
    -- a group that moved before the range starts at its first day, the others at their first move (none: today)
    select g.*, z.tz,
           case when exists (select 1 from public.fact_stock_moves m
                              where m.product_id = g.product_id and m.company_id = g.company_id and m.deleted_at is null
                                and (m.location_id = g.location_id or m.location_dest_id = g.location_id)
                                and m.date < (p_from - 1)::timestamp at time zone z.tz)
                then p_from - 1 else coalesce(g.first_day, z.today) end as d0,
           least(p_to, case when v_history then (v_t0 at time zone z.tz)::date - 1 else z.today end) as d1
      from grp g join stock_daily_zone z using (company_id)
  )
  insert into stock_daily_dense
  select s.product_id, s.location_id, s.company_id, d.day::date,
         -- quantity at the end of D = anchor − (moves after D) = anchor − total + (moves up to D)
         s.anchor - s.total
           + sum(coalesce(p.delta, 0)) over (partition by s.product_id, s.location_id, s.company_id order by d.day),
         'moves'
    from span s
   cross join lateral generate_series(s.d0, s.d1, interval '1 day') d(day)
    left join per_day p on p.product_id = s.product_id and p.location_id = s.location_id and p.company_id = s.company_id and p.day = d.day::date
   where s.d0 <= s.d1;

  -- Days from T0's day: the versions valid at the end of each day.
  if v_history then
    execute $q$
      with v as (
        select h.product_id, h.location_id, h.company_id, h.quantity, h.dbt_valid_from, h.dbt_valid_to, z.tz, z.today
          from public.fact_stock_history h
          join public.fact_stock_locations l on l.odoo_id = h.location_id and l.usage = 'internal'
          join stock_daily_zone z on z.company_id = h.company_id
         where not h.dbt_is_deleted and h.deleted_at is null
           and (h.dbt_valid_to is null or h.dbt_valid_to >= ($1 - 1)::timestamp at time zone z.tz)
      ), groups as (
        select product_id, location_id, company_id, tz,
               greatest($1 - 1, ($3 at time zone tz)::date) as d0, least($2, today) as d1,
               min((dbt_valid_from at time zone tz)::date) as first_day
          from v group by product_id, location_id, company_id, tz, today
      )
      insert into stock_daily_dense
      select g.product_id, g.location_id, g.company_id, d.day::date, coalesce(sum(v.quantity), 0), 'history'
        from groups g
       cross join lateral generate_series(greatest(g.d0, g.first_day), g.d1, interval '1 day') d(day)
        left join v on v.product_id = g.product_id and v.location_id = g.location_id and v.company_id = g.company_id
                   and v.dbt_valid_from < (d.day::date + 1)::timestamp at time zone g.tz
                   and (v.dbt_valid_to is null or v.dbt_valid_to >= (d.day::date + 1)::timestamp at time zone g.tz)
       where greatest(g.d0, g.first_day) <= g.d1
       group by g.product_id, g.location_id, g.company_id, d.day $q$ using p_from, p_to, v_t0;
  end if;

  delete from public.fact_stock_daily where day between p_from and p_to;
  insert into public.fact_stock_daily (day, product_id, location_id, company_id, quantity, source)
  select day, product_id, location_id, company_id, quantity, source
    from (select d.*, lag(d.quantity) over (partition by d.product_id, d.location_id, d.company_id order by d.day) as prev,
                 lag(d.day) over (partition by d.product_id, d.location_id, d.company_id order by d.day) as prev_day
            from stock_daily_dense d) x
   where x.day between p_from and p_to
     and (x.quantity <> 0 or (x.prev_day = x.day - 1 and x.prev <> 0));
  get diagnostics v_count = row_count;
  return v_count;
end
$fn$;
