--! Previous: sha1:6b1eba33b184a2ed0e732aae6525d8af3488ee53
--! Hash: sha1:9a69120d40df410c220e2e4a711195ed2c081843
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
