-- Soft deletes: snapshot tables and the delete reconcile (applied on every migrate, see upsert.sql).

-- Snapshot tables (fact_stock, dim_promotion_types): after the whole current set was upserted, rows whose
-- key is not in p_keys (a jsonb array of key objects, e.g. [{"odoo_id": 1}, ...]) are soft-deleted, and
-- listed rows that were soft-deleted come back. p_synced_before protects rows loaded after the set was read.
create or replace function etl.mark_deleted_except(p_table regclass, p_keys jsonb, p_synced_before timestamptz default null)
returns table (deleted integer, restored integer)
language plpgsql as $fn$
declare
  v_key text[];
  v_match text;
begin
  select array_agg(a.attname::text order by k.ord) into v_key
  from pg_constraint con
  cross join unnest(con.conkey) with ordinality as k(attnum, ord)
  join pg_attribute a on a.attrelid = con.conrelid and a.attnum = k.attnum
  where con.conrelid = p_table and con.contype = 'p';
  if v_key is null then
    raise exception 'etl.mark_deleted_except: table % has no primary key', p_table;
  end if;
  select string_agg(format('k.%I = t.%I', c, c), ' and ') into v_match from unnest(v_key) c;
  return query execute format(
    'with keys as materialized (select %s from jsonb_populate_recordset(null::%s, $1) k), '
    'del as (update %s t set deleted_at = now() where t.deleted_at is null '
    'and ($2::timestamptz is null or t.synced_at is null or t.synced_at < $2) '
    'and not exists (select 1 from keys k where %s) returning 1), '
    'res as (update %s t set deleted_at = null from keys k where t.deleted_at is not null and %s returning 1) '
    'select (select count(*) from del)::int, (select count(*) from res)::int',
    (select string_agg(format('k.%I', c), ', ') from unnest(v_key) c),
    p_table, p_table, v_match, p_table, v_match)
  using coalesce(p_keys, '[]'::jsonb), p_synced_before;
end
$fn$;

-- Delete reconcile, which rows of a table the reconcile judges: those of one source of the table (p_source:
-- the source column's value, e.g. 'pos', or null for single-model tables). Returns the filter on alias t
-- with p_placeholder ($n) standing for p_source.
create or replace function etl.reconcile_source_filter(p_table regclass, p_source text, p_placeholder text)
returns text
language plpgsql stable as $fn$
declare
  v_source_column text;
begin
  select e.source_column into v_source_column
  from etl.entity e join pg_class c on c.relname = e.table_name
  where c.oid = p_table;
  if v_source_column is not null then
    if p_source is null then
      raise exception 'etl.reconcile_deleted_staged: table % needs a source (a value of its % column)', p_table, v_source_column;
    end if;
    return format(' and t.%I = %s', v_source_column, p_placeholder);
  elsif p_source is not null then
    raise exception 'etl.reconcile_deleted_staged: table % has a single source; pass null, not %', p_table, p_source;
  end if;
  return '';
end
$fn$;

-- etl.reconcile_deleted(regclass, text, integer[], timestamptz), the id set as one array, was only called
-- by a test; the reconcile stages the ids (below). Dropped here so upgraded databases lose it too.
drop function if exists etl.reconcile_deleted(regclass, text, integer[], timestamptz);

-- Delete reconcile: p_ids is a table with an `id integer` column holding Odoo's whole id set for one source
-- of the table (src/sync/reconcile.ts fills a temporary table chunk by chunk, so millions of ids never sit
-- in one array, in the process's memory or in one query parameter). Rows of that source whose odoo_id is
-- not in it get deleted_at; rows whose id is back lose it. p_synced_before protects rows loaded after the
-- ids were read.
create or replace function etl.reconcile_deleted_staged(p_table regclass, p_source text, p_ids regclass, p_synced_before timestamptz default null)
returns table (deleted integer, restored integer)
language plpgsql as $fn$
declare
  v_filter text := etl.reconcile_source_filter(p_table, p_source, '$1');
begin
  return query execute format(
    'with del as (update %s t set deleted_at = now() where t.deleted_at is null%s '
    'and ($2::timestamptz is null or t.synced_at is null or t.synced_at < $2) '
    'and not exists (select 1 from %s ids where ids.id = t.odoo_id) returning 1), '
    'res as (update %s t set deleted_at = null where t.deleted_at is not null%s '
    'and exists (select 1 from %s ids where ids.id = t.odoo_id) returning 1) '
    'select (select count(*) from del)::int, (select count(*) from res)::int',
    p_table, v_filter, p_ids, p_table, v_filter, p_ids)
  using p_source, p_synced_before;
end
$fn$;
