--! Previous: sha1:8024d5163fd9146a29fbdc0625cc9f9a2ad9591f
--! Hash: sha1:41858e98a0bf5040c8787511f443d00238228944
--! Message: history: the catalog of tables whose row versions are kept (HISTORY)

-- One row per table whose versions were ever kept (sql/functions/history.sql, etl.apply_history): whether
-- they are kept now, since when, and when they stopped. The history tables themselves (public."<t>_history")
-- are created by etl.apply_history at migrate/run start, since they follow their table's columns.
create table if not exists etl.history_table (
  table_name text primary key,
  enabled boolean not null,
  enabled_at timestamptz,
  disabled_at timestamptz,
  -- The rows the enable seeded as their first version (one per existing non-inferred, live row).
  seeded integer,
  updated_at timestamptz not null default now()
);
