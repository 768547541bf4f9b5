--! Previous: -
--! Hash: sha1:65c7bfe9ed1c8c4b5a3e79e0b373d5ec99c55dad
--! Message: warehouse schema, load functions, run engine

--! split: 001-etl-schema.sql
-- The engine's own bookkeeping lives next to the data it describes (DESIGN.md: no state in local files).
create schema if not exists etl;

-- The catalog of mirrored tables, mirrored from src/entities (test/schema/specs-match-schema.test.ts keeps
-- the two equal). The upsert reads it to name the Odoo model behind a missing reference.
create table if not exists etl.entity (
  table_name text primary key,
  kind text not null check (kind in ('dimension', 'fact')),
  sync text not null check (sync in ('incremental', 'snapshot', 'derived')),
  key_columns text[] not null,
  -- every Odoo model the entity reads, in spec order
  odoo_models text[] not null,
  -- for entities fed by several models: the key column telling them apart, and its value → model
  source_column text,
  source_models jsonb,
  optional_model boolean not null default false
);

-- The run bookkeeping (etl.run, etl.run_entity, etl.watermark, ...) belongs to the sync engine and comes
-- from migrations/fixtures/run_engine.sql (006-run-engine.sql links to it).

--! split: 002-tables.sql
-- The mirrored tables (DESIGN.md, Entities). Columns are named as the Odoo fields they come from; every table
-- carries odoo_id (or its documented key), write_date, synced_at, deleted_at (soft delete), extra (user-chosen
-- additional fields) and inferred (a row created only so a reference holds, see etl.upsert). Business columns
-- are nullable: an inferred member has nothing but its key.

create table if not exists public.dim_branches (
  odoo_id integer not null,
  name text,
  parent_id integer,
  partner_id integer,
  currency_id integer,
  email text,
  phone text,
  sequence integer,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_branches_write_date_idx on public.dim_branches (write_date, odoo_id);

create table if not exists public.dim_branches_branch_ref (
  ref_model text not null check (ref_model in ('pos.config', 'stock.warehouse')),
  odoo_id integer not null,
  name text,
  code text,
  company_id integer,
  warehouse_id integer,
  crm_team_id integer,
  picking_type_id integer,
  partner_id integer,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (ref_model, odoo_id)
);

create index if not exists dim_branches_branch_ref_write_date_idx on public.dim_branches_branch_ref (ref_model, write_date, odoo_id);

create table if not exists public.dim_categories (
  odoo_id integer not null,
  name text,
  complete_name text,
  parent_id integer,
  parent_path text,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_categories_write_date_idx on public.dim_categories (write_date, odoo_id);

create table if not exists public.dim_brands (
  odoo_id integer not null,
  name text,
  partner_id integer,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_brands_write_date_idx on public.dim_brands (write_date, odoo_id);

create table if not exists public.dim_pos_categories (
  odoo_id integer not null,
  name text,
  parent_id integer,
  sequence integer,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_pos_categories_write_date_idx on public.dim_pos_categories (write_date, odoo_id);

create table if not exists public.dim_products (
  odoo_id integer not null,
  name text,
  default_code text,
  barcode text,
  categ_id integer,
  type text,
  is_storable boolean,
  list_price numeric,
  standard_price numeric,
  uom_id integer,
  sale_ok boolean,
  purchase_ok boolean,
  available_in_pos boolean,
  pos_categ_ids integer[],
  product_brand_id integer,
  company_id integer,
  invoice_policy text,
  tracking text,
  weight numeric,
  volume numeric,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_products_write_date_idx on public.dim_products (write_date, odoo_id);

create table if not exists public.dim_products_product (
  odoo_id integer not null,
  product_tmpl_id integer,
  default_code text,
  barcode text,
  standard_price numeric,
  weight numeric,
  volume numeric,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_products_product_write_date_idx on public.dim_products_product (write_date, odoo_id);

create table if not exists public.dim_departments (
  odoo_id integer not null,
  name text,
  complete_name text,
  parent_id integer,
  manager_id integer,
  company_id integer,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_departments_write_date_idx on public.dim_departments (write_date, odoo_id);

create table if not exists public.dim_work_locations (
  odoo_id integer not null,
  name text,
  location_type text,
  location_number text,
  address_id integer,
  company_id integer,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_work_locations_write_date_idx on public.dim_work_locations (write_date, odoo_id);

create table if not exists public.dim_jobs (
  odoo_id integer not null,
  name text,
  department_id integer,
  company_id integer,
  no_of_recruitment integer,
  expected_employees integer,
  no_of_employee integer,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_jobs_write_date_idx on public.dim_jobs (write_date, odoo_id);

create table if not exists public.dim_emps (
  odoo_id integer not null,
  name text,
  job_title text,
  job_id integer,
  department_id integer,
  parent_id integer,
  coach_id integer,
  user_id integer,
  work_location_id integer,
  company_id integer,
  work_email text,
  work_phone text,
  mobile_phone text,
  employee_type text,
  gender text,
  barcode text,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_emps_write_date_idx on public.dim_emps (write_date, odoo_id);

create table if not exists public.dim_users (
  odoo_id integer not null,
  login text,
  name text,
  partner_id integer,
  company_id integer,
  company_ids integer[],
  sale_team_id integer,
  share boolean,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_users_write_date_idx on public.dim_users (write_date, odoo_id);

create table if not exists public.dim_teams (
  odoo_id integer not null,
  name text,
  user_id integer,
  company_id integer,
  invoiced_target numeric,
  sequence integer,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_teams_write_date_idx on public.dim_teams (write_date, odoo_id);

create table if not exists public.dim_customers (
  odoo_id integer not null,
  name text,
  complete_name text,
  ref text,
  is_company boolean,
  parent_id integer,
  commercial_partner_id integer,
  company_id integer,
  user_id integer,
  team_id integer,
  type text,
  email text,
  phone text,
  mobile text,
  street text,
  city text,
  zip text,
  state_id integer,
  country_id integer,
  vat text,
  industry_id integer,
  category_id integer[],
  customer_rank integer,
  supplier_rank integer,
  lang text,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_customers_write_date_idx on public.dim_customers (write_date, odoo_id);

create table if not exists public.dim_promotion_types (
  code text not null,
  name text,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (code)
);

create index if not exists dim_promotion_types_write_date_idx on public.dim_promotion_types (code, write_date, code);

create table if not exists public.dim_promotions (
  odoo_id integer not null,
  name text,
  program_type text,
  applies_on text,
  trigger text,
  date_from date,
  date_to date,
  company_id integer,
  currency_id integer,
  pos_ok boolean,
  sale_ok boolean,
  pos_config_ids integer[],
  limit_usage boolean,
  max_usage integer,
  sequence integer,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_promotions_write_date_idx on public.dim_promotions (write_date, odoo_id);

create table if not exists public.dim_purchases (
  odoo_id integer not null,
  name text,
  partner_id integer,
  partner_ref text,
  state text,
  date_order timestamptz,
  date_approve timestamptz,
  date_planned timestamptz,
  effective_date timestamptz,
  amount_untaxed numeric,
  amount_tax numeric,
  amount_total numeric,
  currency_id integer,
  company_id integer,
  user_id integer,
  picking_type_id integer,
  invoice_status text,
  receipt_status text,
  origin text,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_purchases_write_date_idx on public.dim_purchases (write_date, odoo_id);

create table if not exists public.dim_stock_picking_type (
  odoo_id integer not null,
  name text,
  code text,
  sequence_code text,
  warehouse_id integer,
  company_id integer,
  default_location_src_id integer,
  default_location_dest_id integer,
  return_picking_type_id integer,
  sequence integer,
  barcode text,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists dim_stock_picking_type_write_date_idx on public.dim_stock_picking_type (write_date, odoo_id);

create table if not exists public.fact_warehouse (
  odoo_id integer not null,
  name text,
  code text,
  company_id integer,
  partner_id integer,
  lot_stock_id integer,
  view_location_id integer,
  reception_steps text,
  delivery_steps text,
  sequence integer,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists fact_warehouse_write_date_idx on public.fact_warehouse (write_date, odoo_id);

create table if not exists public.fact_stock_locations (
  odoo_id integer not null,
  name text,
  complete_name text,
  location_id integer,
  usage text,
  company_id integer,
  warehouse_id integer,
  barcode text,
  scrap_location boolean,
  replenish_location boolean,
  create_date timestamptz,
  active boolean,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists fact_stock_locations_write_date_idx on public.fact_stock_locations (write_date, odoo_id);

create table if not exists public.fact_stock (
  odoo_id integer not null,
  product_id integer,
  location_id integer,
  company_id integer,
  lot_id integer,
  package_id integer,
  owner_id integer,
  quantity numeric,
  reserved_quantity numeric,
  inventory_quantity numeric,
  in_date timestamptz,
  inventory_date date,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists fact_stock_write_date_idx on public.fact_stock (write_date, odoo_id);

create table if not exists public.all_sales (
  source text not null check (source in ('pos', 'sale')),
  odoo_id integer not null,
  name text,
  state text,
  date_order timestamptz,
  partner_id integer,
  company_id integer,
  user_id integer,
  team_id integer,
  config_id integer,
  session_id integer,
  employee_id integer,
  warehouse_id integer,
  pricelist_id integer,
  amount_untaxed numeric,
  amount_tax numeric,
  amount_total numeric,
  amount_paid numeric,
  currency_rate numeric,
  pos_reference text,
  client_order_ref text,
  invoice_status text,
  origin text,
  create_date timestamptz,
  -- config_id points at a pos.config row of dim_branches_branch_ref: the constant half of that composite key
  config_ref_model text generated always as ('pos.config'::text) stored,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (source, odoo_id)
);

create index if not exists all_sales_write_date_idx on public.all_sales (source, write_date, odoo_id);

create table if not exists public.fact_sales_lines (
  source text not null check (source in ('pos', 'sale')),
  odoo_id integer not null,
  order_id integer,
  product_id integer,
  name text,
  qty numeric,
  price_unit numeric,
  discount numeric,
  price_subtotal numeric,
  price_total numeric,
  qty_delivered numeric,
  qty_invoiced numeric,
  total_cost numeric,
  company_id integer,
  salesman_id integer,
  state text,
  is_reward_line boolean,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (source, odoo_id)
);

create index if not exists fact_sales_lines_write_date_idx on public.fact_sales_lines (source, write_date, odoo_id);

create table if not exists public.fact_purchases (
  odoo_id integer not null,
  order_id integer,
  product_id integer,
  name text,
  product_qty numeric,
  qty_received numeric,
  qty_invoiced numeric,
  price_unit numeric,
  discount numeric,
  price_subtotal numeric,
  price_tax numeric,
  price_total numeric,
  date_planned timestamptz,
  partner_id integer,
  company_id integer,
  currency_id integer,
  state text,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);

create index if not exists fact_purchases_write_date_idx on public.fact_purchases (write_date, odoo_id);

-- Foreign keys come after every table exists (the references form cycles, e.g. branches ⇄ customers).
alter table public.dim_branches drop constraint if exists dim_branches_parent_id_fkey,
  add constraint dim_branches_parent_id_fkey foreign key (parent_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_branches drop constraint if exists dim_branches_partner_id_fkey,
  add constraint dim_branches_partner_id_fkey foreign key (partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.dim_branches_branch_ref drop constraint if exists dim_branches_branch_ref_company_id_fkey,
  add constraint dim_branches_branch_ref_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_branches_branch_ref drop constraint if exists dim_branches_branch_ref_warehouse_id_fkey,
  add constraint dim_branches_branch_ref_warehouse_id_fkey foreign key (warehouse_id) references public.fact_warehouse (odoo_id) deferrable initially deferred;
alter table public.dim_branches_branch_ref drop constraint if exists dim_branches_branch_ref_crm_team_id_fkey,
  add constraint dim_branches_branch_ref_crm_team_id_fkey foreign key (crm_team_id) references public.dim_teams (odoo_id) deferrable initially deferred;
alter table public.dim_branches_branch_ref drop constraint if exists dim_branches_branch_ref_picking_type_id_fkey,
  add constraint dim_branches_branch_ref_picking_type_id_fkey foreign key (picking_type_id) references public.dim_stock_picking_type (odoo_id) deferrable initially deferred;
alter table public.dim_branches_branch_ref drop constraint if exists dim_branches_branch_ref_partner_id_fkey,
  add constraint dim_branches_branch_ref_partner_id_fkey foreign key (partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.dim_categories drop constraint if exists dim_categories_parent_id_fkey,
  add constraint dim_categories_parent_id_fkey foreign key (parent_id) references public.dim_categories (odoo_id) deferrable initially deferred;
alter table public.dim_brands drop constraint if exists dim_brands_partner_id_fkey,
  add constraint dim_brands_partner_id_fkey foreign key (partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.dim_pos_categories drop constraint if exists dim_pos_categories_parent_id_fkey,
  add constraint dim_pos_categories_parent_id_fkey foreign key (parent_id) references public.dim_pos_categories (odoo_id) deferrable initially deferred;
alter table public.dim_products drop constraint if exists dim_products_categ_id_fkey,
  add constraint dim_products_categ_id_fkey foreign key (categ_id) references public.dim_categories (odoo_id) deferrable initially deferred;
alter table public.dim_products drop constraint if exists dim_products_product_brand_id_fkey,
  add constraint dim_products_product_brand_id_fkey foreign key (product_brand_id) references public.dim_brands (odoo_id) deferrable initially deferred;
alter table public.dim_products drop constraint if exists dim_products_company_id_fkey,
  add constraint dim_products_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_products_product drop constraint if exists dim_products_product_product_tmpl_id_fkey,
  add constraint dim_products_product_product_tmpl_id_fkey foreign key (product_tmpl_id) references public.dim_products (odoo_id) deferrable initially deferred;
alter table public.dim_departments drop constraint if exists dim_departments_parent_id_fkey,
  add constraint dim_departments_parent_id_fkey foreign key (parent_id) references public.dim_departments (odoo_id) deferrable initially deferred;
alter table public.dim_departments drop constraint if exists dim_departments_manager_id_fkey,
  add constraint dim_departments_manager_id_fkey foreign key (manager_id) references public.dim_emps (odoo_id) deferrable initially deferred;
alter table public.dim_departments drop constraint if exists dim_departments_company_id_fkey,
  add constraint dim_departments_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_work_locations drop constraint if exists dim_work_locations_address_id_fkey,
  add constraint dim_work_locations_address_id_fkey foreign key (address_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.dim_work_locations drop constraint if exists dim_work_locations_company_id_fkey,
  add constraint dim_work_locations_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_jobs drop constraint if exists dim_jobs_department_id_fkey,
  add constraint dim_jobs_department_id_fkey foreign key (department_id) references public.dim_departments (odoo_id) deferrable initially deferred;
alter table public.dim_jobs drop constraint if exists dim_jobs_company_id_fkey,
  add constraint dim_jobs_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_emps drop constraint if exists dim_emps_job_id_fkey,
  add constraint dim_emps_job_id_fkey foreign key (job_id) references public.dim_jobs (odoo_id) deferrable initially deferred;
alter table public.dim_emps drop constraint if exists dim_emps_department_id_fkey,
  add constraint dim_emps_department_id_fkey foreign key (department_id) references public.dim_departments (odoo_id) deferrable initially deferred;
alter table public.dim_emps drop constraint if exists dim_emps_parent_id_fkey,
  add constraint dim_emps_parent_id_fkey foreign key (parent_id) references public.dim_emps (odoo_id) deferrable initially deferred;
alter table public.dim_emps drop constraint if exists dim_emps_coach_id_fkey,
  add constraint dim_emps_coach_id_fkey foreign key (coach_id) references public.dim_emps (odoo_id) deferrable initially deferred;
alter table public.dim_emps drop constraint if exists dim_emps_user_id_fkey,
  add constraint dim_emps_user_id_fkey foreign key (user_id) references public.dim_users (odoo_id) deferrable initially deferred;
alter table public.dim_emps drop constraint if exists dim_emps_work_location_id_fkey,
  add constraint dim_emps_work_location_id_fkey foreign key (work_location_id) references public.dim_work_locations (odoo_id) deferrable initially deferred;
alter table public.dim_emps drop constraint if exists dim_emps_company_id_fkey,
  add constraint dim_emps_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_users drop constraint if exists dim_users_partner_id_fkey,
  add constraint dim_users_partner_id_fkey foreign key (partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.dim_users drop constraint if exists dim_users_company_id_fkey,
  add constraint dim_users_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_users drop constraint if exists dim_users_sale_team_id_fkey,
  add constraint dim_users_sale_team_id_fkey foreign key (sale_team_id) references public.dim_teams (odoo_id) deferrable initially deferred;
alter table public.dim_teams drop constraint if exists dim_teams_user_id_fkey,
  add constraint dim_teams_user_id_fkey foreign key (user_id) references public.dim_users (odoo_id) deferrable initially deferred;
alter table public.dim_teams drop constraint if exists dim_teams_company_id_fkey,
  add constraint dim_teams_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_customers drop constraint if exists dim_customers_parent_id_fkey,
  add constraint dim_customers_parent_id_fkey foreign key (parent_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.dim_customers drop constraint if exists dim_customers_commercial_partner_id_fkey,
  add constraint dim_customers_commercial_partner_id_fkey foreign key (commercial_partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.dim_customers drop constraint if exists dim_customers_company_id_fkey,
  add constraint dim_customers_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_customers drop constraint if exists dim_customers_user_id_fkey,
  add constraint dim_customers_user_id_fkey foreign key (user_id) references public.dim_users (odoo_id) deferrable initially deferred;
alter table public.dim_customers drop constraint if exists dim_customers_team_id_fkey,
  add constraint dim_customers_team_id_fkey foreign key (team_id) references public.dim_teams (odoo_id) deferrable initially deferred;
alter table public.dim_promotions drop constraint if exists dim_promotions_program_type_fkey,
  add constraint dim_promotions_program_type_fkey foreign key (program_type) references public.dim_promotion_types (code) deferrable initially deferred;
alter table public.dim_promotions drop constraint if exists dim_promotions_company_id_fkey,
  add constraint dim_promotions_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_purchases drop constraint if exists dim_purchases_partner_id_fkey,
  add constraint dim_purchases_partner_id_fkey foreign key (partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.dim_purchases drop constraint if exists dim_purchases_company_id_fkey,
  add constraint dim_purchases_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_purchases drop constraint if exists dim_purchases_user_id_fkey,
  add constraint dim_purchases_user_id_fkey foreign key (user_id) references public.dim_users (odoo_id) deferrable initially deferred;
alter table public.dim_purchases drop constraint if exists dim_purchases_picking_type_id_fkey,
  add constraint dim_purchases_picking_type_id_fkey foreign key (picking_type_id) references public.dim_stock_picking_type (odoo_id) deferrable initially deferred;
alter table public.dim_stock_picking_type drop constraint if exists dim_stock_picking_type_warehouse_id_fkey,
  add constraint dim_stock_picking_type_warehouse_id_fkey foreign key (warehouse_id) references public.fact_warehouse (odoo_id) deferrable initially deferred;
alter table public.dim_stock_picking_type drop constraint if exists dim_stock_picking_type_company_id_fkey,
  add constraint dim_stock_picking_type_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.dim_stock_picking_type drop constraint if exists dim_stock_picking_type_default_location_src_id_fkey,
  add constraint dim_stock_picking_type_default_location_src_id_fkey foreign key (default_location_src_id) references public.fact_stock_locations (odoo_id) deferrable initially deferred;
alter table public.dim_stock_picking_type drop constraint if exists dim_stock_picking_type_default_location_dest_id_fkey,
  add constraint dim_stock_picking_type_default_location_dest_id_fkey foreign key (default_location_dest_id) references public.fact_stock_locations (odoo_id) deferrable initially deferred;
alter table public.dim_stock_picking_type drop constraint if exists dim_stock_picking_type_return_picking_type_id_fkey,
  add constraint dim_stock_picking_type_return_picking_type_id_fkey foreign key (return_picking_type_id) references public.dim_stock_picking_type (odoo_id) deferrable initially deferred;
alter table public.fact_warehouse drop constraint if exists fact_warehouse_company_id_fkey,
  add constraint fact_warehouse_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.fact_warehouse drop constraint if exists fact_warehouse_partner_id_fkey,
  add constraint fact_warehouse_partner_id_fkey foreign key (partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.fact_warehouse drop constraint if exists fact_warehouse_lot_stock_id_fkey,
  add constraint fact_warehouse_lot_stock_id_fkey foreign key (lot_stock_id) references public.fact_stock_locations (odoo_id) deferrable initially deferred;
alter table public.fact_warehouse drop constraint if exists fact_warehouse_view_location_id_fkey,
  add constraint fact_warehouse_view_location_id_fkey foreign key (view_location_id) references public.fact_stock_locations (odoo_id) deferrable initially deferred;
alter table public.fact_stock_locations drop constraint if exists fact_stock_locations_location_id_fkey,
  add constraint fact_stock_locations_location_id_fkey foreign key (location_id) references public.fact_stock_locations (odoo_id) deferrable initially deferred;
alter table public.fact_stock_locations drop constraint if exists fact_stock_locations_company_id_fkey,
  add constraint fact_stock_locations_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.fact_stock_locations drop constraint if exists fact_stock_locations_warehouse_id_fkey,
  add constraint fact_stock_locations_warehouse_id_fkey foreign key (warehouse_id) references public.fact_warehouse (odoo_id) deferrable initially deferred;
alter table public.fact_stock drop constraint if exists fact_stock_product_id_fkey,
  add constraint fact_stock_product_id_fkey foreign key (product_id) references public.dim_products_product (odoo_id) deferrable initially deferred;
alter table public.fact_stock drop constraint if exists fact_stock_location_id_fkey,
  add constraint fact_stock_location_id_fkey foreign key (location_id) references public.fact_stock_locations (odoo_id) deferrable initially deferred;
alter table public.fact_stock drop constraint if exists fact_stock_company_id_fkey,
  add constraint fact_stock_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.fact_stock drop constraint if exists fact_stock_owner_id_fkey,
  add constraint fact_stock_owner_id_fkey foreign key (owner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.all_sales drop constraint if exists all_sales_partner_id_fkey,
  add constraint all_sales_partner_id_fkey foreign key (partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.all_sales drop constraint if exists all_sales_company_id_fkey,
  add constraint all_sales_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.all_sales drop constraint if exists all_sales_user_id_fkey,
  add constraint all_sales_user_id_fkey foreign key (user_id) references public.dim_users (odoo_id) deferrable initially deferred;
alter table public.all_sales drop constraint if exists all_sales_team_id_fkey,
  add constraint all_sales_team_id_fkey foreign key (team_id) references public.dim_teams (odoo_id) deferrable initially deferred;
alter table public.all_sales drop constraint if exists all_sales_employee_id_fkey,
  add constraint all_sales_employee_id_fkey foreign key (employee_id) references public.dim_emps (odoo_id) deferrable initially deferred;
alter table public.all_sales drop constraint if exists all_sales_warehouse_id_fkey,
  add constraint all_sales_warehouse_id_fkey foreign key (warehouse_id) references public.fact_warehouse (odoo_id) deferrable initially deferred;
alter table public.fact_sales_lines drop constraint if exists fact_sales_lines_product_id_fkey,
  add constraint fact_sales_lines_product_id_fkey foreign key (product_id) references public.dim_products_product (odoo_id) deferrable initially deferred;
alter table public.fact_sales_lines drop constraint if exists fact_sales_lines_company_id_fkey,
  add constraint fact_sales_lines_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.fact_sales_lines drop constraint if exists fact_sales_lines_salesman_id_fkey,
  add constraint fact_sales_lines_salesman_id_fkey foreign key (salesman_id) references public.dim_users (odoo_id) deferrable initially deferred;
alter table public.fact_purchases drop constraint if exists fact_purchases_order_id_fkey,
  add constraint fact_purchases_order_id_fkey foreign key (order_id) references public.dim_purchases (odoo_id) deferrable initially deferred;
alter table public.fact_purchases drop constraint if exists fact_purchases_product_id_fkey,
  add constraint fact_purchases_product_id_fkey foreign key (product_id) references public.dim_products_product (odoo_id) deferrable initially deferred;
alter table public.fact_purchases drop constraint if exists fact_purchases_partner_id_fkey,
  add constraint fact_purchases_partner_id_fkey foreign key (partner_id) references public.dim_customers (odoo_id) deferrable initially deferred;
alter table public.fact_purchases drop constraint if exists fact_purchases_company_id_fkey,
  add constraint fact_purchases_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;
alter table public.all_sales drop constraint if exists all_sales_config_id_fkey,
  add constraint all_sales_config_id_fkey foreign key (config_ref_model, config_id) references public.dim_branches_branch_ref (ref_model, odoo_id) deferrable initially deferred;
alter table public.fact_sales_lines drop constraint if exists fact_sales_lines_order_id_fkey,
  add constraint fact_sales_lines_order_id_fkey foreign key (source, order_id) references public.all_sales (source, odoo_id) deferrable initially deferred;

-- What BI joins and filters lean on (fact → dimension joins, date ranges), beyond the primary keys.
create index if not exists dim_products_product_tmpl_idx on public.dim_products_product (product_tmpl_id);
create index if not exists dim_products_categ_idx on public.dim_products (categ_id);
create index if not exists dim_customers_parent_idx on public.dim_customers (commercial_partner_id);
create index if not exists dim_emps_department_idx on public.dim_emps (department_id);
create index if not exists all_sales_date_order_idx on public.all_sales (date_order);
create index if not exists all_sales_partner_idx on public.all_sales (partner_id);
create index if not exists all_sales_company_idx on public.all_sales (company_id, date_order);
create index if not exists fact_sales_lines_order_idx on public.fact_sales_lines (source, order_id);
create index if not exists fact_sales_lines_product_idx on public.fact_sales_lines (product_id);
create index if not exists fact_purchases_order_idx on public.fact_purchases (order_id);
create index if not exists fact_purchases_product_idx on public.fact_purchases (product_id);
create index if not exists dim_purchases_date_order_idx on public.dim_purchases (date_order);
create index if not exists fact_stock_product_idx on public.fact_stock (product_id);
create index if not exists fact_stock_location_idx on public.fact_stock (location_id);

--! split: 003-missing-data.sql
-- Log of references to rows that were not (yet) in the target. One row per referencing row, column and
-- referenced row; seeing the same miss again bumps last_seen / times_seen. `referenced_key` is the parent's
-- whole key as jsonb ({"odoo_id": 7}, {"source": "pos", "odoo_id": 3}, {"code": "coupons"}), so composite and
-- text keys fit the same unique constraint; `referenced_id` is its odoo_id part for the heal job.
create table if not exists public.missing_data (
  id bigint generated always as identity primary key,
  table_name text not null,
  column_name text not null,
  record_key jsonb not null,
  referenced_table text not null,
  referenced_model text,
  referenced_id integer,
  referenced_key jsonb not null,
  first_seen timestamptz not null default now(),
  last_seen timestamptz not null default now(),
  times_seen integer not null default 1,
  resolved_at timestamptz,
  -- why it cannot heal (e.g. the id no longer exists in Odoo); null while it may still heal
  reason text,
  constraint missing_data_reference_key unique (table_name, column_name, record_key, referenced_table, referenced_key)
);
-- The heal job reads open misses per model; a real load resolves them per referenced row.
create index if not exists missing_data_open_model_idx on public.missing_data (referenced_model, referenced_id) where resolved_at is null;
create index if not exists missing_data_open_key_idx on public.missing_data (referenced_table, referenced_key) where resolved_at is null;

--! split: 004-entity-catalog.sql
-- The entities of src/entities/*.ts as data the SQL side can read (kept equal by a test).
insert into etl.entity (table_name, kind, sync, key_columns, odoo_models, source_column, source_models, optional_model) values
  ('dim_branches', 'dimension', 'incremental', '{odoo_id}', '{res.company}', null, null, false),
  ('dim_branches_branch_ref', 'dimension', 'incremental', '{ref_model,odoo_id}', '{pos.config,stock.warehouse}', 'ref_model',
   '{"pos.config": "pos.config", "stock.warehouse": "stock.warehouse"}', false),
  ('dim_categories', 'dimension', 'incremental', '{odoo_id}', '{product.category}', null, null, false),
  ('dim_brands', 'dimension', 'incremental', '{odoo_id}', '{product.brand}', null, null, true),
  ('dim_pos_categories', 'dimension', 'incremental', '{odoo_id}', '{pos.category}', null, null, false),
  ('dim_products', 'dimension', 'incremental', '{odoo_id}', '{product.template}', null, null, false),
  ('dim_products_product', 'dimension', 'incremental', '{odoo_id}', '{product.product}', null, null, false),
  ('dim_departments', 'dimension', 'incremental', '{odoo_id}', '{hr.department}', null, null, false),
  ('dim_work_locations', 'dimension', 'incremental', '{odoo_id}', '{hr.work.location}', null, null, false),
  ('dim_jobs', 'dimension', 'incremental', '{odoo_id}', '{hr.job}', null, null, false),
  ('dim_emps', 'dimension', 'incremental', '{odoo_id}', '{hr.employee}', null, null, false),
  ('dim_users', 'dimension', 'incremental', '{odoo_id}', '{res.users}', null, null, false),
  ('dim_teams', 'dimension', 'incremental', '{odoo_id}', '{crm.team}', null, null, false),
  ('dim_customers', 'dimension', 'incremental', '{odoo_id}', '{res.partner}', null, null, false),
  ('dim_promotions', 'dimension', 'incremental', '{odoo_id}', '{loyalty.program}', null, null, false),
  ('dim_promotion_types', 'dimension', 'derived', '{code}', '{loyalty.program}', null, null, false),
  ('dim_purchases', 'dimension', 'incremental', '{odoo_id}', '{purchase.order}', null, null, false),
  ('dim_stock_picking_type', 'dimension', 'incremental', '{odoo_id}', '{stock.picking.type}', null, null, false),
  ('fact_warehouse', 'fact', 'incremental', '{odoo_id}', '{stock.warehouse}', null, null, false),
  ('fact_stock_locations', 'fact', 'incremental', '{odoo_id}', '{stock.location}', null, null, false),
  ('fact_stock', 'fact', 'snapshot', '{odoo_id}', '{stock.quant}', null, null, false),
  ('all_sales', 'fact', 'incremental', '{source,odoo_id}', '{pos.order,sale.order}', 'source',
   '{"pos": "pos.order", "sale": "sale.order"}', false),
  ('fact_sales_lines', 'fact', 'incremental', '{source,odoo_id}', '{pos.order.line,sale.order.line}', 'source',
   '{"pos": "pos.order.line", "sale": "sale.order.line"}', false),
  ('fact_purchases', 'fact', 'incremental', '{odoo_id}', '{purchase.order.line}', null, null, false)
on conflict (table_name) do update set
  kind = excluded.kind, sync = excluded.sync, key_columns = excluded.key_columns, odoo_models = excluded.odoo_models,
  source_column = excluded.source_column, source_models = excluded.source_models, optional_model = excluded.optional_model;

--! split: 005-upsert.sql
-- The load functions. One generic, catalog-driven etl.upsert serves all 24 tables instead of 24 hand-written
-- functions: the tables share one contract (key, write_date, synced_at, deleted_at, inferred) and differ
-- only in columns and foreign keys, which pg_catalog already knows. So a column or FK added by a later
-- migration is handled with no function to keep in step, and the behaviour (stale rows, inferred members,
-- missing_data) is written and tested once. Every identifier goes through format('%I') / regclass.

-- The statement etl.upsert runs for a table (exposed on its own to read or EXPLAIN it). Its one parameter
-- $1 is the json array of rows. One statement, set-based:
--   inp      the batch as rows of the table's type, one per key (the highest write_date wins, then the
--            last in the array); generated columns computed, since FKs may use them
--   src      the rows of inp that will be written: new, inferred, soft-deleted, or changed and not older
--   miss_N   per parent table: keys the batch references that are not a real (non-inferred) parent row
--            (for a self-reference, rows of the batch itself count as present)
--   inf_N    the inferred members: key only, inferred = true, so the real foreign key holds
--   md       one missing_data row per referencing row and column; re-seeing bumps last_seen/times_seen
--   up       insert new rows; update rows whose values changed, that were inferred or soft-deleted, unless
--            the stored write_date is newer than the incoming one; leave the rest untouched
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

  v_ctes := v_ctes || format(
    'inp as (select distinct on (%s) %s from json_populate_recordset(null::%s, $1) with ordinality as r order by %s, %s r.ordinality desc)',
    (select string_agg(format('r.%I', k), ', ') from unnest(v_key) k),
    array_to_string(v_select, ', '),
    p_table,
    (select string_agg(format('r.%I', k), ', ') from unnest(v_key) k),
    case when v_has_write_date then 'r.write_date desc nulls last,' else '' end);
  -- Only the rows that will be written go further (new, inferred, soft-deleted, or changed and not older):
  -- an unchanged row costs one primary-key probe, not the reference checks and the insert attempt.
  v_ctes := v_ctes || format(
    'src as (select i.* from inp i left join %s t on %s where t.%I is null '
    'or ((t.inferred or t.deleted_at is not null or row(%s) is distinct from row(%s))%s))',
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

    -- All FKs to one parent reference the same key columns (its primary key).
    v_ctes := v_ctes || format(
      '%I as (select distinct %s from (%s) x where not exists (select 1 from %s p where %s and not p.inferred)%s)',
      v_miss,
      (select string_agg(format('x.%I', p), ', ') from unnest(v_fk.pcols) p),
      array_to_string(v_refs, ' union all '),
      v_parent.rel,
      (select string_agg(format('p.%I = x.%I', p, p), ' and ') from unnest(v_fk.pcols) p),
      case when v_parent.rel = p_table then format(' and not exists (select 1 from src s where %s)',
        (select string_agg(format('s.%I = x.%I', p, p), ' and ') from unnest(v_fk.pcols) p)) else '' end);
    v_ctes := v_ctes || format(
      'inf_%s as (insert into %s (%s, inferred, synced_at) select %s, true, now() from %I on conflict do nothing)',
      v_n, v_parent.rel,
      (select string_agg(format('%I', p), ', ') from unnest(v_fk.pcols) p),
      (select string_agg(format('%I', p), ', ') from unnest(v_fk.pcols) p),
      v_miss);
  end loop;

  if cardinality(v_md) > 0 then
    v_ctes := v_ctes || format(
      'md as (insert into public.missing_data as m (table_name, column_name, record_key, referenced_table, referenced_model, referenced_id, referenced_key) '
      '%s on conflict on constraint missing_data_reference_key do update set last_seen = now(), times_seen = m.times_seen + 1, resolved_at = null)',
      array_to_string(v_md, ' union all '));
  end if;

  v_ctes := v_ctes || format(
    'up as (insert into %s as t (%s, synced_at, inferred, deleted_at) select %s, now(), false, null from src s '
    'on conflict (%s) do update set %s synced_at = excluded.synced_at, inferred = false, deleted_at = null '
    'where (t.inferred or t.deleted_at is not null or row(%s) is distinct from row(%s))%s returning (t.xmax = 0) as ins)',
    p_table,
    (select string_agg(format('%I', c), ', ') from unnest(v_data) c),
    (select string_agg(format('s.%I', c), ', ') from unnest(v_data) c),
    (select string_agg(format('%I', k), ', ') from unnest(v_key) k),
    coalesce((select string_agg(format('%I = excluded.%I', c, c), ', ') from unnest(v_cmp) c) || ',', ''),
    (select string_agg(format('t.%I', c), ', ') from unnest(v_cmp) c),
    (select string_agg(format('excluded.%I', c), ', ') from unnest(v_cmp) c),
    case when v_has_write_date
      then ' and (t.write_date is null or excluded.write_date is null or excluded.write_date >= t.write_date)'
      else '' end);

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

-- The same with the rows as json text: what the sync engine sends. json_populate_recordset reads json text
-- about a third faster than jsonb is built and expanded, and a batch is read once.
create or replace function etl.upsert_json(p_table regclass, p_rows json)
returns table (inserted integer, updated integer, unchanged integer)
language plpgsql as $fn$
begin
  if p_rows is null or json_typeof(p_rows) <> 'array' then
    raise exception 'etl.upsert: rows must be a json array, got %', coalesce(json_typeof(p_rows), 'null');
  end if;
  return query execute etl.upsert_sql(p_table) using p_rows;
end
$fn$;

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

-- Delete reconcile: p_ids is Odoo's whole id set for one source of the table (p_source: the source column's
-- value, e.g. 'pos', or null for single-model tables). Rows of that source whose odoo_id is not in it get
-- deleted_at; rows whose id is back lose it. p_synced_before protects rows loaded after the ids were read.
create or replace function etl.reconcile_deleted(p_table regclass, p_source text, p_ids integer[], p_synced_before timestamptz default null)
returns table (deleted integer, restored integer)
language plpgsql as $fn$
declare
  v_source_column text;
  v_filter text := '';
begin
  select e.source_column into v_source_column
  from etl.entity e join pg_class c on c.relname = e.table_name
  where c.oid = p_table;
  if v_source_column is not null then
    if p_source is null then
      raise exception 'etl.reconcile_deleted: table % needs a source (a value of its % column)', p_table, v_source_column;
    end if;
    v_filter := format(' and t.%I = $2', v_source_column);
  elsif p_source is not null then
    raise exception 'etl.reconcile_deleted: table % has a single source; pass null, not %', p_table, p_source;
  end if;
  return query execute format(
    'with ids as materialized (select distinct unnest($1) as id), '
    'del as (update %s t set deleted_at = now() where t.deleted_at is null%s '
    'and ($3::timestamptz is null or t.synced_at is null or t.synced_at < $3) '
    'and not exists (select 1 from ids where ids.id = t.odoo_id) returning 1), '
    'res as (update %s t set deleted_at = null from ids where t.deleted_at is not null%s and t.odoo_id = ids.id returning 1) '
    'select (select count(*) from del)::int, (select count(*) from res)::int',
    p_table, v_filter, p_table, v_filter)
  using coalesce(p_ids, '{}'::integer[]), p_source, p_synced_before;
end
$fn$;

--! split: 006-run-engine.sql
-- The sync engine's bookkeeping: runs, the entity steps of each run (a DAG), per-source watermarks,
-- worker heartbeats. The functions here move a run forward; each is called inside the transaction of
-- the batch that finishes a step, so a step's data, its state change and the jobs it enqueues commit
-- together.

create schema if not exists etl;

create table if not exists etl.run (
  id bigint generated always as identity primary key,
  trigger text not null default 'cli',              -- cli | cron | api
  full_sync boolean not null default false,
  entities text[] not null,
  status text not null default 'running' check (status in ('running', 'succeeded', 'failed', 'skipped')),
  error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz
);
create index if not exists run_active_idx on etl.run (id) where status = 'running';

-- One row per entity of a run, and one for the run's closing `heal_missing` step.
create table if not exists etl.run_entity (
  run_id bigint not null references etl.run (id) on delete cascade,
  entity text not null,
  depends_on text[] not null default '{}',
  status text not null default 'pending'
    check (status in ('pending', 'queued', 'running', 'succeeded', 'failed', 'skipped')),
  mode text,                                         -- full | incremental | snapshot | derived | heal
  sources_done text[] not null default '{}',         -- the parts (sources, or id ranges of a source) read to the end
  plan jsonb,                                        -- fields resolved against the server's fields_get
  warnings text[] not null default '{}',
  expected integer,                                  -- search_count at the start, for progress
  read integer not null default 0,
  inserted integer not null default 0,
  updated integer not null default 0,
  unchanged integer not null default 0,
  deleted integer not null default 0,
  batches integer not null default 0,
  calls integer not null default 0,
  attempts integer not null default 0,
  error text,
  started_at timestamptz,
  finished_at timestamptz,
  primary key (run_id, entity)
);

-- Per entity and source ('' when the entity has one source): how far Odoo has been read.
-- high_write_date is the newest write_date loaded (the next incremental run starts LOOKBACK before it);
-- `cursor` is the position of the run in progress (cursor_run_id): a write_date cursor
-- ({writeDate, id, inSecond}) or the last id of a full pass. `version` grows with every commit: a step
-- commits only if it is still the version it read (compare-and-set), so no batch is applied twice.
-- A full pass split into id ranges keeps one transient row per range (source `<source>#<n>`), removed
-- when the source's last range is done.
create table if not exists etl.watermark (
  entity text not null,
  source text not null default '',
  high_write_date timestamptz,
  cursor_run_id bigint,
  cursor jsonb,
  full_done_at timestamptz,
  last_success_at timestamptz,
  version bigint not null default 0,
  updated_at timestamptz not null default now(),
  primary key (entity, source)
);

create table if not exists etl.worker_heartbeat (
  worker_id text primary key,
  process text not null,
  last_seen timestamptz not null default now()
);

-- Settles a step and moves the run on: dependents whose dependencies all succeeded are queued (their
-- first job enqueued here, in the caller's transaction), dependents of a failed step are skipped, and
-- the run is closed when every step is settled. Returns the steps it queued.
create or replace function etl.finish_step(
  p_run_id bigint, p_entity text, p_status text, p_error text default null
) returns text[] language plpgsql as $$
declare
  v_queued text[] := '{}';
  v_step record;
  v_open integer;
  v_failed integer;
begin
  -- One finisher at a time per run, so two steps finishing together cannot both miss a ready dependent.
  perform 1 from etl.run where id = p_run_id for update;

  update etl.run_entity
     set status = p_status, error = p_error, finished_at = now()
   where run_id = p_run_id and entity = p_entity and status not in ('succeeded', 'failed', 'skipped');

  -- Skip everything downstream of a failure (transitively); heal_missing still runs for the rest.
  if p_status = 'failed' then
    with recursive downstream as (
      select e.entity from etl.run_entity e where e.run_id = p_run_id and p_entity = any (e.depends_on)
      union
      select e.entity from etl.run_entity e join downstream d on d.entity = any (e.depends_on) where e.run_id = p_run_id
    )
    update etl.run_entity e
       set status = 'skipped', finished_at = now(),
           error = format('not run: %s %s', p_entity, case when p_status = 'failed' then 'failed' else 'was skipped' end)
      from downstream d
     where e.run_id = p_run_id and e.entity = d.entity and e.entity <> 'heal_missing'
       and e.status in ('pending', 'queued');
  end if;

  for v_step in
    select e.entity from etl.run_entity e
     where e.run_id = p_run_id and e.status = 'pending'
       and not exists (
         select 1 from etl.run_entity d
          where d.run_id = p_run_id and d.entity = any (e.depends_on)
            and d.status not in ('succeeded', 'skipped')
            and not (e.entity = 'heal_missing' and d.status = 'failed'))
  loop
    perform etl.queue_step(p_run_id, v_step.entity);
    v_queued := v_queued || v_step.entity;
  end loop;

  select count(*) filter (where status not in ('succeeded', 'failed', 'skipped')),
         count(*) filter (where status = 'failed')
    into v_open, v_failed
    from etl.run_entity where run_id = p_run_id;
  if v_open = 0 then
    update etl.run
       set status = case when v_failed > 0 then 'failed' else 'succeeded' end,
           error = case when v_failed > 0 then (
             select string_agg(format('%s: %s', entity, error), '; ' order by entity)
               from etl.run_entity where run_id = p_run_id and status = 'failed') end,
           finished_at = now()
     where id = p_run_id and status = 'running';
    if v_failed = 0 then
      update etl.watermark w set last_success_at = now()
        from etl.run_entity e
       where e.run_id = p_run_id and e.entity = w.entity and e.status = 'succeeded';
    end if;
  end if;
  return v_queued;
end $$;

-- Marks a step queued and enqueues its first job.
create or replace function etl.queue_step(p_run_id bigint, p_entity text) returns void language plpgsql as $$
begin
  update etl.run_entity set status = 'queued' where run_id = p_run_id and entity = p_entity and status = 'pending';
  perform etl.continue_step(p_run_id, p_entity);
end $$;

-- Enqueues the next job of a step, or of one part of it (a source, or an id range of a full pass):
-- parts run in parallel, each in its own queue (never twice at once) with a job key (a continuation
-- replaces a waiting duplicate instead of adding one).
create or replace function etl.continue_step(p_run_id bigint, p_entity text, p_part text default null)
returns void language plpgsql as $$
begin
  perform graphile_worker.add_job(
    case when p_entity = 'heal_missing' then 'heal_missing' else 'sync_entity' end,
    json_build_object('runId', p_run_id, 'entity', p_entity, 'part', p_part),
    queue_name := 'odoo-etl:' || p_entity || coalesce(':' || p_part, ''),
    job_key := 'odoo-etl:' || p_entity || coalesce(':' || p_part, ''),
    max_attempts := 6
  );
end $$;

-- Creates a run from its steps and their dependencies ({"entity": ["dependency", ...]}), closes it
-- with a heal_missing step, and queues the steps that depend on nothing. A run that overlaps one still
-- running is recorded as skipped instead: one entity never syncs twice at once.
create or replace function etl.start_run(p_steps jsonb, p_full boolean, p_trigger text) returns bigint language plpgsql as $$
declare
  v_run_id bigint;
  v_entities text[] := array(select jsonb_object_keys(p_steps) order by 1);
  v_busy text[];
begin
  -- Serialize run creation, so two triggers at the same instant cannot both start.
  perform pg_advisory_xact_lock(hashtext('odoo-etl:start_run'));
  select array_agg(distinct e) into v_busy
    from etl.run r, unnest(r.entities) e
   where r.status = 'running' and e = any (v_entities);

  insert into etl.run (trigger, full_sync, entities, status, error, finished_at)
  values (p_trigger, p_full, v_entities,
          case when v_busy is null then 'running' else 'skipped' end,
          case when v_busy is null then null else 'already being synced by another run: ' || array_to_string(v_busy, ', ') end,
          case when v_busy is null then null else now() end)
  returning id into v_run_id;
  if v_busy is not null then
    return v_run_id;
  end if;

  insert into etl.run_entity (run_id, entity, depends_on)
  select v_run_id, s.key,
         array(select d from jsonb_array_elements_text(s.value) d where d = any (v_entities))
    from jsonb_each(p_steps) s;
  insert into etl.run_entity (run_id, entity, depends_on, mode) values (v_run_id, 'heal_missing', v_entities, 'heal');

  perform etl.queue_step(v_run_id, e.entity)
     from etl.run_entity e
    where e.run_id = v_run_id and e.depends_on = '{}';
  return v_run_id;
end $$;
