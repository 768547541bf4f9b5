-- The load's staging, applied on every `odoo-etl migrate` with the other function files (src/db/migrate.ts
-- and .gmrc list them). A batch reaches a table in two steps: its rows are staged here, then ONE statement
-- of upsert.sql merges them.

-- The staging table of a table's loads: pg_temp."stage__<table>", one per session, created on first use by
-- etl.stage (below). A batch is COPYed into it (src/sync/load.ts) or inserted from json (etl.upsert_json),
-- then ONE statement (etl.upsert_sql) merges it into the table and empties it, in the caller's transaction.
-- It has the table's data columns (not generated ones, not synced_at/inferred/deleted_at) and no constraint:
-- a value's type is checked by COPY as by an insert; keys and references are the merge's business.
create or replace function etl.stage_name(p_table regclass) returns text
language sql stable as $fn$
  select 'stage__' || c.relname from pg_class c where c.oid = p_table
$fn$;

-- The data columns of a table in order, as the staging table has them, with their type and how a client
-- writes a value of each in COPY text: 'json' (json/jsonb: the value's JSON), 'array' (a PostgreSQL array
-- literal) or 'plain'.
create or replace function etl.stage_columns(p_table regclass)
returns table (column_name text, type_name text, kind text)
language sql stable as $fn$
  select a.attname::text, format_type(a.atttypid, a.atttypmod),
         case when t.typname in ('json', 'jsonb') then 'json' when t.typcategory = 'A' then 'array' else 'plain' end
    from pg_attribute a join pg_type t on t.oid = a.atttypid
   where a.attrelid = p_table and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
     and a.attname not in ('synced_at', 'inferred', 'deleted_at')
   order by a.attnum
$fn$;

-- Creates the session's staging table of p_table unless it is there with the right columns (a migration may
-- have changed the table since); returns its columns, their kinds and the COPY statement (text format) that
-- fills it, every name quoted here.
create or replace function etl.stage(p_table regclass, out column_names text[], out kinds text[], out copy text)
language plpgsql as $fn$
declare
  v_stage text := etl.stage_name(p_table);
  v_have regclass := to_regclass(format('pg_temp.%I', etl.stage_name(p_table)));
  v_want text[];
begin
  if length(v_stage) > 63 then
    raise exception 'etl.stage: table name % too long for its staging table', p_table;
  end if;
  select array_agg(c.column_name), array_agg(c.kind), array_agg(format('%I %s', c.column_name, c.type_name))
    into column_names, kinds, v_want
    from etl.stage_columns(p_table) c;
  if v_have is not null and v_want is distinct from (
       select array_agg(format('%I %s', a.attname, format_type(a.atttypid, a.atttypmod)) order by a.attnum)
         from pg_attribute a where a.attrelid = v_have and a.attnum > 0 and not a.attisdropped) then
    execute format('drop table pg_temp.%I', v_stage);
    v_have := null;
  end if;
  if v_have is null then
    execute format('create temp table %I (%s)', v_stage, array_to_string(v_want, ', '));
  end if;
  copy := format('copy pg_temp.%I (%s) from stdin', v_stage,
                 (select string_agg(format('%I', c), ', ') from unnest(column_names) c));
end
$fn$;
