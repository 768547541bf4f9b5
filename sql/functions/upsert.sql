-- The load functions, applied on every `odoo-etl migrate` after the migrations (graphile-migrate's
-- afterAllMigrations, listed in src/db/migrate.ts and .gmrc). `create or replace`, so a change here is a
-- reviewed diff of this file; a change of a function's signature must drop the old one first.
--
-- One generic, catalog-driven statement generator serves all the tables instead of hand-written
-- functions (etl.compile_upserts below writes its output into one function per table at migrate time): the tables share one contract (key, write_date, synced_at, deleted_at, inferred) and differ
-- only in columns and foreign keys, which pg_catalog already knows. So a column or FK added by a later
-- migration is handled with no function to keep in step, and the behaviour (stale rows, inferred members,
-- missing_data) is written and tested once. Every identifier goes through format('%I') / regclass.

-- The statement that merges a table's staging table into it (exposed on its own to read or EXPLAIN it).
-- One statement, set-based:
--   stg      the staged rows, taken out of the staging table (it is empty afterwards)
--   inp      the batch as rows of the table's type, one per key (the highest write_date wins, then the
--            last staged); generated columns computed, since FKs may use them
--   src      the rows of inp that will be written: new, inferred, soft-deleted, or changed and not older
--   miss_N   per parent table: keys the batch references that are not a real (non-inferred) parent row
--            (for a self-reference, rows of the batch itself count as present)
--   inf_N    the inferred members: key only, inferred = true, so the real foreign key holds
--            (inf_N, md, ins and upd write in key order: concurrent parts lock shared rows in one order, no deadlock)
--   md       one missing_data row per referencing row and column; re-seeing bumps last_seen/times_seen
--   ins, upd new rows are inserted (plain INSERT); rows whose values changed, that were inferred or
--            soft-deleted are updated, unless the stored write_date is newer than the incoming one; the rest
--            are left untouched
--   up       what ins and upd wrote (true: inserted)
--   res      missing_data rows that pointed at rows of this batch are resolved
create or replace function etl.upsert_sql(p_table regclass) returns text
language plpgsql stable as $fn$
declare
  v_name text;
  v_key text[];
  v_data text[];
  v_select text[];
  v_cmp text[];
  v_has_write_date boolean;
  v_parent record;
  v_fk record;
  v_entity etl.entity%rowtype;
  v_ctes text[] := '{}';
  v_refs text[];
  v_md text[] := '{}';
  v_n int := 0;
  v_miss text;
  v_model text;
  v_id text;
  v_colname text;
begin
  select c.relname into v_name from pg_class c where c.oid = p_table;

  select array_agg(a.attname::text order by k.ord) into v_key
  from pg_constraint con
  cross join unnest(con.conkey) with ordinality as k(attnum, ord)
  join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
  where con.conrelid = p_table and con.contype = 'p';
  if v_key is null then
    raise exception 'etl.upsert: table % has no primary key', p_table;
  end if;

  select
    array_agg(a.attname::text order by a.attnum) filter (where a.attgenerated = ''),
    array_agg(case when a.attgenerated = 's'
                then format('(%s) as %I', pg_get_expr(d.adbin, d.adrelid), a.attname)
                else format('r.%I', a.attname) end order by a.attnum),
    bool_or(a.attname = 'write_date')
  into v_data, v_select, v_has_write_date
  from pg_attribute a
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where a.attrelid = p_table and a.attnum > 0 and not a.attisdropped
    and a.attname not in ('synced_at', 'inferred', 'deleted_at');
  if (select count(*) from pg_attribute a where a.attrelid = p_table and not a.attisdropped
        and a.attname in ('synced_at', 'inferred', 'deleted_at')) <> 3 then
    raise exception 'etl.upsert: table % lacks synced_at, inferred or deleted_at', p_table;
  end if;
  v_cmp := array(select c from unnest(v_data) c where c <> all (v_key));
  if 'etl__new' = any (v_data) then
    raise exception 'etl.upsert: table % has a column named etl__new, the name the load uses for its own', p_table;
  end if;

  -- A fresh COPY appends to the staging table, so ctid is the order the rows were staged in.
  v_ctes := v_ctes || format('stg as (delete from pg_temp.%I r returning r.ctid as staged_at, r.*)', etl.stage_name(p_table));
  v_ctes := v_ctes || format(
    'inp as (select distinct on (%s) %s from stg r order by %s, %s r.staged_at desc)',
    (select string_agg(format('r.%I', k), ', ') from unnest(v_key) k),
    array_to_string(v_select, ', '),
    (select string_agg(format('r.%I', k), ', ') from unnest(v_key) k),
    case when v_has_write_date then 'r.write_date desc nulls last,' else '' end);
  -- Only the rows that will be written go further (new, inferred, soft-deleted, or changed and not older):
  -- an unchanged row costs one primary-key probe, not the reference checks and the insert attempt. The probe
  -- is a lateral subquery with a limit, so it stays a probe: the plan is generic (the staging table has no
  -- statistics), and a hash join would read the whole table on every batch.
  -- etl__new: no stored row under the key at the statement's snapshot (`up` inserts it, else updates it).
  v_ctes := v_ctes || format(
    'src as (select i.*, t.%3$I is null as etl__new from inp i left join lateral (select * from %1$s t where %2$s limit 1) t on true where t.%3$I is null '
    'or ((t.inferred or t.deleted_at is not null or row(%4$s) is distinct from row(%5$s))%6$s))',
    p_table,
    (select string_agg(format('t.%I = i.%I', k, k), ' and ') from unnest(v_key) k),
    v_key[1],
    (select string_agg(format('t.%I', c), ', ') from unnest(v_cmp) c),
    (select string_agg(format('i.%I', c), ', ') from unnest(v_cmp) c),
    case when v_has_write_date
      then ' and (t.write_date is null or i.write_date is null or i.write_date >= t.write_date)'
      else '' end);

  -- One miss/inferred pair per parent table (two FKs to the same parent must not insert the same key twice
  -- in one statement), one missing_data part per FK.
  for v_parent in
    select distinct con.confrelid::regclass as rel, pc.relname::text as name
    from pg_constraint con
    join pg_class pc on pc.oid = con.confrelid
    where con.conrelid = p_table and con.contype = 'f'
      and exists (select 1 from pg_attribute pa where pa.attrelid = con.confrelid and pa.attname = 'inferred' and not pa.attisdropped)
    order by 2
  loop
    v_n := v_n + 1;
    v_miss := format('miss_%s', v_n);
    v_refs := '{}';
    select * into v_entity from etl.entity e where e.table_name = v_parent.name;

    for v_fk in
      select con.conname,
             array_agg(a.attname::text order by k.ord) as cols,
             array_agg(pa.attname::text order by k.ord) as pcols
      from pg_constraint con
      cross join unnest(con.conkey, con.confkey) with ordinality as k(attnum, pattnum, ord)
      join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
      join pg_attribute pa on pa.attrelid = con.confrelid and pa.attnum = k.pattnum
      where con.conrelid = p_table and con.contype = 'f' and con.confrelid = v_parent.rel
      group by con.conname
      order by con.conname
    loop
      v_refs := v_refs || format('select %s from src s where %s',
        (select string_agg(format('s.%I as %I', c, p), ', ') from unnest(v_fk.cols, v_fk.pcols) as x(c, p)),
        (select string_agg(format('s.%I is not null', c), ' and ') from unnest(v_fk.cols) c));

      -- The Odoo model behind the parent row: fixed, or chosen by the parent's source column.
      v_model := 'null::text';
      if v_entity.table_name is not null then
        if v_entity.source_column is not null and v_entity.source_column = any (v_fk.pcols) then
          v_model := format('(%L::jsonb ->> s.%I)', v_entity.source_models,
            v_fk.cols[array_position(v_fk.pcols, v_entity.source_column)]);
        elsif cardinality(v_entity.odoo_models) = 1 then
          v_model := quote_literal(v_entity.odoo_models[1]);
        end if;
      end if;
      v_id := case when 'odoo_id' = any (v_fk.pcols)
                then format('s.%I', v_fk.cols[array_position(v_fk.pcols, 'odoo_id')])
                else 'null::integer' end;
      -- The column the user sees: the FK's columns minus the constant/source part of a composite key.
      select string_agg(c, ',') into v_colname
      from unnest(v_fk.cols, v_fk.pcols) as x(c, p)
      where p is distinct from v_entity.source_column or cardinality(v_fk.cols) = 1;

      v_md := v_md || format(
        'select %L, %L, jsonb_build_object(%s), %L, %s, %s, jsonb_build_object(%s) from src s join %I x on %s',
        v_name, v_colname,
        (select string_agg(format('%L, s.%I', k, k), ', ') from unnest(v_key) k),
        v_parent.name, v_model, v_id,
        (select string_agg(format('%L, s.%I', p, c), ', ') from unnest(v_fk.cols, v_fk.pcols) as x(c, p)),
        v_miss,
        (select string_agg(format('x.%I = s.%I', p, c), ' and ') from unnest(v_fk.cols, v_fk.pcols) as x(c, p)));
    end loop;

    -- All FKs to one parent reference the same key columns (its primary key). Each distinct key is probed
    -- once, by primary key (a lateral subquery with a limit, as in src: never a scan of the parent table).
    v_ctes := v_ctes || format(
      '%I as (select x.* from (select distinct * from (%s) r) x left join lateral (select true as found from %s p where %s and not p.inferred limit 1) f on true where f.found is null%s)',
      v_miss,
      array_to_string(v_refs, ' union all '),
      v_parent.rel,
      (select string_agg(format('p.%I = x.%I', p, p), ' and ') from unnest(v_fk.pcols) p),
      case when v_parent.rel = p_table then format(' and not exists (select 1 from src s where %s)',
        (select string_agg(format('s.%I = x.%I', p, p), ' and ') from unnest(v_fk.pcols) p)) else '' end);
    -- In key order: two parts of a table inferring the same parents then take their locks in the same
    -- order, so one waits for the other instead of both deadlocking.
    v_ctes := v_ctes || format(
      'inf_%s as (insert into %s (%s, inferred, synced_at) select %s, true, now() from %I order by %s on conflict do nothing)',
      v_n, v_parent.rel,
      (select string_agg(format('%I', p), ', ') from unnest(v_fk.pcols) p),
      (select string_agg(format('%I', p), ', ') from unnest(v_fk.pcols) p),
      v_miss,
      (select string_agg(format('%I', p), ', ') from unnest(v_fk.pcols) p));
  end loop;

  if cardinality(v_md) > 0 then
    v_ctes := v_ctes || format(
      'md as (insert into public.missing_data as m (table_name, column_name, record_key, referenced_table, referenced_model, referenced_id, referenced_key) '
      'select * from (%s) r order by 1, 2, 3, 4, 7 '
      'on conflict on constraint missing_data_reference_key do update set last_seen = now(), times_seen = m.times_seen + 1, resolved_at = null)',
      array_to_string(v_md, ' union all '));
  end if;

  -- New rows are inserted by a plain INSERT, existing ones updated by an UPDATE: no speculative insertion per
  -- row (INSERT ... ON CONFLICT cost 15-20% more CPU than a plain INSERT of the same new rows; README,
  -- Performance). Both in key order (the UPDATE's plan: a nested loop over the sorted rows, a primary-key
  -- probe each), so concurrent loads lock shared rows in one order. A key inserted by a concurrent load after this
  -- statement's snapshot makes the INSERT fail with unique_violation on the primary key: etl.merge_staged
  -- then merges the batch again with a new snapshot (the key is then an update). The UPDATE re-checks its
  -- condition on the row it locks (READ COMMITTED re-evaluates it on a concurrently updated row), so a row
  -- whose stored write_date is newer than the incoming one is never overwritten.
  v_ctes := v_ctes || format(
    'ins as (insert into %1$s (%2$s, synced_at, inferred, deleted_at) select %3$s, now(), false, null from src s where s.etl__new order by %4$s returning true as ins)',
    p_table,
    (select string_agg(format('%I', c), ', ') from unnest(v_data) c),
    (select string_agg(format('s.%I', c), ', ') from unnest(v_data) c),
    (select string_agg(format('s.%I', k), ', ') from unnest(v_key) k));
  v_ctes := v_ctes || format(
    'upd as (update %1$s as t set %2$s synced_at = now(), inferred = false, deleted_at = null '
    'from (select * from src s where not s.etl__new order by %3$s) s where %4$s '
    'and (t.inferred or t.deleted_at is not null or row(%5$s) is distinct from row(%6$s))%7$s returning false as ins)',
    p_table,
    coalesce((select string_agg(format('%I = s.%I', c, c), ', ') from unnest(v_cmp) c) || ',', ''),
    (select string_agg(format('s.%I', k), ', ') from unnest(v_key) k),
    (select string_agg(format('t.%I = s.%I', k, k), ' and ') from unnest(v_key) k),
    (select string_agg(format('t.%I', c), ', ') from unnest(v_cmp) c),
    (select string_agg(format('s.%I', c), ', ') from unnest(v_cmp) c),
    case when v_has_write_date
      then ' and (t.write_date is null or s.write_date is null or s.write_date >= t.write_date)'
      else '' end);
  v_ctes := v_ctes || 'up as (select ins from ins union all select ins from upd)'::text;

  -- The exists() guard is evaluated once: most batches resolve nothing and skip the per-row probe.
  v_ctes := v_ctes || format(
    'res as (update public.missing_data m set resolved_at = now() from src s '
    'where m.referenced_table = %L and m.resolved_at is null and m.referenced_key = jsonb_build_object(%s) '
    'and exists (select 1 from public.missing_data o where o.referenced_table = %L and o.resolved_at is null))',
    v_name,
    (select string_agg(format('%L, s.%I', k, k), ', ') from unnest(v_key) k),
    v_name);

  return 'with ' || array_to_string(v_ctes, E',\n')
    || E'\nselect (count(*) filter (where ins))::int, (count(*) filter (where not ins))::int, '
    || '((select count(*) from inp) - count(*))::int from up';
end
$fn$;

-- Loads a batch: p_rows is a jsonb array of objects whose keys are column names with decoded values (ISO
-- timestamps, numbers, arrays); a column absent from an object is NULL (the row mirrors the record).
-- Returns how many rows (after merging duplicate keys) were inserted, updated, or left unchanged
-- (unchanged includes rows older than the stored one).
create or replace function etl.upsert(p_table regclass, p_rows jsonb)
returns table (inserted integer, updated integer, unchanged integer)
language plpgsql as $fn$
begin
  if p_rows is null or jsonb_typeof(p_rows) <> 'array' then
    raise exception 'etl.upsert: rows must be a jsonb array, got %', coalesce(jsonb_typeof(p_rows), 'null');
  end if;
  return query select * from etl.upsert_json(p_table, p_rows::json);
end
$fn$;

-- The statement compiled into one function per table, etl."upsert__<table>"(): written by
-- etl.compile_upserts(), which `odoo-etl migrate` calls after the migrations and the etl.entity catalog
-- (src/db/migrate.ts), so a table's function always follows its migrated columns and foreign keys. Why: the
-- statement is static SQL there, so PL/pgSQL keeps its plan for the session; generating and planning it on
-- every batch (the dynamic path below) cost about as much as COPYing the batch. The plan does not depend on
-- the rows (a batch is small and the staging table is never analyzed), hence plan_cache_mode = force_generic_plan.
-- Tables without a compiled function (a database migrated by graphile-migrate's own CLI) take the dynamic path.
create or replace function etl.compile_upserts()
returns integer
language plpgsql as $fn$
declare
  v_table record;
  v_old record;
  v_n int := 0;
begin
  -- A function whose table left the catalog goes, and so do those of an older signature (the json one).
  for v_old in
    select p.oid::regprocedure as fn from pg_proc p
    where p.pronamespace = 'etl'::regnamespace and p.proname like 'upsert\_\_%'
      and (p.pronargs > 0 or not exists (select 1 from etl.entity e where 'upsert__' || e.table_name = p.proname
                                           and to_regclass(format('public.%I', e.table_name)) is not null))
  loop
    execute format('drop function %s', v_old.fn);
  end loop;
  for v_table in
    select e.table_name, format('public.%I', e.table_name)::regclass as rel from etl.entity e
    where to_regclass(format('public.%I', e.table_name)) is not null
    order by e.table_name
  loop
    if length('upsert__' || v_table.table_name) > 63 then
      raise exception 'etl.compile_upserts: table name % too long for its load function', v_table.table_name;
    end if;
    execute format(
      'create or replace function etl.%I() returns table (inserted integer, updated integer, unchanged integer) '
      'language plpgsql set plan_cache_mode = force_generic_plan as %L',
      'upsert__' || v_table.table_name,
      -- use_column: a table column named like an output column is the column.
      E'#variable_conflict use_column\nbegin\n  return query\n' || etl.upsert_sql(v_table.rel) || E';\nend\n');
    v_n := v_n + 1;
  end loop;
  return v_n;
end
$fn$;

-- Merges what is staged for p_table (etl.stage, then COPY or an insert) into it: the compiled function,
-- else the generated statement. Returns how many rows (after merging duplicate keys) were inserted,
-- updated, or left unchanged (unchanged includes rows older than the stored one).
-- A concurrent load (another part, a webhook) may insert a key of the batch after the merge's snapshot: the
-- merge's plain INSERT then fails with unique_violation on the primary key. The block below rolls that
-- attempt back (its subtransaction: the staged rows are staged again) and merges once more with a new
-- snapshot, where the key is an update; the caller's transaction, its cursor claim included, goes on.
create or replace function etl.merge_staged(p_table regclass)
returns table (inserted integer, updated integer, unchanged integer)
language plpgsql as $fn$
declare
  v_compiled regprocedure;
  v_statement text;
  v_pkey text;
  v_constraint text;
  v_attempt int := 0;
begin
  select to_regprocedure(format('etl.%I()', 'upsert__' || c.relname)) into v_compiled
  from pg_class c where c.oid = p_table and c.relnamespace = 'public'::regnamespace;
  v_statement := case when v_compiled is not null then format('select * from %s()', v_compiled::regproc)
                      else etl.upsert_sql(p_table) end;
  loop
    v_attempt := v_attempt + 1;
    begin
      execute v_statement into inserted, updated, unchanged;
      return next;
      return;
    exception when unique_violation then
      get stacked diagnostics v_constraint = constraint_name;
      select con.conname into v_pkey from pg_constraint con where con.conrelid = p_table and con.contype = 'p';
      if v_constraint is distinct from v_pkey or v_attempt >= 5 then
        raise;
      end if;
    end;
  end loop;
end
$fn$;

-- The same load with the rows as one json array (for SQL callers and tests; the sync engine COPYs): the
-- rows are staged with json_populate_recordset, in array order, then merged.
create or replace function etl.upsert_json(p_table regclass, p_rows json)
returns table (inserted integer, updated integer, unchanged integer)
language plpgsql as $fn$
declare
  v_stage text := etl.stage_name(p_table);
begin
  if p_rows is null or json_typeof(p_rows) <> 'array' then
    raise exception 'etl.upsert: rows must be a json array, got %', coalesce(json_typeof(p_rows), 'null');
  end if;
  perform etl.stage(p_table);
  execute format('insert into pg_temp.%1$I select * from json_populate_recordset(null::pg_temp.%1$I, $1)', v_stage) using p_rows;
  return query select * from etl.merge_staged(p_table);
end
$fn$;
