--! Previous: sha1:41858e98a0bf5040c8787511f443d00238228944
--! Hash: sha1:93f5afd9718b97d880e0a59ef513f1f13b895788
--! Message: stock at any date: fact_stock_moves (done stock.move.line) and fact_stock_daily (end-of-day stock per product, location, company)

-- fact_stock_moves mirrors Odoo's done move lines (src/entities/fact_stock_moves.ts says which field feeds
-- which column on which version). fact_stock_daily is computed here, not read from Odoo:
-- etl.refresh_stock_daily (sql/functions/stock_daily.sql) fills it from fact_stock_history where history
-- covers the day and from fact_stock_moves before that.

create table if not exists public.fact_stock_moves (
  odoo_id integer not null,
  product_id integer,
  lot_id integer,
  lot_name text,
  location_id integer,
  location_dest_id integer,
  -- in the product's unit (16: qty_done, in the line's unit; see the spec)
  quantity numeric,
  -- in the line's unit uom_id
  quantity_uom numeric,
  uom_id integer,
  date timestamptz,
  -- date's calendar day in the company's timezone
  business_date date,
  reference text,
  picking_type_id integer,
  picking_id integer,
  move_id integer,
  company_id integer,
  create_date timestamptz,
  write_date timestamptz,
  synced_at timestamptz,
  deleted_at timestamptz,
  extra jsonb,
  inferred boolean not null default false,
  primary key (odoo_id)
);
create index if not exists fact_stock_moves_write_date_idx on public.fact_stock_moves (write_date, odoo_id);
create index if not exists fact_stock_moves_product_location_idx on public.fact_stock_moves (product_id, location_id, date);
create index if not exists fact_stock_moves_product_location_dest_idx on public.fact_stock_moves (product_id, location_dest_id, date);
-- refresh_stock_daily reads the moves of the days it rewrites
create index if not exists fact_stock_moves_date_idx on public.fact_stock_moves (date);

alter table public.fact_stock_moves drop constraint if exists fact_stock_moves_product_id_fkey,
  add constraint fact_stock_moves_product_id_fkey foreign key (product_id) references public.dim_products_product (odoo_id) deferrable initially deferred;
alter table public.fact_stock_moves drop constraint if exists fact_stock_moves_location_id_fkey,
  add constraint fact_stock_moves_location_id_fkey foreign key (location_id) references public.fact_stock_locations (odoo_id) deferrable initially deferred;
alter table public.fact_stock_moves drop constraint if exists fact_stock_moves_location_dest_id_fkey,
  add constraint fact_stock_moves_location_dest_id_fkey foreign key (location_dest_id) references public.fact_stock_locations (odoo_id) deferrable initially deferred;
alter table public.fact_stock_moves drop constraint if exists fact_stock_moves_picking_type_id_fkey,
  add constraint fact_stock_moves_picking_type_id_fkey foreign key (picking_type_id) references public.dim_stock_picking_type (odoo_id) deferrable initially deferred;
alter table public.fact_stock_moves drop constraint if exists fact_stock_moves_company_id_fkey,
  add constraint fact_stock_moves_company_id_fkey foreign key (company_id) references public.dim_branches (odoo_id) deferrable initially deferred;

-- One row per day, product, internal location and company while the quantity there is not zero, plus the
-- day it reaches zero. `day` is in the company's business timezone; `source` says where the quantity
-- came from ('history': the fact_stock_history version valid at the end of the day; 'moves': reconstructed
-- backwards from fact_stock_moves).
create table if not exists public.fact_stock_daily (
  day date not null,
  product_id integer not null,
  location_id integer not null,
  company_id integer not null,
  quantity numeric not null,
  source text not null check (source in ('history', 'moves')),
  refreshed_at timestamptz not null default now(),
  primary key (day, product_id, location_id, company_id)
);
create index if not exists fact_stock_daily_product_idx on public.fact_stock_daily (product_id, location_id, day);
