--! Previous: sha1:8d7f3211709333647d587e90127fe6da747fc73c
--! Hash: sha1:326642c3d713626cf14a39a1aa5a8b987598d5f1
--! Message: declared tables: the log of what migrate created or added

-- What `odoo-etl migrate` did to the user-declared tables (src/declared/): one row per table created,
-- column added, index or foreign key made, and per column a declaration no longer names (kept, reported).
-- `check` and `status` read it; nothing here is ever dropped by odoo-etl.
create table if not exists etl.declared_change (
  id bigint generated always as identity primary key,
  table_name text not null,
  action text not null check (action in ('create_table', 'add_column', 'create_index', 'add_foreign_key', 'column_kept')),
  column_name text,
  detail text,
  at timestamptz not null default now()
);

create index if not exists declared_change_table_idx on etl.declared_change (table_name, at);
