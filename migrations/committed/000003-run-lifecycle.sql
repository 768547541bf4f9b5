--! Previous: sha1:a29b73959dcfc47230202bf8bce68f4fd6841300
--! Hash: sha1:3cced8c80cd40282ee93707da4de6a9b59f36c86
--! Message: run lifecycle: cancelled runs, indexes for status, monitoring, retention and incremental readers

-- Runs and steps can end `cancelled` (`odoo-etl runs cancel`): the run and the steps it had not finished.
-- A batch commit checks the run is still running in its own transaction, so a cancel leaves nothing half done.
alter table etl.run drop constraint if exists run_status_check;
alter table etl.run add constraint run_status_check
  check (status in ('running', 'succeeded', 'failed', 'skipped', 'cancelled'));
alter table etl.run_entity drop constraint if exists run_entity_status_check;
alter table etl.run_entity add constraint run_entity_status_check
  check (status in ('pending', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled'));
-- Who asked for the cancel and when (the run's error says it too).
alter table etl.run add column if not exists cancelled_at timestamptz;
alter table etl.run add column if not exists cancelled_by text;

-- `status`: each entity's newest step and newest finished step (distinct on entity order by run_id desc).
create index if not exists run_entity_entity_run_idx on etl.run_entity (entity, run_id desc);
-- `status`: each entity's last success.
create index if not exists run_entity_succeeded_idx on etl.run_entity (entity, finished_at desc) where status = 'succeeded';
-- sql/monitoring/failures.sql: the latest failures.
create index if not exists run_entity_failed_idx on etl.run_entity (finished_at desc) where status = 'failed';
-- sql/monitoring/run-history.sql: the steps of the last day.
create index if not exists run_entity_started_idx on etl.run_entity (started_at);
-- Worker housekeeping, every heartbeat: the steps still open (few, whatever the history's size).
create index if not exists run_entity_open_idx on etl.run_entity (run_id) where status in ('pending', 'queued', 'running');
-- The retention task: finished runs older than RETENTION.
create index if not exists run_finished_idx on etl.run (finished_at);
-- `status` and sql/monitoring/open-missing.sql: open references per table; the retention task: resolved ones by age.
create index if not exists missing_data_open_table_idx on public.missing_data (table_name, column_name, referenced_model) where resolved_at is null;
create index if not exists missing_data_resolved_idx on public.missing_data (resolved_at) where resolved_at is not null;

-- Downstream incremental models (dbt `where synced_at > (select max(synced_at) from {{ this }})`) read
-- what the last syncs wrote. One btree per table: an entry per written row (unchanged rows are not written).
create index if not exists dim_branches_synced_at_idx on public.dim_branches (synced_at);
create index if not exists dim_branches_branch_ref_synced_at_idx on public.dim_branches_branch_ref (synced_at);
create index if not exists dim_categories_synced_at_idx on public.dim_categories (synced_at);
create index if not exists dim_brands_synced_at_idx on public.dim_brands (synced_at);
create index if not exists dim_pos_categories_synced_at_idx on public.dim_pos_categories (synced_at);
create index if not exists dim_products_synced_at_idx on public.dim_products (synced_at);
create index if not exists dim_products_product_synced_at_idx on public.dim_products_product (synced_at);
create index if not exists dim_departments_synced_at_idx on public.dim_departments (synced_at);
create index if not exists dim_work_locations_synced_at_idx on public.dim_work_locations (synced_at);
create index if not exists dim_jobs_synced_at_idx on public.dim_jobs (synced_at);
create index if not exists dim_emps_synced_at_idx on public.dim_emps (synced_at);
create index if not exists dim_users_synced_at_idx on public.dim_users (synced_at);
create index if not exists dim_teams_synced_at_idx on public.dim_teams (synced_at);
create index if not exists dim_customers_synced_at_idx on public.dim_customers (synced_at);
create index if not exists dim_promotion_types_synced_at_idx on public.dim_promotion_types (synced_at);
create index if not exists dim_promotions_synced_at_idx on public.dim_promotions (synced_at);
create index if not exists dim_purchases_synced_at_idx on public.dim_purchases (synced_at);
create index if not exists dim_stock_picking_type_synced_at_idx on public.dim_stock_picking_type (synced_at);
create index if not exists fact_warehouse_synced_at_idx on public.fact_warehouse (synced_at);
create index if not exists fact_stock_locations_synced_at_idx on public.fact_stock_locations (synced_at);
create index if not exists fact_stock_synced_at_idx on public.fact_stock (synced_at);
create index if not exists all_sales_synced_at_idx on public.all_sales (synced_at);
create index if not exists fact_sales_lines_synced_at_idx on public.fact_sales_lines (synced_at);
create index if not exists fact_purchases_synced_at_idx on public.fact_purchases (synced_at);
