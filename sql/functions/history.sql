-- History: the versions of the rows of the tables HISTORY names (applied on every migrate, see upsert.sql).
--
-- Per table T, etl.history_compile writes:
--   public."T_history"   T's columns (same names and types, no constraints) and the dbt snapshot columns
--                        (dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to: null = current,
--                        dbt_is_deleted: dbt >= 1.9 hard_deletes='new_record', a delete is a version of its
--                        own) plus change ('insert'|'update'|'delete'|'restore'), valid_from_source
--                        ('write_date'|'observed') and recorded_at. Primary key (T's key, dbt_valid_from); at
--                        most one open version per key (a partial unique index).
--   etl."history__T"()   the trigger function, static SQL compiled like etl."upsert__T"() (the plans are kept).
--   three triggers       AFTER INSERT / UPDATE / DELETE ... FOR EACH STATEMENT with transition tables: a version
--                        is written by the very statement that changed the row, in its transaction (a rolled
--                        back load writes none), whatever wrote it: a scheduled merge, a webhook load, a
--                        reconcile or snapshot soft delete, a heal. Two writers of one key are serialised by
--                        the row lock of T; the trigger's queries run after it with a fresh snapshot (READ
--                        COMMITTED), so the second closes the version the first opened.
--   public."T_as_of"(p_at) the rows as they were at p_at (not deleted).
--
-- The rules: an inferred row is no version (it becoming real is an 'insert'); an update that changed nothing
-- but synced_at writes nothing; deleted_at null -> set is a 'delete', set -> null a 'restore'. A version starts
-- at the row's new write_date when the change moved it ('write_date'), else at now(), the time of the writing
-- transaction ('observed': a delete, a raw-SQL quant change); never at or before the start of the key's
-- previous version (clamped to it + 1 microsecond, keeping the label). The previous version ends where the new
-- one starts: no overlap, no gap.

create or replace function etl.history_key(p_table regclass) returns text[]
language sql stable as $$
  select array_agg(a.attname::text order by k.ord)
  from pg_constraint con
  cross join unnest(con.conkey) with ordinality as k(attnum, ord)
  join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
  where con.conrelid = p_table and con.contype = 'p'
$$;

-- The body of etl."history__T"(): for each operation, `ch` (the changed rows with their change, start candidate
-- and label), then two statements: close the open versions, insert the new ones. Two statements, not one with a
-- writable CTE: the unique index on the open version is checked row by row, so the old version must be closed
-- before the new one exists.
create or replace function etl.history_trigger_sql(p_table regclass) returns text
language plpgsql stable as $fn$
declare
  v_name text := (select c.relname::text from pg_class c where c.oid = p_table);
  v_hist text := format('public.%I', v_name || '_history');
  v_key text[] := etl.history_key(p_table);
  v_cols text[];
  v_cmp text[];
  v_has_wd boolean;
  v_match text;
  v_tail text;
  v_ins text;
  v_upd text;
  v_del text;
begin
  select array_agg(a.attname::text order by a.attnum), bool_or(a.attname = 'write_date')
    into v_cols, v_has_wd
  from pg_attribute a where a.attrelid = p_table and a.attnum > 0 and not a.attisdropped;
  v_cmp := array(select c from unnest(v_cols) c where c <> 'synced_at');

  v_ins := format(
    'ch as (select n.*, %L::text as h__change, (n.deleted_at is not null) as h__deleted, %s as h__cand, %s as h__src from new_rows n where not n.inferred)',
    'insert',
    case when v_has_wd then 'coalesce(n.write_date, now())' else 'now()' end,
    case when v_has_wd then $$case when n.write_date is null then 'observed' else 'write_date' end$$ else $$'observed'$$ end);
  v_upd := format(
    'ch as (select n.*, x.change as h__change, (n.deleted_at is not null) as h__deleted, '
    'case when x.change <> %L and %s then n.write_date else now() end as h__cand, '
    'case when x.change <> %L and %s then %L else %L end as h__src '
    'from new_rows n join old_rows o on %s '
    'cross join lateral (select case when o.inferred then %L when o.deleted_at is null and n.deleted_at is not null then %L '
    'when o.deleted_at is not null and n.deleted_at is null then %L else %L end as change) x '
    'where not n.inferred and row(%s) is distinct from row(%s))',
    'delete', case when v_has_wd then 'n.write_date is not null and n.write_date is distinct from o.write_date' else 'false' end,
    'delete', case when v_has_wd then 'n.write_date is not null and n.write_date is distinct from o.write_date' else 'false' end,
    'write_date', 'observed',
    (select string_agg(format('o.%I = n.%I', k, k), ' and ') from unnest(v_key) k),
    'insert', 'delete', 'restore', 'update',
    (select string_agg(format('o.%I', c), ', ') from unnest(v_cmp) c),
    (select string_agg(format('n.%I', c), ', ') from unnest(v_cmp) c));
  -- A hard delete of a live row (no path of odoo-etl deletes rows; a person might).
  v_del := format(
    'ch as (select o.*, %L::text as h__change, true as h__deleted, now() as h__cand, %L::text as h__src from old_rows o where not o.inferred and o.deleted_at is null)',
    'delete', 'observed');

  v_match := (select string_agg(format('h.%I = c.%I', k, k), ' and ') from unnest(v_key) k);
  -- Close the open version at the new version's start; then insert the new version, its start clamped after
  -- the key's latest version (which the first statement just closed, at that same time).
  v_tail := format(
    'with %%1$s update %1$s h set dbt_valid_to = greatest(c.h__cand, h.dbt_valid_from + interval %2$L) from ch c where %3$s and h.dbt_valid_to is null; '
    'with %%1$s insert into %1$s (%4$s, dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_is_deleted, change, valid_from_source, recorded_at) '
    'select %5$s, md5(concat_ws(%6$L, %7$s, to_char(v.vf at time zone %8$L, %9$L))), v.vf, v.vf, null, c.h__deleted, c.h__change, c.h__src, now() '
    'from ch c left join lateral (select h.dbt_valid_from, h.dbt_valid_to from %1$s h where %3$s order by h.dbt_valid_from desc limit 1) p on true '
    'cross join lateral (select greatest(c.h__cand, p.dbt_valid_from + interval %2$L, p.dbt_valid_to) as vf) v;',
    v_hist, '1 microsecond', v_match,
    (select string_agg(format('%I', c), ', ') from unnest(v_cols) c),
    (select string_agg(format('c.%I', c), ', ') from unnest(v_cols) c),
    '|',
    (select string_agg(format('coalesce(c.%I::text, %L)', k, ''), ', ') from unnest(v_key) k),
    'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US');

  return E'begin\n'
    || E'  if tg_op = ''INSERT'' then\n'
    || E'    if not exists (select 1 from new_rows) then return null; end if;\n'
    || '    ' || format(v_tail, v_ins) || E'\n'
    || E'  elsif tg_op = ''UPDATE'' then\n'
    || E'    if not exists (select 1 from new_rows) then return null; end if;\n'
    || '    ' || format(v_tail, v_upd) || E'\n'
    || E'  else\n'
    || E'    if not exists (select 1 from old_rows) then return null; end if;\n'
    || '    ' || format(v_tail, v_del) || E'\n'
    || E'  end if;\n  return null;\nend\n';
end
$fn$;

-- Creates or brings up to date T's history table (columns a later migration added to T are added), its
-- trigger function and triggers, and its as-of function. Returns whether the history table was created.
create or replace function etl.history_compile(p_table text) returns boolean
language plpgsql as $fn$
declare
  v_rel regclass := to_regclass(format('public.%I', p_table));
  v_hist text := p_table || '_history';
  v_key text[];
  v_created boolean := false;
  v_col record;
begin
  if v_rel is null then
    raise exception 'HISTORY names %, which is not a table of this warehouse', p_table;
  end if;
  if length('history__' || p_table) > 63 or length(p_table || '_history') > 63 then
    raise exception 'HISTORY: table name % too long for its history table', p_table;
  end if;
  v_key := etl.history_key(v_rel);
  if v_key is null then
    raise exception 'HISTORY: table % has no primary key', p_table;
  end if;

  if to_regclass(format('public.%I', v_hist)) is null then
    execute format(
      'create table public.%I (%s, dbt_scd_id text not null, dbt_updated_at timestamptz not null, '
      'dbt_valid_from timestamptz not null, dbt_valid_to timestamptz, dbt_is_deleted boolean not null, '
      'change text not null, valid_from_source text not null, recorded_at timestamptz not null default now(), '
      'primary key (%s, dbt_valid_from))',
      v_hist,
      (select string_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)), ', ' order by a.attnum)
         from pg_attribute a where a.attrelid = v_rel and a.attnum > 0 and not a.attisdropped),
      (select string_agg(format('%I', k), ', ') from unnest(v_key) k));
    -- At most one open version per key; and the retention prune and recent as-of reads by their end.
    execute format('create unique index %I on public.%I (%s) where dbt_valid_to is null',
      left(p_table, 50) || '_hist_open', v_hist, (select string_agg(format('%I', k), ', ') from unnest(v_key) k));
    execute format('create index %I on public.%I (dbt_valid_to)', left(p_table, 50) || '_hist_to', v_hist);
    execute format('comment on table public.%I is %L', v_hist,
      format('Versions of the rows of %s (odoo-etl history, dbt snapshot shape: dbt_valid_from/dbt_valid_to, dbt_is_deleted)', p_table));
    v_created := true;
  else
    for v_col in
      select a.attname, format_type(a.atttypid, a.atttypmod) as type
      from pg_attribute a
      where a.attrelid = v_rel and a.attnum > 0 and not a.attisdropped
        and not exists (select 1 from pg_attribute h where h.attrelid = format('public.%I', v_hist)::regclass
                          and h.attname = a.attname and not h.attisdropped)
      order by a.attnum
    loop
      execute format('alter table public.%I add column %I %s', v_hist, v_col.attname, v_col.type);
    end loop;
  end if;

  execute format('create or replace function etl.%I() returns trigger language plpgsql as %L',
    'history__' || p_table, etl.history_trigger_sql(v_rel));
  execute format('drop trigger if exists odoo_etl_history_insert on public.%I', p_table);
  execute format('drop trigger if exists odoo_etl_history_update on public.%I', p_table);
  execute format('drop trigger if exists odoo_etl_history_delete on public.%I', p_table);
  execute format('create trigger odoo_etl_history_insert after insert on public.%I referencing new table as new_rows '
                 'for each statement execute function etl.%I()', p_table, 'history__' || p_table);
  execute format('create trigger odoo_etl_history_update after update on public.%I referencing old table as old_rows new table as new_rows '
                 'for each statement execute function etl.%I()', p_table, 'history__' || p_table);
  execute format('create trigger odoo_etl_history_delete after delete on public.%I referencing old table as old_rows '
                 'for each statement execute function etl.%I()', p_table, 'history__' || p_table);

  execute format(
    'create or replace function public.%I(p_at timestamptz) returns setof public.%I language sql stable as %L',
    p_table || '_as_of', v_hist,
    format('select * from public.%I h where h.dbt_valid_from <= p_at and (h.dbt_valid_to is null or h.dbt_valid_to > p_at) and not h.dbt_is_deleted', v_hist));
  execute format('comment on function public.%I(timestamptz) is %L', p_table || '_as_of',
    format('The rows of %s as they were at p_at (odoo-etl history; deleted rows left out)', p_table));
  return v_created;
end
$fn$;

-- Seeds one open version per live, non-inferred row of T (enable time). Versions left open by an earlier
-- enable are closed first (what happened while history was off was not seen); a key's new version starts
-- after them.
create or replace function etl.history_seed(p_table text) returns integer
language plpgsql as $fn$
declare
  v_rel regclass := format('public.%I', p_table)::regclass;
  v_hist text := format('public.%I', p_table || '_history');
  v_key text[] := etl.history_key(v_rel);
  v_cols text[];
  v_has_wd boolean;
  v_n integer;
begin
  select array_agg(a.attname::text order by a.attnum), bool_or(a.attname = 'write_date') into v_cols, v_has_wd
  from pg_attribute a where a.attrelid = v_rel and a.attnum > 0 and not a.attisdropped;
  execute format('update %s set dbt_valid_to = greatest(now(), dbt_valid_from + interval %L) where dbt_valid_to is null',
    v_hist, '1 microsecond');
  execute format(
    'insert into %1$s (%2$s, dbt_scd_id, dbt_updated_at, dbt_valid_from, dbt_valid_to, dbt_is_deleted, change, valid_from_source, recorded_at) '
    'select %3$s, md5(concat_ws(%4$L, %5$s, to_char(v.vf at time zone %6$L, %7$L))), v.vf, v.vf, null, false, %8$L, '
    'case when p.dbt_valid_from is null and %9$s then %10$L else %11$L end, now() '
    'from public.%12$I c left join lateral (select h.dbt_valid_from, h.dbt_valid_to from %1$s h where %13$s order by h.dbt_valid_from desc limit 1) p on true '
    'cross join lateral (select greatest(%14$s, p.dbt_valid_from + interval %15$L, p.dbt_valid_to) as vf) v '
    'where not c.inferred and c.deleted_at is null',
    v_hist,
    (select string_agg(format('%I', c), ', ') from unnest(v_cols) c),
    (select string_agg(format('c.%I', c), ', ') from unnest(v_cols) c),
    '|',
    (select string_agg(format('coalesce(c.%I::text, %L)', k, ''), ', ') from unnest(v_key) k),
    'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US', 'insert',
    case when v_has_wd then 'c.write_date is not null' else 'false' end, 'write_date', 'observed',
    p_table,
    (select string_agg(format('h.%I = c.%I', k, k), ' and ') from unnest(v_key) k),
    case when v_has_wd then 'coalesce(c.write_date, now())' else 'now()' end, '1 microsecond');
  get diagnostics v_n = row_count;
  return v_n;
end
$fn$;

-- Makes the database keep history for exactly p_tables: a table newly named gets its history table, triggers
-- and seed ('enabled'); one named before is brought up to date when p_recompile ('kept': migrate recompiles,
-- since a migration may have added columns); one no longer named loses its triggers and keeps its history
-- table ('disabled'). Each table is locked (share row exclusive, as create trigger does) while it changes, so
-- no load slips between the seed and the trigger.
create or replace function etl.apply_history(p_tables text[], p_recompile boolean default true)
returns table (table_name text, action text, seeded integer)
language plpgsql as $fn$
declare
  v_t text;
  v_n integer;
begin
  for v_t in select distinct x from unnest(coalesce(p_tables, '{}')) x order by 1 loop
    if to_regclass(format('public.%I', v_t)) is null then
      raise exception 'HISTORY names %, which is not a table of this warehouse', v_t;
    end if;
    if exists (select 1 from etl.history_table h where h.table_name = v_t and h.enabled) then
      if p_recompile then
        perform etl.history_compile(v_t);
        return query select v_t, 'kept'::text, null::integer;
      end if;
    else
      execute format('lock table public.%I in share row exclusive mode', v_t);
      perform etl.history_compile(v_t);
      v_n := etl.history_seed(v_t);
      insert into etl.history_table as h (table_name, enabled, enabled_at, disabled_at, seeded, updated_at)
      values (v_t, true, now(), null, v_n, now())
      on conflict on constraint history_table_pkey do update
        set enabled = true, enabled_at = now(), disabled_at = null, seeded = v_n, updated_at = now();
      return query select v_t, 'enabled'::text, v_n;
    end if;
  end loop;
  for v_t in
    select h.table_name from etl.history_table h
    where h.enabled and not (h.table_name = any (coalesce(p_tables, '{}'))) order by 1
  loop
    if to_regclass(format('public.%I', v_t)) is not null then
      execute format('drop trigger if exists odoo_etl_history_insert on public.%I', v_t);
      execute format('drop trigger if exists odoo_etl_history_update on public.%I', v_t);
      execute format('drop trigger if exists odoo_etl_history_delete on public.%I', v_t);
    end if;
    update etl.history_table h set enabled = false, disabled_at = now(), updated_at = now() where h.table_name = v_t;
    return query select v_t, 'disabled'::text, null::integer;
  end loop;
end
$fn$;

-- Retention (HISTORY_RETENTION, the daily prune): closed versions that ended before now() - p_older_than, in
-- every history table (also of tables whose history was turned off). Open versions are always kept.
create or replace function etl.prune_history_versions(p_older_than interval)
returns table (table_name text, versions bigint)
language plpgsql as $fn$
declare
  v_t text;
  v_n bigint;
begin
  for v_t in select h.table_name from etl.history_table h order by 1 loop
    if to_regclass(format('public.%I', v_t || '_history')) is null then continue; end if;
    execute format('delete from public.%I where dbt_valid_to is not null and dbt_valid_to < now() - $1', v_t || '_history')
      using p_older_than;
    get diagnostics v_n = row_count;
    return query select v_t, v_n;
  end loop;
end
$fn$;
