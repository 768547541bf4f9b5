--! Previous: sha1:f70bfacbf0874916cdf3f11589532d94fc0f8c09
--! Hash: sha1:3fba667e6689f18e1deb266d94510157a7169c49
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
