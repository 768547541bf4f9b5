--! Previous: sha1:3cced8c80cd40282ee93707da4de6a9b59f36c86
--! Hash: sha1:ebc516cbc2cfe786e3a45123563bab2f3c3b1436
--! Message: dim_product_costs (per-company costs), etl.watermark.field_set (backfill when a source's columns change)

-- Per-company product costs (src/entities/dim_product_costs.ts): one row per variant and company of the API
-- user, a snapshot re-read on every run (a company's cost can change without the variant's write_date moving).
create table if not exists public.dim_product_costs (
  product_id integer not null,
  company_id integer not null,
  standard_price numeric,
  cost_method text,
  valuation text,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (product_id, company_id)
);

create index if not exists dim_product_costs_write_date_idx on public.dim_product_costs (write_date, product_id, company_id);
create index if not exists dim_product_costs_company_id_idx on public.dim_product_costs (company_id);

alter table public.dim_product_costs drop constraint if exists dim_product_costs_product_id_fkey,
  add constraint dim_product_costs_product_id_fkey foreign key (product_id) references public.dim_products_product (odoo_id) deferrable initially deferred;
alter table public.dim_product_costs drop constraint if exists dim_product_costs_company_id_fkey,
  add constraint dim_product_costs_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;

insert into etl.entity (table_name, kind, sync, key_columns, odoo_models, source_column, source_models, optional_model) values
  ('dim_product_costs', 'dimension', 'snapshot', '{product_id,company_id}', '{product.product}', null, null, false)
on conflict (table_name) do update set
  kind = excluded.kind, sync = excluded.sync, key_columns = excluded.key_columns, odoo_models = excluded.odoo_models,
  source_column = excluded.source_column, source_models = excluded.source_models, optional_model = excluded.optional_model;

-- What a source's rows are made of when its last full pass finished (SourcePlan.fieldSet: columns and the
-- fields filling them, extra fields, how company-dependent columns are read). A plan whose field set differs
-- makes that source's next run a full pass, so rows written before the change get the new columns too.
alter table etl.watermark add column if not exists field_set text[];
